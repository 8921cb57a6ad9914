import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

/**
 * docs/protocol-traceability.md maps every step of the anti-bullying protocol, and every step of the
 * phone-ban exception guidance, to the dialog step that carries it and the test that walks it. This test
 * reads its tables and fails when a dialog file, a step or a test named there no longer exists, or when
 * a part of either document has lost its table or its rows.
 */
const DOC = 'docs/protocol-traceability.md';

/** The phone-ban guidance's sections (by the start of their heading) and the rows each has at least. */
const PHONE_BAN_SECTIONS: Record<string, number> = {
  'Phone-ban exception: the request': 10,
  "Phone-ban exception: the kernteam's decision": 8,
  'Phone-ban exception: signalling the subject teachers': 5,
  'Phone-ban exception: reviews and monitoring': 8,
  'Phone-ban exception: misuse': 8,
  'Phone-ban exception: informing parents and students': 2,
};
const isPhoneBan = (row: Row) => row.section.startsWith('Phone-ban exception:');

interface Row {
  /** The heading of the table the row is in. */
  section: string;
  step: string;
  dialogs: Array<{ file: string; step: string }>;
  tests: Array<{ file: string; name: string }>;
}

function rows(markdown: string): Row[] {
  const out: Row[] = [];
  let section = '';
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3);
    const cells = line.split(' | ').map((c) => c.replace(/^\|\s*|\s*\|$/g, '').trim());
    // The header row of a table ("protocol step" or "guidance step" | "dialog step" | "test") is not a row.
    if (!line.startsWith('| ') || cells.length !== 3 || cells[1] === 'dialog step') continue;
    const [step, dialogCell, testCell] = cells as [string, string, string];
    const dialogs: Row['dialogs'] = [];
    let file = '';
    for (const [, ref] of dialogCell.matchAll(/`([^`]+)`/g)) {
      const [path, stepId] = ref!.split('#') as [string, string];
      if (path) file = path;
      dialogs.push({ file, step: stepId });
    }
    const tests = [...testCell.matchAll(/`([^`]+?) › ([^`]+)`/g)].map(([, f, name]) => ({ file: f!, name: name! }));
    out.push({ section, step, dialogs, tests });
  }
  return out;
}

describe('protocol traceability', () => {
  const markdown = readFileSync(DOC, 'utf8');
  const table = rows(markdown);

  it('has a row for every part of the protocol, each with a dialog step and a test', () => {
    // The anti-bullying protocol's rows alone: the phone-ban rows do not make up for lost ones.
    expect(table.filter((r) => !isPhoneBan(r)).length).toBeGreaterThanOrEqual(40);
    for (const row of table) {
      expect(row.dialogs.length, row.step).toBeGreaterThan(0);
      expect(row.tests.length, row.step).toBeGreaterThan(0);
    }
    // The numbered steps of the protocol are all there: mentor 1-4, CLZ 1-9, cyberbullying 1-5.
    const numbered = (section: string) =>
      new Set(table.filter((r) => r.section.startsWith(section)).map((r) => /^(\d+)[a-z]?\. /.exec(r.step)?.[1]).filter(Boolean).map(Number));
    expect([...numbered('The mentor')].sort()).toEqual([1, 2, 3, 4]);
    expect([...numbered('The CLZ')].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...numbered('Cyberbullying')].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('has the phone-ban guidance in its sections, each with its rows, a dialog step and a test in every row', () => {
    const phoneBan = table.filter(isPhoneBan);
    expect(phoneBan.length).toBeGreaterThanOrEqual(Object.values(PHONE_BAN_SECTIONS).reduce((a, b) => a + b, 0));
    for (const [section, least] of Object.entries(PHONE_BAN_SECTIONS)) {
      expect(phoneBan.filter((r) => r.section.startsWith(section)).length, section).toBeGreaterThanOrEqual(least);
    }
    for (const row of phoneBan) {
      expect(row.dialogs.length, row.step).toBeGreaterThan(0);
      expect(row.tests.length, row.step).toBeGreaterThan(0);
    }
    // What Zorgpad does not carry is listed after the phone-ban tables, one line each, not mapped.
    const notCarried = markdown.split('\n### Not carried (yet)\n')[1];
    expect(notCarried, 'the "Not carried (yet)" list').toBeDefined();
    expect(markdown.indexOf('### Not carried (yet)')).toBeGreaterThan(markdown.lastIndexOf('## Phone-ban exception:'));
    expect(notCarried!.split('\n').filter((l) => l.startsWith('- ')).length).toBeGreaterThan(0);
  });

  it.each(table.map((r) => [r.step, r] as const))('%s: the dialog steps and the test exist', (_, row) => {
    for (const { file, step } of row.dialogs) {
      expect(existsSync(file), file).toBe(true);
      const flow = parseYaml(readFileSync(file, 'utf8')) as { steps: Record<string, unknown> };
      expect(Object.keys(flow.steps), `${file}#${step}`).toContain(step);
    }
    for (const { file, name } of row.tests) {
      expect(existsSync(file), file).toBe(true);
      const source = readFileSync(file, 'utf8').replace(/\\'/g, "'");
      expect(source.includes(`'${name}'`) || source.includes(`"${name}"`), `${file} › ${name}`).toBe(true);
    }
  });
});
