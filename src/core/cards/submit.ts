import { z } from 'zod';
import type { Input } from '../protocol/engine.js';

/** What every Zorgpad card button or form sends back, whichever channel carried it. */
const cardSubmitSchema = z.object({
  zorgpad: z.object({
    flowId: z.string().min(1).max(100),
    stepId: z.string().min(1).max(100),
    value: z.string().max(4000).optional(),
  }),
  /** The card's input, when the card had one. Multi-selects arrive comma-separated. */
  answer: z.union([z.string().max(4000), z.array(z.string().max(200)).max(50)]).optional(),
});

/** Turns card data into an engine input, or null when it is not a Zorgpad card submit. */
export function parseCardSubmit(data: unknown): Input | null {
  const parsed = cardSubmitSchema.safeParse(data);
  if (!parsed.success) return null;
  const { zorgpad, answer } = parsed.data;
  const value = zorgpad.value ?? (Array.isArray(answer) ? answer.join(',') : answer);
  if (value === undefined) return null;
  return { kind: 'answer', flowId: zorgpad.flowId, stepId: zorgpad.stepId, value };
}
