import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/env.js';
import { loadSchoolFile } from '../../src/core/people/school.js';
import { createLogger, withRequestId } from '../../src/log/logger.js';

describe('logs', () => {
  it('are JSON lines that carry the id of the request being handled', () => {
    const lines: string[] = [];
    const log = createLogger('info', (_level, line) => lines.push(line));
    withRequestId('req-123', () => log.info('turn', { flow: 'menu' }));
    log.info('outside');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', event: 'turn', requestId: 'req-123', flow: 'menu' });
    expect(JSON.parse(lines[1]!)).not.toHaveProperty('requestId');
  });

  it('name the request id in the HTTP response, and never a name, student number or typed text, even at debug level', async () => {
    const lines: string[] = [];
    const log = createLogger('debug', (_level, line) => lines.push(line));
    const dir = mkdtempSync(join(tmpdir(), 'zorgpad-log-'));
    const app = await startApp(parseConfig({ PORT: '0', ZORGPAD_DATA_DIR: dir, LOG_LEVEL: 'debug' }), log);
    try {
      const say = async (personaId: string, text: string) => {
        const res = await fetch(`http://127.0.0.1:${app.port}/playground/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ personaId, locale: 'nl', deliveryId: crypto.randomUUID(), text }),
        });
        expect(res.status).toBe(200);
        return res.headers.get('x-request-id');
      };
      const typed = 'Tijdens de gymles werd de leerling uitgescholden door twee klasgenoten.';
      let requestId: string | null = null;
      for (const text of ['pesten melden', 'Het is pesten', 'L1001', 'L1002, L1003', 'geen', 'In de les', 'vandaag', '1, 4', 'Binnen de klas', 'nee', typed, 'ja']) {
        requestId = await say('t.bakker', text);
      }
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines.some((l) => (JSON.parse(l) as { requestId?: string }).requestId === requestId)).toBe(true);

      const school = loadSchoolFile('schools/demo.yaml');
      const forbidden = [
        ...school.staff.map((s) => s.name),
        ...school.students.map((s) => s.ref),
        'uitgescholden',
        'gymles',
      ];
      const all = lines.join('\n');
      for (const word of forbidden) expect(all, `log mentions "${word}"`).not.toContain(word);
    } finally {
      await app.close();
    }
  });
});
