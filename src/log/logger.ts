import type { LogFields, Logger } from '../core/ports.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

/** JSON lines on stdout (stderr for warnings and errors). */
export function createLogger(level: LogLevel, write = defaultWrite): Logger {
  const threshold = LEVELS[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (event: string, fields?: LogFields) => {
    if (LEVELS[lvl] < threshold) return;
    write(lvl, JSON.stringify({ time: new Date().toISOString(), level: lvl, event, ...fields }));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function defaultWrite(level: string, line: string): void {
  if (level === 'warn' || level === 'error') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}
