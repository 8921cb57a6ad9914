import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config/env.js';
import { CardTemplateError } from './core/cards/render.js';
import { SchoolFileError } from './core/people/school.js';
import { DialogFileError } from './core/protocol/loader.js';
import { TranslationError } from './channels/parents/texts.js';
import { createLogger } from './log/logger.js';

const STARTUP_ERRORS = [ConfigError, DialogFileError, SchoolFileError, CardTemplateError, TranslationError];

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const app = await startApp(config, log);
  const stop = async () => {
    log.info('stopping');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  if (config.playground) process.stdout.write(`Zorgpad playground: http://localhost:${app.port}/playground\n`);
}

main().catch((error: unknown) => {
  // A configuration or file problem: one clear line, no stack trace.
  if (STARTUP_ERRORS.some((E) => error instanceof E)) {
    process.stderr.write(`zorgpad: ${(error as Error).message}\n`);
  } else {
    process.stderr.write(`zorgpad: start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
