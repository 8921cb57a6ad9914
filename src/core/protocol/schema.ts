import { z } from 'zod';
import { roleSchema } from '../people/roles.js';

/** A text in every supported locale; Dutch first. */
export const localizedSchema = z.strictObject({
  nl: z.string({ message: 'expected a Dutch text' }).min(1, 'expected a Dutch text'),
  en: z.string({ message: 'expected an English text' }).min(1, 'expected an English text'),
});
export type Localized = z.infer<typeof localizedSchema>;

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes');
const keySchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, 'expected a name of letters, digits and _');

const conditionSchema = z.union([
  z.strictObject({ answer: keySchema, equals: z.union([z.string(), z.boolean()]) }),
  z.strictObject({ answer: keySchema, includes: z.string() }),
  z.strictObject({ role: roleSchema }),
]);
export type Condition = z.infer<typeof conditionSchema>;

/**
 * What a step's advice is, where it matters for the safeguard on sexual images of minors (safeguard.ts):
 * `safeguard` tells people not to copy, keep or forward such an image; `evidence` tells them to keep or
 * capture what they saw, which no path that may involve such an image may reach.
 */
export const ADVICE = ['safeguard', 'evidence'] as const;

const advising = { advice: z.enum(ADVICE).optional() };
const base = {
  /** Shown on `help` while at this step. */
  help: localizedSchema.optional(),
  ...advising,
};
/**
 * Who may read an answer once it is stored (product brief, "audiences"): the kernteam only (health
 * grounds, the student's words, motivations), the teachers who teach the student (functional: what to
 * allow in class, never a diagnosis), or the requester. Flows that keep a record declare it per question.
 */
export const AUDIENCES = ['kernteam', 'teachers', 'requester'] as const;
export type Audience = (typeof AUDIENCES)[number];

const asking = {
  ...base,
  /** Where the answer is kept in the dialog's answers. */
  key: keySchema,
  audience: z.enum(AUDIENCES).optional(),
  prompt: localizedSchema,
  next: idSchema.optional(),
};

const optionSchema = z.strictObject({
  value: z.string().min(1),
  label: localizedSchema,
  /** Go to this step instead of `next` when chosen. */
  goto: idSchema.optional(),
  /** Start this flow when chosen (ends the current one). */
  flow: idSchema.optional(),
  /** Answers handed to the started flow, e.g. the case being worked on. */
  carry: z.array(keySchema).default([]),
  /** Choosing it means the path may involve a sexual image of a minor: the safeguard must come first. */
  raises: z.enum(['sexual-image']).optional(),
  /** Choosing it says no sexual image is involved ("Nee" to the question): evidence advice may follow. */
  rulesOut: z.enum(['sexual-image']).optional(),
});

/**
 * The name of a per-person list a `pick` step offers (`myCases`, `agenda`, …): a module defines each
 * (app/registry.ts `definePick`), and the start refuses a flow whose list no module defines.
 */
const pickSourceSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,49}$/, 'expected the name of a pick list (letters and digits)');

/**
 * A field of a form step: a question like a `text`, `choice` or `pick` step of its own (its key, its
 * audience, its options), without a way on of its own: the fields of a form do not depend on each other.
 */
const fieldBase = {
  help: localizedSchema.optional(),
  key: keySchema,
  audience: z.enum(AUDIENCES).optional(),
  /** Asked when the fields are typed one by one. */
  prompt: localizedSchema,
  /** The input's label on a card or window, where the prompt's typing hints do not belong; the prompt when absent. */
  label: localizedSchema.optional(),
};
const fieldOptionSchema = z.strictObject({
  value: z.string().min(1),
  label: localizedSchema,
  raises: z.enum(['sexual-image']).optional(),
  rulesOut: z.enum(['sexual-image']).optional(),
});
export const fieldSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('text'),
    ...fieldBase,
    optional: z.boolean().default(false),
    minLength: z.number().int().min(1).default(1),
    maxLength: z.number().int().min(1).max(4000).default(2000),
  }),
  z.strictObject({ type: z.literal('choice'), ...fieldBase, options: z.array(fieldOptionSchema).min(1, 'expected at least one option'), multiple: z.boolean().default(false) }),
  z.strictObject({
    type: z.literal('pick'),
    ...fieldBase,
    source: pickSourceSchema,
    about: keySchema.optional(),
    multiple: z.boolean().default(false),
    /** Said, ending the flow, when there is nothing to pick. */
    empty: localizedSchema,
  }),
]);
export type Field = z.infer<typeof fieldSchema>;

