import { z } from 'zod';
import { formInputId, type Input } from '../protocol/engine.js';
import { STEP_KINDS } from '../cases/model.js';

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

/** A button that starts a flow about a record (notification cards), or resumes a draft. */
const startSchema = z.object({
  zorgpad: z.object({
    start: idText,
    caseId: idText.optional(),
    draftId: idText.optional(),
    requestId: idText.optional(),
    jobId: z.string().min(1).max(300).optional(),
    /**
     * The protocol step a "next step" button opens (its label is filled in by the application). Cards
     * whose buttons open no particular step leave it empty (or unfilled): then it is simply not there.
     */
    stap: z
      .string()
      .max(100)
      .optional()
      .transform((v) => ((STEP_KINDS as readonly string[]).includes(v ?? '') ? (v as (typeof STEP_KINDS)[number]) : undefined)),
  }),
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

const snoozeSchema = z.object({ zorgpad: z.object({ snooze: z.string().min(1).max(300) }) });

/** A kernteam member's vote, with the motivation typed in the card. */
const voteSchema = z.object({
  zorgpad: z.object({ vote: z.enum(['approve', 'reject', 'discuss']), requestId: idText }),
  motivation: z.string().max(1000).optional(),
});
const detailsSchema = z.object({ zorgpad: z.object({ details: idText }) });
const refreshSchema = z.object({ zorgpad: z.object({ refresh: idText }) });

/** Card actions that are not dialog answers: they act on a request and answer with a card. */
export type CardAction =
  | { kind: 'vote'; requestId: string; vote: 'approve' | 'reject' | 'discuss'; motivation: string }
  | { kind: 'details'; requestId: string }
  | { kind: 'refresh'; requestId: string }
  | { kind: 'snooze'; jobId: string };

/** Turns card data into an engine input or a card action, or null when it is not a Zorgpad card submit. */
export function parseCardSubmit(data: unknown): Input | CardAction | null {
  const vote = voteSchema.safeParse(data);
  if (vote.success) {
    return { kind: 'vote', requestId: vote.data.zorgpad.requestId, vote: vote.data.zorgpad.vote, motivation: vote.data.motivation ?? '' };
  }
  const details = detailsSchema.safeParse(data);
  if (details.success) return { kind: 'details', requestId: details.data.zorgpad.details };
  const refresh = refreshSchema.safeParse(data);
  if (refresh.success) return { kind: 'refresh', requestId: refresh.data.zorgpad.refresh };
  const snooze = snoozeSchema.safeParse(data);
  if (snooze.success) return { kind: 'snooze', jobId: snooze.data.zorgpad.snooze };
  const start = startSchema.safeParse(data);
  if (start.success) {
    const { start: flowId, caseId, draftId, requestId, jobId, stap } = start.data.zorgpad;
    // Displays and draft answers are filled in by the application, which checks the person may see them.
    const answers = {
      ...(caseId ? { caseId: { value: caseId, display: '' } } : {}),
      ...(draftId ? { draftId: { value: draftId, display: '' } } : {}),
      ...(requestId ? { requestId: { value: requestId, display: '' } } : {}),
      ...(jobId ? { jobId: { value: jobId, display: '' } } : {}),
      ...(stap ? { stap: { value: stap, display: '' } } : {}),
    };
    return { kind: 'start', flowId, answers, resume: draftId !== undefined || requestId !== undefined };
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
