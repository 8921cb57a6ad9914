import { casesModule } from '../cases/module.js';
import { exceptionsModule } from '../exceptions/module.js';
import { parentsModule } from '../parents/module.js';
import { privacyModule } from '../privacy/module.js';
import { remindersModule } from '../reminders/module.js';
import { adminModule } from './commands/admin.js';
import { commandReferences, type AnyModule } from './registry.js';

export type { CommandContext, CommandHandler } from './command.js';

/**
 * The modules Zorgpad ships with, each defined in its own folder (registry.ts `defineModule`): what the
 * dialog files may call without starting Zorgpad (`npm run school:check`, the loader's tests). The
 * composition root (app.ts) installs each with the services it needs, and refuses to start without one.
 */
export const SHIPPED_MODULES: readonly AnyModule[] = [adminModule, casesModule, exceptionsModule, parentsModule, privacyModule, remindersModule];

const shipped = commandReferences(SHIPPED_MODULES);

/** What dialog files may call, with the answers each command needs: checked when the dialogs are loaded. */
export const COMMAND_ANSWERS: ReadonlyMap<string, readonly string[]> = shipped.commands;

/** Whether a command takes an answer under a key: a school's extra option may not give a command what it cannot take. */
export const COMMAND_ACCEPTS = shipped.accepts;

/** The commands that put the safeguard for sexual images in what they send. */
export const COMMANDS_PASSING_SAFEGUARD: ReadonlySet<string> = shipped.passSafeguard;
