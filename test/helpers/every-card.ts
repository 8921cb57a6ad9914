import { CardRenderer } from '../../src/core/cards/render.js';
import { LOCALES } from '../../src/core/i18n/index.js';
import { ROLES } from '../../src/core/people/roles.js';
import { formFor, IDLE, questionFor, run } from '../../src/core/protocol/engine.js';
import { loadFlows } from '../../src/core/protocol/loader.js';
import { fieldStep, isAsking } from '../../src/core/protocol/schema.js';
import { context, flows as sampleFlows } from './engine.js';
import { shippedReferences } from './shipped.js';

const cards = CardRenderer.load('cards');
const { flows: shipped } = loadFlows('dialogs', shippedReferences());

/**
 * Every card the shipped dialogs and the sample flow can produce, in both languages: the question card
 * of every asking step and form (whole, and field by field), and the card of every card step (reached by starting the flow at that step).
 */
export function everyCard() {
  const out: Array<{ name: string; card: Record<string, unknown> }> = [];
  for (const flowSet of [shipped, sampleFlows]) {
    for (const flow of flowSet.values()) {
      for (const [stepId, step] of Object.entries(flow.steps)) {
        for (const locale of LOCALES) {
          const ctx = { ...context([...ROLES], locale), flows: flowSet };
          const name = `${flow.id}/${stepId}/${locale}`;
          if (isAsking(step)) {
            out.push({ name, card: cards.question(questionFor(flow, stepId, step, IDLE, ctx), locale) });
          } else if (step.type === 'form') {
            // A form whole, and each of its fields as the question it is when typed one by one.
            out.push({ name, card: cards.question(formFor(flow, stepId, IDLE, ctx), locale) });
            for (const field of step.fields) {
              out.push({ name: `${name}/${field.key}`, card: cards.question(questionFor(flow, `${stepId}.${field.key}`, fieldStep(field), IDLE, ctx), locale) });
            }
          } else if (step.type === 'card') {
            const [effect] = run({ flowId: flow.id, stepId, answers: {}, history: [] }, ctx, []).effects;
            if (effect?.kind !== 'card') throw new Error(`${name} did not produce a card`);
            out.push({ name, card: cards.render(effect.template, effect.data) });
          }
        }
      }
    }
  }
  return out;
}

