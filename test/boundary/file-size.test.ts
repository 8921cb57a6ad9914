import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const LIMIT = 350;

describe('file size', () => {
  it(`gives every file in src/ over ${LIMIT} lines a reason on its first line`, () => {
    const unexplained = filesUnder('src')
      .map((file) => ({ file, text: readFileSync(file, 'utf8') }))
      .filter(({ text }) => text.split('\n').length > LIMIT && !text.startsWith(`// Longer than ${LIMIT} lines: `))
      .map(({ file }) => file);
    expect(unexplained).toEqual([]);
  });
});
