import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { healthWordsIn } from '../../src/core/text/health-words.js';
import { EXCEPTION_REQUEST, playground } from '../helpers/conversations.js';
import { buttonData, startTestApp, testStores, type PlaygroundReply, type TestApp } from '../helpers/app.js';

/** What the two kernteam members write with their votes: internal, with health details. */
const MOTIVATIONS = {
  'a.jansen': 'Glucosesensor waarschuwt bij een hypo, dus noodzakelijk; dossier gezien.',
  'l.verhoeven': 'Eens: de insulinepomp wordt met de telefoon bediend.',
};
/** Words from those motivations that are not about health: none of them may reach a letter either. */
const FROM_THE_VOTES = /waarschuwt|noodzakelijk|dossier gezien|bediend|Eens:| \/ /i;

/**
 * Letters to parents about a phone exception, walked through the playground as the school would: the
 * mentor applies, the kernteam votes with motivations full of health details, the mentor drafts and
 * takes the letter. The letter is built from named fields only: no vote motivation, no health word,
 * and no "U vroeg" when it was the mentor who asked.
 */
describe.each(testStores())('letters to parents after a kernteam decision (%s store)', (store) => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp({}, store);
  });
  afterEach(async () => {
    await bot.stop();
  });

  const { conversation: say, inbox } = playground(() => bot);

  /** Marloes (mentor of 1A) applies for L1001; both kernteam members grant it with their motivations. */
  async function grantedByVotes() {
    await say('m.devries', [...EXCEPTION_REQUEST, 'Indienen']);
    const card = (await inbox('a.jansen')).filter((m) => m.channel === 'kernteam').at(-1)!;
    for (const [persona, motivation] of Object.entries(MOTIVATIONS)) await bot.click(persona, { ...(buttonData(card, 'Toekennen') as object), motivation });
    const [request] = await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1001');
    // The record does hold the motivations, joined: the letter must leave them out.
    expect(request).toMatchObject({ status: 'granted', requesterStaffId: 'm.devries' });
    expect(request!.fromParents).toBeUndefined();
    expect(request!.decision!.motivation).toBe(`${MOTIVATIONS['a.jansen']} / ${MOTIVATIONS['l.verhoeven']}`);
    return request!;
  }

  const letterOf = (reply: PlaygroundReply, subject: string) => {
    const letter = reply.texts.find((t) => t.startsWith(subject));
    expect(letter, reply.texts.join('\n---\n')).toBeDefined();
    return letter!;
  };

  it('tells the parents, before the decision, within how many school days and by which day the school decides', async () => {
    const submitted = await say('m.devries', [...EXCEPTION_REQUEST, 'Indienen']);
    const due = /uiterlijk op (\d\d-\d\d-\d{4})/.exec(submitted.texts.join('\n'))?.[1];
    expect(due).toBeDefined();
    const draft = await say('m.devries', ['brief aan ouders', 'Een uitzondering voor de telefoon', 'L1001 (1A)', 'Waar de aanvraag staat: ontvangen, het besluit, de pauze of het einde', 'Nederlands']);
    const letter = letterOf(draft, 'De telefoon in de les: de school kijkt naar de vraag');
    // The same term and last day the mentor was told at submission.
    expect(letter).toContain(`Binnen 10 schooldagen besluit de school. Dat is uiterlijk ${due}.`);
    expect(healthWordsIn(letter)).toEqual([]);
    expect(letter).not.toMatch(/glucose|sensor|diabetes/i);
  });

  it('a granted letter holds no vote motivation and no health word, and says the mentor asked', async () => {
    await grantedByVotes();
    const draft = await say('m.devries', ['brief aan ouders', 'Een uitzondering voor de telefoon', 'L1001 (1A)', 'Waar de aanvraag staat: ontvangen, het besluit, de pauze of het einde', 'Nederlands']);
    const letter = letterOf(draft, 'De telefoon in de les: de school zegt ja');
    expect(healthWordsIn(letter)).toEqual([]);
    expect(letter).not.toMatch(/glucose|sensor|insuline|pomp|hypo|diabetes|suiker|medisch/i);
    expect(letter).not.toMatch(FROM_THE_VOTES);
    expect(letter).toContain('Waarom: De telefoon helpt uw kind om goed voor de eigen gezondheid te zorgen.');
    expect(letter).toContain('Wat mag: meldingen op de telefoon bekijken en er meteen iets mee doen.');
    expect(letter).toContain('De mentor van uw kind vroeg de school om een uitzondering voor de telefoon in de les.');
    expect(letter).not.toMatch(/U vroeg|uw vraag/);
    // Nothing was there to take out, so the mentor is not told about removed words.
    expect(draft.texts.join('\n')).not.toMatch(/uit de brief gehaald/);

    // The letter as taken (the text the mentor copies, and the PDF) is the same draft.
    const taken = await bot.say('m.devries', '-');
    expect(taken.texts.at(-1)).toBe(letter.slice(letter.indexOf('\n\n') + 2));
  });

  it('in English too: no "You asked" when the mentor applied, no motivation, no health word', async () => {
    await grantedByVotes();
    const draft = await say('m.devries', ['brief aan ouders', 'Een uitzondering voor de telefoon', 'L1001 (1A)', 'Waar de aanvraag staat: ontvangen, het besluit, de pauze of het einde', 'Engels']);
    const letter = letterOf(draft, 'Phones in class: the school says yes');
    expect(healthWordsIn(letter)).toEqual([]);
    expect(letter).not.toMatch(/glucose|sensor|insulin|pump|hypo|medical/i);
    expect(letter).not.toMatch(FROM_THE_VOTES);
    expect(letter).toContain('The mentor of your child asked the school for an exception for the phone in class.');
    expect(letter).not.toMatch(/You asked|your request/);
  });
});
