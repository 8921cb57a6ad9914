import { z } from 'zod';
import type { Input } from '../protocol/engine.js';

const idText = z.string().min(1).max(100);

/** An answer to one step of one flow (buttons and forms of question cards). */
const answerSchema = z.object({
  zorgpad: z.object({ flowId: idText, stepId: idText, value: z.string().max(4000).optional() }),
  /** The card's input, when the card had one. Multi-selects arrive comma-separated or as a list. */
  answer: z.union([z.string().max(4000), z.array(z.string().max(200)).max(50)]).optional(),
});

/** A button that starts a flow about a record (notification cards). */
const startSchema = z.object({
  zorgpad: z.object({ start: idText, caseId: idText.optional() }),
});

/** Turns card data into an engine input, or null when it is not a Zorgpad card submit. */
export function parseCardSubmit(data: unknown): Input | null {
  const start = startSchema.safeParse(data);
  if (start.success) {
    const { start: flowId, caseId } = start.data.zorgpad;
    // The display is filled in by the application, which checks the person may see the case.
    return { kind: 'start', flowId, answers: caseId ? { caseId: { value: caseId, display: '' } } : {} };
  }
  const parsed = answerSchema.safeParse(data);
  if (!parsed.success) return null;
  const { zorgpad, answer } = parsed.data;
  const value = zorgpad.value ?? (Array.isArray(answer) ? answer.join(',') : answer);
  if (value === undefined) return null;
  return { kind: 'answer', flowId: zorgpad.flowId, stepId: zorgpad.stepId, value };
}
