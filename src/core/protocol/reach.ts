import { isAsking, type Flow, type Step } from './schema.js';

/** The steps a step can go on to within its flow. */
export function stepTargets(step: Step): string[] {
  switch (step.type) {
    case 'branch':
      return [...step.cases.map((c) => c.goto), step.otherwise];
    case 'choice':
      return [step.next, ...step.options.map((o) => o.goto)].filter(isString);
    case 'yesno':
      return [step.next, step.yes, step.no].filter(isString);
    case 'end':
      return [];
    default:
      return [step.next].filter(isString);
  }
}

/** The keys a step certainly stores when it is passed: none for a question that may be skipped. */
export function stores(step: Step): string[] {
  if (step.type === 'form') return step.fields.filter((f) => !(f.type === 'text' && f.optional)).map((f) => f.key);
  if (!isAsking(step)) return [];
  return step.type === 'text' && step.optional ? [] : [step.key];
}

/**
 * The answers a flow has certainly collected on arriving at each step: those it is started with, plus
 * the key of every question on every path from the start to that step (a must-analysis: a key counts
 * only when all paths store it). Steps that cannot be reached are absent.
 */
export function collectedAt(flow: Flow, given: Iterable<string>): Map<string, ReadonlySet<string>> {
  const arriving = new Map<string, Set<string>>([[flow.start, new Set(given)]]);
  const queue = [flow.start];
  while (queue.length) {
    const id = queue.shift()!;
    const step = flow.steps[id];
    if (!step) continue;
    const leaving = new Set(arriving.get(id));
    for (const key of stores(step)) leaving.add(key);
    for (const target of stepTargets(step)) {
      const known = arriving.get(target);
      if (!known) {
        arriving.set(target, new Set(leaving));
        queue.push(target);
        continue;
      }
      // Keep only what this path has too; look again at what follows when that shrank the set.
      const before = known.size;
      for (const k of known) if (!leaving.has(k)) known.delete(k);
      if (known.size < before) queue.push(target);
    }
  }
  return arriving;
}

function isString(v: string | undefined): v is string {
  return typeof v === 'string';
}
