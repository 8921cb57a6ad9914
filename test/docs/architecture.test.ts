import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * docs/architecture.md describes what exists: every file and folder its layout names must be there.
 * The layout is a tree (two spaces a level); a name ends at two spaces; lines indented as far as the
 * descriptions are continuations.
 */
function namedPaths(markdown: string): string[] {
  const block = markdown.slice(markdown.indexOf('## Layout'));
  const tree = block.slice(block.indexOf('```') + 3, block.indexOf('```', block.indexOf('```') + 3));
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (!line.trim() || indent >= 20) continue; // a continuation of a description
    const depth = indent / 2;
    const names = line.trim().split(/\s{2,}/)[0]!;
    stack.length = depth;
    for (const name of names.split(/,\s*/)) {
      const path = join(...stack, name);
      out.push(path);
      if (name.endsWith('/')) stack[depth] = name.replace(/\/$/, '');
    }
  }
  return out;
}

describe('docs/architecture.md', () => {
  const paths = namedPaths(readFileSync('docs/architecture.md', 'utf8'));

  it('names the main parts', () => {
    expect(paths).toEqual(expect.arrayContaining(['src/core/kernel/operation.ts', 'src/channels/slack/', 'src/core/privacy/collections.ts', 'dialogs/']));
  });

  it.each(paths)('%s exists', (path) => {
    expect(existsSync(path)).toBe(true);
  });
});
