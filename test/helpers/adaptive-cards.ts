import { createRequire } from 'node:module';

// The package's bare import needs a DOM; its minified bundle parses and validates without one.
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const AC: any = require('adaptivecards/dist/adaptivecards.min.js');

/** Every problem the official Adaptive Cards parser and validator report for a card. */
export function cardProblems(json: unknown): string[] {
  const context = new AC.SerializationContext();
  const card = new AC.AdaptiveCard();
  card.parse(json, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of card.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);
  return problems;
}
