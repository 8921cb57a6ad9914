import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

/**
 * docs/protocol-traceability.md maps every step of the anti-bullying protocol to the dialog step that
 * carries it and the test that walks it. This test reads its tables and fails when a dialog file, a
 * step or a test named there no longer exists.
 */
const DOC = 'docs/protocol-traceability.md';

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
    if (!line.startsWith('| ') || cells.length !== 3 || cells[0] === 'protocol step') continue;
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
  const table = rows(readFileSync(DOC, 'utf8'));

  it('has a row for every part of the protocol, each with a dialog step and a test', () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
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