export const stepSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('message'), ...base, text: localizedSchema, next: idSchema.optional() }),
  z.strictObject({
    type: z.literal('text'),
    ...asking,
    optional: z.boolean().default(false),
    minLength: z.number().int().min(1).default(1),
    maxLength: z.number().int().min(1).max(4000).default(2000),
  }),
  z.strictObject({
    type: z.literal('choice'),
    ...asking,
    options: z.array(optionSchema).min(1, 'expected at least one option'),
    multiple: z.boolean().default(false),
  }),
  z.strictObject({
    type: z.literal('date'),
    ...asking,
    notBefore: z.enum(['today']).optional(),
    notAfter: z.enum(['today']).optional(),
    /** Something happens at school on this date (a check, a conversation): a weekend or holiday is asked again. */
    schoolDay: z.boolean().default(false),
  }),
  z.strictObject({ type: z.literal('yesno'), ...asking, yes: idSchema.optional(), no: idSchema.optional() }),
  z.strictObject({ type: z.literal('student'), ...asking, multiple: z.boolean().default(false) }),
  z.strictObject({
    type: z.literal('pick'),
    ...asking,
    /** Where the options come from, filled per person by the application (e.g. `myCases`). */
    source: pickSourceSchema,
    /** The answer whose value the list is about (e.g. `caseId` for the students bullying in that case). */
    about: keySchema.optional(),
    /** More than one may be picked (comma-separated when typed). */
    multiple: z.boolean().default(false),
    /** Said, ending the flow, when there is nothing to pick. */
    empty: localizedSchema,
    /** Start this flow with the picked answer, instead of going on to `next`. */
    flow: idSchema.optional(),
  }),
  z.strictObject({ type: z.literal('staff'), ...asking }),
  z.strictObject({
    type: z.literal('form'),
    ...base,
    /** The form's title on a card or window; typed, its fields are asked one by one, in this order. */
    prompt: localizedSchema,
    fields: z
      .array(fieldSchema)
      .min(1, 'expected at least one field')
      .refine((fields) => new Set(fields.map((f) => f.key)).size === fields.length, 'expected every field to have a key of its own'),
    next: idSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('branch'),
    cases: z.array(z.strictObject({ when: conditionSchema, goto: idSchema })).min(1),
    otherwise: idSchema,
  }),
  z.strictObject({
    type: z.literal('command'),
    /** A domain command the application runs with the answers so far (permissions checked there). */
    command: idSchema,
    /** Fixed arguments for the command, e.g. which protocol step is recorded. */
    args: z.record(keySchema, z.string()).default({}),
    next: idSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('card'),
    ...advising,
    /** A template of cards/ (without .json), filled with the answers so far (their display texts). */
    template: idSchema,
    /** Texts for the template's placeholders, in every language; answers can be used as {key}. */
    texts: z.record(keySchema, localizedSchema).default({}),
    next: idSchema.optional(),
  }),
  z.strictObject({ type: z.literal('end'), ...advising, text: localizedSchema.optional() }),
]);
export type Step = z.infer<typeof stepSchema>;
export type AskingStep = Extract<Step, { key: string }>;
export type FormStep = Extract<Step, { type: 'form' }>;

export const flowSchema = z.strictObject({
  id: idSchema,
  title: localizedSchema,
  /** Typed words that start this flow when no dialog is active (compared case-insensitively). */
  triggers: z.strictObject({ nl: z.array(z.string().min(1)), en: z.array(z.string().min(1)) }),
  /**
   * Sentences that start this flow with a student already filled in, e.g. "heeft {leerling} een
   * uitzondering": the placeholder names the answer key and must be a student number.
   */
  patterns: z.strictObject({ nl: z.array(z.string().min(1)), en: z.array(z.string().min(1)) }).optional(),
  /** Who may start it; `staff` means anyone known to the school. */
  roles: z.union([z.literal('staff'), z.array(roleSchema).min(1)]),
  /** For people whose roles may not start it: the flow they get instead (e.g. how to ask for it). */
  instead: idSchema.optional(),
  start: idSchema,
  /**
   * Answers this flow is always started with: by a button that carries them (a case's menu, a
   * reminder) or by another flow's option that `carry`s them. A flow that can be started by typing
   * has none. The loader counts them as collected at the start.
   */
  given: z.array(keySchema).default([]),
  /** The answers are kept as a draft record after every answer (and resumed from it), by the module that defines this draft (`defineDraft`). */
  draft: z.string().regex(/^[a-z][a-z0-9-]{0,49}$/, 'expected the name of a draft (lower case, digits, hyphens)').optional(),
  steps: z.record(idSchema, stepSchema),
});
export type Flow = z.infer<typeof flowSchema>;

export function isAsking(step: Step): step is AskingStep {
  return 'key' in step;
}

/** A form's field as the question it is when asked on its own (typed, one by one). */
export function fieldStep(field: Field): AskingStep {
  const { label: _label, ...step } = field;
  if (step.type === 'choice') return { ...step, options: step.options.map((o) => ({ ...o, carry: [] })) };
  return step;
}

/** Every question of a flow, with its key and audience: its asking steps and the fields of its forms. */
export function questionsOf(flow: Flow): Array<{ key: string; audience?: Audience | undefined }> {
  return Object.values(flow.steps).flatMap((step): Array<{ key: string; audience?: Audience | undefined }> => (step.type === 'form' ? step.fields : isAsking(step) ? [step] : []));
}

/** The answer keys of a flow whose audience is this one (e.g. what the teachers may read of an exception). */
export function keysWithAudience(flow: Flow | undefined, audience: Audience): Set<string> {
  return new Set(flow ? questionsOf(flow).flatMap((q) => (q.audience === audience ? [q.key] : [])) : []);
}
