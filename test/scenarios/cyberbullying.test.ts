import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardProblems } from '../helpers/adaptive-cards.js';
import { startTestApp, type PlaygroundReply, type TestApp } from '../helpers/app.js';

/** Cyberbullying advice, per kind of incident, through the playground's HTTP API. */
describe('cyberbullying advice', () => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp();
  });
  afterEach(async () => {
    await bot.stop();
  });

  /** Runs the advice flow and returns every text said along the way. */
  async function advice(persona: string, texts: string[], locale: 'nl' | 'en' = 'nl'): Promise<string[]> {
    const said: string[] = [];
    for (const text of texts) {
      const reply: PlaygroundReply = await bot.say(persona, text, { locale });
      for (const m of reply.messages) if (m.card) expect(cardProblems(m.card)).toEqual([]);
      said.push(...reply.texts);
    }
    return said;
  }

  it('puts the safeguard first for shared sexual images and gives no screenshot advice', async () => {
    const said = await advice('t.bakker', ['cyberpesten', 'Seksuele of naaktbeelden van een leerling gedeeld', 'Snapchat']);
    const safeguard = said.findIndex((t) => t.startsWith('Eerst dit: niet kopiëren, niet bewaren, niet doorsturen'));
    const blocking = said.findIndex((t) => t.startsWith('Blokkeren en melden op Snapchat'));
    expect(safeguard).toBeGreaterThan(-1);
    expect(safeguard).toBeLessThan(blocking);
    expect(said[safeguard]).toMatch(/Maak dus geen screenshot of kopie/);
    expect(said[safeguard]).toMatch(/Helpwanted\.nl/);
    expect(said.some((t) => t.startsWith('Bewijs bewaren'))).toBe(false);
    expect(said.find((t) => t.startsWith('Steun en politie'))).toMatch(/aangifte doen/);
  });

  it('advises keeping evidence and blocking on WhatsApp for abusive messages', async () => {
    const said = await advice('t.bakker', ['cyberpesten', '1', 'WhatsApp', 'Nee', 'nee']);
    expect(said.find((t) => t.startsWith('Bewijs bewaren'))).toMatch(/screenshots waarop datum, tijd, accountnaam/);
    expect(said.find((t) => t.startsWith('Blokkeren en melden op WhatsApp'))).toMatch(/Blokkeren of Rapporteren/);
    expect(said.find((t) => t.startsWith('Verdere steun'))).toMatch(/meldknop\.nl/);
    expect(said.some((t) => t.startsWith('Eerst dit'))).toBe(false);
    expect(said.find((t) => t.startsWith('Samenvatting om te bewaren'))).toMatch(
      /Incident: Scheld-, roddel- of dreigberichten, op WhatsApp\. Ernstig: nee\./,
    );
  });

  it('points to the police, a buddy and meldknop.nl for stalking, and can go on into a bullying report', async () => {
    const said = await advice('m.devries', ['cyberpesten', 'Steeds opnieuw lastigvallen of bedreigen', 'Instagram', 'Nee', 'ja']);
    const severe = said.find((t) => t.startsWith('Bij een ernstig incident'))!;
    expect(severe).toMatch(/aangifte te doen bij de politie/);
    expect(severe).toMatch(/buddy/);
    expect(severe).toMatch(/meldknop\.nl/);
    expect(said.at(-1)).toMatch(/Wil je het nu als pesten melden/);
    const report = await advice('m.devries', ['Ja, melden']);
    expect(report[0]).toMatch(/^Je wilt pesten melden/);
  });

  it('speaks English', async () => {
    const said = await advice('t.bakker', ['cyberbullying', '6', '7'], 'en');
    expect(said.find((t) => t.startsWith('First this: do not copy, keep or forward'))).toMatch(/Helpwanted\.nl/);
    expect(said.find((t) => t.startsWith('Block and report\n'))).toMatch(/meldknop\.nl/);
  });

  it('offers the advice after a report about something that happened online', async () => {
    const said = await advice('t.bakker', [
      'pesten melden', '1', 'L2001', 'L2002', 'geen', 'Online', 'vandaag', '1', '2', 'nee', '-', 'ja',
    ]);
    expect(said.at(-1)).toMatch(/^Het speelde online\. Wil je ook het advies bij cyberpesten zien\?/);
    expect((await advice('t.bakker', ['Ja, graag']))[0]).toMatch(/^Wat voor incident is het\?/);
  });
});

