import { z } from 'zod';
import { formInputId, type Input } from '../protocol/engine.js';

const idText = z.string().min(1).max(100);

/** An answer to one step of one flow (buttons and forms of question cards). */
const answerSchema = z.object({
  zorgpad: z.object({
    flowId: idText,
    stepId: idText,
    value: z.string().max(4000).optional(),
    /** A form's card: every field is an input of its own (`formInputId`), sent together. */
    form: z.literal(true).optional(),
  }),
  /** The card's input, when the card had one. Multi-selects arrive comma-separated or as a list. */
  answer: z.union([z.string().max(4000), z.array(z.string().max(200)).max(50)]).optional(),
});

/** A form field's value as a card or window sends it: text, or the values chosen (comma-separated or a list). */
const fieldValueSchema = z.union([z.string().max(4000), z.array(z.string().max(200)).max(50)]);
const FIELD_INPUT = formInputId('');

/** The fields a form's card sent, by key; null when one of them is not a field value. */
function formFields(data: unknown): Record<string, string> | null {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    if (!name.startsWith(FIELD_INPUT)) continue;
    const key = name.slice(FIELD_INPUT.length);
    const parsed = fieldValueSchema.safeParse(value);
    if (!/^[a-zA-Z][a-zA-Z0-9_]{0,99}$/.test(key) || !parsed.success) return null;
    fields[key] = Array.isArray(parsed.data) ? parsed.data.join(',') : parsed.data;
  }
  return fields;
}

/**
 * Card actions by name, each with what it holds once parsed: `vote: { vote: …; requestId: …; motivation: … }`.
 * Empty here: the module that defines an action (app/registry.ts `defineAction`) declares it, by declaration
 * merging (`declare module '…/cards/submit.js' { interface CardActions { … } }`), so that a channel can
 * tell one from another (Slack asks a vote's motivation in a window).
 */
export interface CardActions {}

/** What a card button that is no dialog answer sends, parsed: the action's name as `kind`, and its payload. */
export type CardAction = { [K in keyof CardActions]: { kind: K } & CardActions[K] }[keyof CardActions];

/**
 * A card action's button as this parser knows it (app/registry.ts registers one for every installed
 * action): the key in the button's `zorgpad` object that names it, the schema of that object, and the
 * schema of the card's inputs it reads (a vote's motivation).
 */
export interface CardActionButton {
  name: string;
  payload: z.ZodType;
  inputs: z.ZodRawShape;
}

/**
 * The fields a button that starts a flow may hand over (app/registry.ts `defineStart`), besides `start`:
 * each becomes an answer of the flow (its display filled in by the application, which checks the person
 * may see the record). `resumes`: the flow picks up where the record left off (a draft, a request).
 * `fresh`: the press starts the flow for this record even when the same flow is parked (not resumed).
 */
export interface StartButtonFields {
  name: string;
  payload: z.ZodObject;
  resumes: boolean;
  fresh: boolean;
}

const actionButtons = new Map<string, { button: CardActionButton; schema: z.ZodType }>();
const startFields = new Map<string, StartButtonFields>();
let startSchema: z.ZodObject | null = null;

/**
 * Makes a card action's button known to the parser. The same button again changes nothing; another one
 * under a name already taken is refused (two modules cannot both answer one button).
 */
export function registerCardAction(button: CardActionButton): void {
  const known = actionButtons.get(button.name);
  if (known?.button === button) return;
  if (known || button.name === 'start') throw new Error(`card action "${button.name}" is defined twice`);
  actionButtons.set(button.name, { button, schema: z.object({ zorgpad: button.payload, ...button.inputs }) });
}

/** Makes the fields a start button may hand over known to the parser (the same once; a field taken twice is refused). */
export function registerStartFields(fields: StartButtonFields): void {
  const known = startFields.get(fields.name);
  if (known === fields) return;
  const taken = new Set([...startFields.values()].flatMap((f) => Object.keys(f.payload.shape)));
  if (known || Object.keys(fields.payload.shape).some((key) => taken.has(key) || key === 'start')) throw new Error(`start field "${fields.name}" is defined twice`);
  startFields.set(fields.name, fields);
  startSchema = null;
}

/** The schema of a start button: the flow, and every registered field (each optional). */
function startButtonSchema(): z.ZodObject {
  startSchema ??= z.object({ start: idText, ...Object.fromEntries([...startFields.values()].flatMap((f) => Object.entries(f.payload.shape).map(([key, s]) => [key, (s as z.ZodType).optional()]))) });
  return startSchema;
}

/** What every Zorgpad card submit is: a `zorgpad` object, read further by what it holds. */
const envelopeSchema = z.object({ zorgpad: z.record(z.string(), z.unknown()) });

/**
 * Turns card data into an engine input or a card action, or null when it is not a Zorgpad card submit.
 * The envelope first; then a registered card action whose name is a key of `zorgpad` (in the order they
 * were registered, the first that parses), a button that starts a flow (`start`, with the registered
 * fields), or an answer to a step of a flow.
 */
export function parseCardSubmit(data: unknown): Input | CardAction | null {
  const envelope = envelopeSchema.safeParse(data);
  if (!envelope.success) return null;
  const button = envelope.data.zorgpad;
  for (const { button: action, schema } of actionButtons.values()) {
    if (!Object.hasOwn(button, action.name)) continue;
    const parsed = schema.safeParse(data);
    if (!parsed.success) continue;
    const { zorgpad, ...inputs } = parsed.data as { zorgpad: Record<string, unknown> };
    return { ...zorgpad, ...inputs, kind: action.name } as unknown as CardAction;
  }
  if (Object.hasOwn(button, 'start')) {
    const start = startButtonSchema().safeParse(button);
    if (start.success) {
      const { start: flowId, ...given } = start.data as { start: string } & Record<string, unknown>;
      // Displays and draft answers are filled in by the application, which checks the person may see them.
      const answers = Object.fromEntries(
        Object.entries(given).flatMap(([key, value]) => (typeof value === 'string' ? [[key, { value, display: '' }]] : [])),
      );
      const resume = [...startFields.values()].some((f) => f.resumes && typeof given[f.name] === 'string');
      const fresh = [...startFields.values()].some((f) => f.fresh && typeof given[f.name] === 'string');
      return { kind: 'start', flowId, answers, resume, fresh };
    }
  }
  const parsed = answerSchema.safeParse(data);
  if (!parsed.success) return null;
  const { zorgpad, answer } = parsed.data;
  if (zorgpad.form && zorgpad.value === undefined) {
    const fields = formFields(data);
    return fields ? { kind: 'answer', flowId: zorgpad.flowId, stepId: zorgpad.stepId, value: '', fields } : null;
  }
  const value = zorgpad.value ?? (Array.isArray(answer) ? answer.join(',') : answer);
  if (value === undefined) return null;
  return { kind: 'answer', flowId: zorgpad.flowId, stepId: zorgpad.stepId, value };
}
