import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Work that must happen (deliveries, reminders, upkeep, inbox turns nobody runs, lease renewals) is run
 * by the process's one work loop (src/core/work/loop.ts), which passes never overlap and a stop ends;
 * a repeating timer elsewhere would be work a stopping process does not know about.
 */
describe('background work', () => {
  it('has no repeating timer in the server code except the primary watching its parent', () => {
    const allowed = new Map([
      // The primary notices that `npm start` went away (supervision, not work).
      [join('src', 'main.ts'), 1],
      // The SQLite log copy on its own thread: nothing that must happen (the connection copies the log
      // itself past a larger size), and the store's close stops it.
      [join('src', 'store', 'checkpointer.ts'), 1],
    ]);
    const offenders = filesUnder('src')
      // The playground page's script runs in the browser.
      .filter((file) => file !== join('src', 'channels', 'playground', 'page.ts'))
      .flatMap((file) => {
        const count = (readFileSync(file, 'utf8').match(/\bsetInterval\s*\(/g) ?? []).length;
        return count > (allowed.get(file) ?? 0) ? [`${file}: ${count} setInterval`] : [];
      });
    expect(offenders).toEqual([]);
  });
});
