import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layout shows the architecture: src/core/ holds one folder per concern (the infrastructure in
 * kernel/, each domain in its own folder) and only the two files every part of the core speaks in:
 * what a turn is (turn.ts) and who may do what (permissions.ts).
 */
describe('layout of src/core', () => {
  it('keeps infrastructure in src/core/kernel/, not loose in src/core/', () => {
    const loose = readdirSync('src/core').filter((name) => !statSync(join('src/core', name)).isDirectory());
    expect(loose.sort()).toEqual(['permissions.ts', 'turn.ts']);
    expect(readdirSync('src/core/kernel')).toEqual(expect.arrayContaining(['ports.ts', 'records.ts', 'operation.ts', 'transient.ts']));
  });
});
