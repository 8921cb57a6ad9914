import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND_ACCEPTS } from '../../src/core/app/commands.js';
import { DEFAULT_PROTOCOL, ladderOf } from '../../src/core/cases/ladder.js';
import { loadSchoolFile } from '../../src/core/people/school.js';
import { loadFlows } from '../../src/core/protocol/loader.js';
import { readSchoolProtocol, withSchoolTerms } from '../../src/core/protocol/school-protocol.js';
import { shippedReferences } from '../helpers/shipped.js';

/** The school's own folder read directly: contacts in the advice, terms in the school file, the law kept. */
const known = { ...shippedReferences(), accepts: COMMAND_ACCEPTS };
const dialogs = loadFlows('dialogs', known);
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The fixture school with its folder replaced by these files. */
function school(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'zorgpad-protocol-'));
  temps.push(dir);
  cpSync('test/fixtures/schools/lyceum.yaml', join(dir, 'lyceum.yaml'));
  cpSync('test/fixtures/schools/lyceum', join(dir, 'lyceum'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'lyceum', name), text);
  const schoolFile = join(dir, 'lyceum.yaml');
  const file = loadSchoolFile(schoolFile);
  return { read: () => readSchoolProtocol(schoolFile, file, dialogs, known), file, dir };
}

describe("a school's own protocol", () => {
  it('names the contacts in the advice that mentions them, in both languages, and puts its terms in the school file', () => {
    const { read, file } = school({});
    const p = read();
    const dader = p.flows.get('cyberpesten')!.steps.dader;
    expect(dader?.type === 'message' && dader.text.nl).toMatch(/\n\nAnti-pestcoördinator op deze school: Eva Smits \(lokaal A\.03, of antipesten@delinde\.example\)\.$/);
    expect(dader?.type === 'message' && dader.text.en).toMatch(/Anti-bullying coordinator at this school: Eva Smits \(room A\.03/);
    const support = p.flows.get('cyberpesten')!.steps['zwaar-beelden'];
    expect(support?.type === 'card' && support.texts.text!.nl).toContain('Vertrouwenspersoon op deze school: Ria de Wit (kamer B.12, dinsdag en donderdag).');
    // The dialogs as loaded stay as they were (another school, a reload, start from them).
    const original = dialogs.flows.get('cyberpesten')!.steps.dader;
    expect(original?.type === 'message' && original.text.nl).not.toContain('Eva Smits');
    const effective = withSchoolTerms(file, p);
    expect(effective.protocol.repetitionWindowDays).toBe(60);
    expect(effective.reminders.nudgeDays).toBe(10);
    expect(effective.exceptions.reviewWeeks).toEqual(file.exceptions.reviewWeeks);
  });

  it('refuses a term outside the bounds the school file has, naming its line', () => {
    const { read } = school({ 'protocol.yaml': 'terms:\n  reviewWeeks:\n    tijdelijk: 12\n' });
    expect(read).toThrow(/lyceum\/protocol\.yaml:3: terms\.reviewWeeks\.tijdelijk: /);
  });

  it('refuses an unknown rung without a label, a rung twice, and the directie on a rung that is not its to decide', () => {
    expect(school({ 'protocol.yaml': 'sanctions:\n  ladder:\n    - rung: strafwerk\n' }).read).toThrow(/protocol\.yaml:3: sanctions\.ladder\.0 \(strafwerk\): "strafwerk" is not a rung Zorgpad knows/);
    expect(school({ 'protocol.yaml': 'sanctions:\n  ladder:\n    - rung: verwijdering\n    - rung: verwijdering\n' }).read).toThrow(/protocol\.yaml:4: sanctions\.ladder\.1 \(verwijdering\): rung "verwijdering" is on the ladder twice/);
    expect(school({ 'protocol.yaml': 'sanctions:\n  ladder:\n    - rung: gesprek-afspraken\n      decidedBy: directie\n' }).read).toThrow(/protocol\.yaml:4: .*only suspension and expulsion/);
    expect(school({ 'protocol.yaml': 'sanctions:\n  ladder:\n    - rung: gesprek-afspraken\n      appliedBy: [mentor]\n' }).read).toThrow(/protocol\.yaml:4: .*add clz/);
  });

  it('keeps what the law fixes on every rung of a ladder a case kept, and follows the built-in ladder for older cases', () => {
    const p = school({}).read();
    const verwijdering = p.ladder.find((r) => r.id === 'verwijdering')!;
    expect(verwijdering).toMatchObject({ decidedBy: 'directie', inspectie: true, appliedBy: [] });
    // A stored ladder that says otherwise (edited by hand in the store) is put right when read.
    const tampered = { protocol: { version: 'x', ladder: p.ladder.map((r) => (r.id === 'verwijdering' ? { ...r, appliedBy: ['mentor' as const], decidedBy: undefined, inspectie: false } : r)) } };
    expect(ladderOf(tampered).find((r) => r.id === 'verwijdering')).toMatchObject({ decidedBy: 'directie', inspectie: true, appliedBy: [] });
    expect(ladderOf({}).map((r) => r.id)).toEqual(DEFAULT_PROTOCOL.ladder.map((r) => r.id));
  });

  it('checks texts: an unknown step, a text a step does not have, a placeholder that is no answer, options of a pick step', () => {
    expect(school({ 'texts.yaml': 'pesten-melden:\n  plek:\n    prompt: { nl: Waar?, en: Where? }\n' }).read).toThrow(/texts\.yaml:2: pesten-melden\/plek: "plek" is not a step of this flow/);
    expect(school({ 'texts.yaml': 'pesten-melden:\n  waar:\n    text: { nl: Waar?, en: Where? }\n' }).read).toThrow(/texts\.yaml:3: pesten-melden\/waar: a choice step has no "text"/);
    expect(school({ 'texts.yaml': 'pesten-melden:\n  waar:\n    prompt: { nl: "Waar, {naam}?", en: "Where, {naam}?" }\n' }).read).toThrow(/texts\.yaml:3: pesten-melden\/waar: \{naam\} is not an answer of this dialog/);
    expect(school({ 'texts.yaml': 'sanctie:\n  trede-clz:\n    options: { a: { nl: A, en: A } }\n' }).read).toThrow(/texts\.yaml:3: sanctie\/trede-clz: a pick step has no "options".*the ladder in protocol\.yaml/);
    expect(school({ 'texts.yaml': 'pesten-melden:\n  waar:\n    prompt: { nl: Waar? }\n' }).read).toThrow(/texts\.yaml:3: pesten-melden\/waar: prompt\.en: expected an English text/);
  });

  it('checks the dialogs with the school\'s texts whole again: capture advice needs its marking, an option may not skip the safeguard', () => {
    const screenshot = 'cyberpesten:\n  dader:\n    text: { nl: Maak een screenshot van alles., en: Take a screenshot of everything. }\n';
    expect(school({ 'texts.yaml': screenshot }).read).toThrow(/texts\.yaml:1: cyberpesten: with these texts and options the dialog is not right: dialogs\/cyberpesten\.yaml: step "dader"/);
    const skip = 'cyberpesten:\n  beeld:\n    extraOptions:\n      - { value: misschien, label: { nl: Misschien, en: Maybe }, goto: bewijs }\n';
    expect(school({ 'texts.yaml': skip }).read).toThrow(/texts\.yaml:1: cyberpesten: with these texts and options the dialog is not right/);
  });
});