/**
 * Every kind of incident, walked to the end: where an image may be sexual and show a minor, the
 * safeguard comes before any other advice, nothing tells anyone to keep or screenshot it, no
 * "is it severe?" is asked, and the summary says what was advised. Elsewhere the evidence advice comes.
 */
describe('cyberbullying advice per kind of incident', () => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp();
  });
  afterEach(async () => {
    await bot.stop();
  });

  const SEXUAL = ['ongewenst-materiaal', 'seksueel-beeld', 'sextortion'];
  // Every kind not sexual by itself asks whether such an image plays a part, before any other advice.
  const KINDS = [
    ['berichten', ['nee']],
    ['berichten', ['ja']],
    ['stalking', ['nee']],
    ['ongewenst-materiaal', []],
    ['geweldsbeelden', ['nee']],
    ['geweldsbeelden', ['weet-niet']],
    ['vreemden', ['nee']],
    ['vreemden', ['ja']],
    ['vreemden', ['weet-niet']],
    ['seksueel-beeld', []],
    ['sextortion', []],
    ['hacken', ['nee']],
    ['hacken', ['ja']],
    ['bewerkte-fotos', ['ja']],
    ['bewerkte-fotos', ['weet-niet']],
    ['bewerkte-fotos', ['nee']],
    ['reacties', ['nee']],
    ['prive-info', ['nee']],
    ['prive-info', ['weet-niet']],
  ] as const;

  it.each(KINDS)('%s %s', async (kind, extra) => {
    const said: string[] = [];
    for (const text of ['cyberpesten', kind, 'WhatsApp', ...extra]) said.push(...(await bot.say('t.bakker', text)).texts);
    const sexual = SEXUAL.includes(kind) || extra[0] === 'ja' || extra[0] === 'weet-niet';
    const afterPlatform = said.findIndex((t) => t.startsWith('Op welk platform')) + 1;
    const firstAdvice = said.slice(afterPlatform).find((t) => !/^(Is de foto seksueel|Speelt er \(misschien\) een seksuele foto)/.test(t));
    if (sexual) {
      expect(firstAdvice).toMatch(/^Eerst dit: niet kopiëren, niet bewaren, niet doorsturen\n/);
      expect(said.join('\n')).not.toMatch(/Bewijs bewaren|maak screenshots|screenshots waarop|Is het ernstig/);
      // Which student the advice about deleting is for: recipients never keep it.
      expect(firstAdvice).toMatch(/Leerlingen die het beeld kregen: niet bewaren en niet doorsturen/);
      expect(firstAdvice).toMatch(/De leerling die op het beeld staat, hoeft niets te bewaren/);
      const summary = said.find((t) => t.startsWith('Samenvatting om te bewaren'))!;
      expect(summary).toMatch(/Advies gegeven: geen beeld kopiëren, bewaren of doorsturen; politie inschakelen/);
      expect(summary).not.toMatch(/bewijs/i);
      if (kind === 'sextortion') expect(said.join('\n')).toMatch(/niet betalen/);
    } else {
      expect(firstAdvice).toMatch(/^Bewijs bewaren\n/);
      expect(said.join('\n')).not.toMatch(/Eerst dit/);
      expect(said.at(-1)).toMatch(/^Is het ernstig/);
    }
  });

  it('does not offer a second report when the advice was opened from a report', async () => {
    const report = ['pesten melden', '1', 'L2001', 'L2002', 'geen', 'Online', 'vandaag', '1', '2', 'nee', '-', 'ja', 'Ja, graag', 'Scheld-, roddel- of dreigberichten', 'Instagram', 'Nee', 'nee'];
    let last: string[] = [];
    for (const text of report) last = (await bot.say('t.bakker', text)).texts;
    expect(last.at(-1)).toBe('Je melding is al vastgelegd; de mentor of de CLZ pakt het op. Typ "help" als je nog iets nodig hebt.');
    expect(last.join('\n')).not.toMatch(/Wil je het nu als pesten melden/);
  });
});
