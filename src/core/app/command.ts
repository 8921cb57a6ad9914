import { z } from 'zod';
import type { Locale, MessageKey, Translate } from '../i18n/index.js';
import type { Role } from '../people/roles.js';
import type { StaffMember } from '../people/school.js';
import type { Answer } from '../protocol/answers.js';
import type { OutboundMessage } from '../turn.js';

/** What a domain command gets to work with. Commands check permissions themselves. */
export interface CommandContext {
  actor: StaffMember;
  roles: ReadonlySet<Role>;
  answers: Record<string, Answer>;
  args: Record<string, string>;
  channel: string;
  locale: Locale;
  t: Translate;
  /** An answer on the way here means a sexual image of a minor may be involved (protocol/safeguard.ts). */
  sexualImage: boolean;
}

/** A command returns what to say to the person who ran it. */
export type CommandHandler = (ctx: CommandContext) => Promise<OutboundMessage[]>;

/** An answer as a command reads it: its value checked by `value`, and the text shown for it. */
export function answer<S extends z.ZodType>(value: S) {
  return z.object({ value, display: z.string() });
}
/** An answer whose value is text. */
export const textAnswer = answer(z.string());

/**
 * A domain command: its name as dialog files use it, the answers it reads (a zod object over the
 * dialog's answer keys; the keys that are not optional are the ones every dialog must have collected
 * before its command step, which the loader checks), what to say when the answers do not fit, and
 * what it does with them. `D` is what it works with: the services of the module that defines it
 * (registry.ts), handed over when the composition root installs that module.
 */
export interface CommandDefinition<D> {
  name: string;
  /** The answer keys a dialog must have collected before this command runs. */
  required: readonly string[];
  /**
   * It may run on a path that may involve a sexual image of a minor, and then puts the safeguard in
   * everything it sends (the loader refuses a path that reaches any other command after such an answer).
   */
  passesSafeguard?: boolean;
  /** Whether the command takes this answer under this key (a school's extra option is checked with it). */
  accepts(key: string, answer: unknown): boolean;
  readonly handler: (deps: D) => CommandHandler;
}

export function defineCommand<S extends z.ZodRawShape, D>(
  name: string,
  answers: S,
  run: (deps: D, ctx: CommandContext, a: z.infer<z.ZodObject<S>>) => Promise<OutboundMessage[]>,
  invalid: MessageKey = 'command.failed',
  options: { passesSafeguard?: boolean } = {},
): CommandDefinition<D> {
  // Loose: a command may also read answers it does not name (the notes of a conversation guide).
  const schema = z.object(answers).loose();
  const required = Object.entries(answers)
    .filter(([, s]) => !(s as z.ZodType).safeParse(undefined).success)
    .map(([key]) => key);
  return {
    name,
    required,
    passesSafeguard: options.passesSafeguard ?? false,
    accepts: (key, answer) => !(key in answers) || (answers[key] as z.ZodType).safeParse(answer).success,
    handler: (deps) => async (ctx) => {
      const parsed = schema.safeParse(ctx.answers);
      if (!parsed.success) return [{ text: ctx.t(invalid) }];
      return run(deps, ctx, parsed.data as z.infer<z.ZodObject<S>>);
    },
  };
}

/**
 * `defineCommand` for the commands of one module, whose `run` works with that module's services `D`:
 * `const defineCommand = commandsFor<{ cases: CaseCore }>();`.
 */
export function commandsFor<D>() {
  return <S extends z.ZodRawShape>(
    name: string,
    answers: S,
    run: (deps: D, ctx: CommandContext, a: z.infer<z.ZodObject<S>>) => Promise<OutboundMessage[]>,
    invalid: MessageKey = 'command.failed',
    options: { passesSafeguard?: boolean } = {},
  ): CommandDefinition<D> => defineCommand<S, D>(name, answers, run, invalid, options);
}

/** The acting person as the services take it. */
export function actorOf(ctx: CommandContext): { staffId: string; roles: ReadonlySet<Role> } {
  return { staffId: ctx.actor.id, roles: ctx.roles };
}
