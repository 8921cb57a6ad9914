import { ADMIN_COMMANDS } from './commands/admin.js';
import { CASE_COMMANDS } from './commands/cases.js';
import { EXCEPTION_COMMANDS } from './commands/exceptions.js';
import { LETTER_COMMANDS } from './commands/letters.js';
import type { CommandDeps, CommandHandler } from './command.js';

export type { CommandContext, CommandDeps, CommandHandler } from './command.js';

/** Every domain command, defined once (command.ts `defineCommand`): the only list of them. */
export const COMMANDS = [...CASE_COMMANDS, ...EXCEPTION_COMMANDS, ...LETTER_COMMANDS, ...ADMIN_COMMANDS];

/** What dialog files may call, with the answers each command needs: checked when the dialogs are loaded. */
export const COMMAND_ANSWERS: ReadonlyMap<string, readonly string[]> = new Map(COMMANDS.map((c) => [c.name, c.required]));

/** Whether a command takes an answer under a key: a school's extra option may not give a command what it cannot take. */
export const COMMAND_ACCEPTS = (command: string, key: string, answer: unknown): boolean => COMMANDS.find((c) => c.name === command)?.accepts(key, answer) ?? true;

/** The commands that put the safeguard for sexual images in what they send. */
export const COMMANDS_PASSING_SAFEGUARD: ReadonlySet<string> = new Set(COMMANDS.filter((c) => c.passesSafeguard).map((c) => c.name));

export function createCommands(deps: CommandDeps): Map<string, CommandHandler> {
  return new Map(COMMANDS.map((c) => [c.name, c.handler(deps)]));
}
