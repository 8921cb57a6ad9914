import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogFields, Logger } from '../core/kernel/ports.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

/** The request being handled, so that every line logged for it carries its id. */
const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `work` as the handling of one request: log lines written meanwhile carry `requestId`. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return requestContext.run({ requestId }, work);
}

/** JSON lines on stdout (stderr for warnings and errors), with the request id when there is one. */
export function createLogger(level: LogLevel, write = defaultWrite): Logger {
  const threshold = LEVELS[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (event: string, fields?: LogFields) => {
    if (LEVELS[lvl] < threshold) return;
    const requestId = requestContext.getStore()?.requestId;
    write(lvl, JSON.stringify({ time: new Date().toISOString(), level: lvl, event, ...(requestId ? { requestId } : {}), ...fields }));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function defaultWrite(level: string, line: string): void {
  if (level === 'warn' || level === 'error') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}
