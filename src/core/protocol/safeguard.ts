/**
 * The safeguard for sexual images of minors as a property of the dialog graph. Possessing or passing on
 * such an image is an offence, for staff collecting evidence too; so wherever a path can involve one,
 * the person must be told that before anything advises them to keep, copy, screenshot or forward, and
 * once told, nothing on that path may advise it after all. Commands that path runs must pass the
 * safeguard on in what they send (the CLZ's and the directie's notices).
 *
 * Dialog files mark what this needs: an option that `raises: sexual-image` (choosing it means an image
 * may be sexual and show a minor), one that `rulesOut: sexual-image` (the person said no such image is
 * involved), a step with `advice: safeguard` (it tells the safeguard) and a step with `advice: evidence`
 * (it tells people to keep or capture what they saw). Evidence advice needs the question asked and
 * answered no on the way: an incident that does not name an image (a stranger's messages, a hacked
 * account) can still involve one, and a later answer would come too late.
 * Every path of every flow is walked, across the flows that options start, with the answers that
 * branches test followed value by value, so a branch that sends a raised path to the safeguard is
 * understood and an unreachable combination raises no alarm.
 */
import type { Answer } from './answers.js';
import { fieldStep, isAsking, type Condition, type Field, type Flow, type Step } from './schema.js';

/** Words that name sexual or nude images, Dutch and English, matched in prompts and typed text. */
const SEXUAL_WORDS = /seksu|sexu|naakt|\bnude|\bnudes\b|porno|\bporn|sexting|sextortion|dickpic/i;

export function mentionsSexualImage(text: string): boolean {
  return SEXUAL_WORDS.test(text);
}

/**
 * The answer a flow started from a raised path is handed, so that what the person was told goes with
 * them into the next procedure (its branches can test it; its commands pass the safeguard on).
 */
export const SEXUAL_IMAGE_KEY = 'seksueelBeeld';

/** Whether the answers given in this flow (or handed to it) raise the sexual-image concern. */
export function raisesSexualImage(flow: Flow, answers: Record<string, Answer>): boolean {
  if (answers[SEXUAL_IMAGE_KEY]?.value === true) return true;
  const questions = Object.values(flow.steps).flatMap((step) => (step.type === 'form' ? step.fields.map(fieldStep) : [step]));
  for (const step of questions) {
    if (step.type !== 'choice') continue;
    const value = answers[step.key]?.value;
    if (value === undefined) continue;
    const chosen = Array.isArray(value) ? value : [value];
    if (step.options.some((o) => o.raises === 'sexual-image' && chosen.includes(o.value))) return true;
  }
  return false;
}

/** The answers handed to a flow started from this one, with the concern when this flow raised it. */
export function handedOn(flow: Flow, answers: Record<string, Answer>, handed: Record<string, Answer>): Record<string, Answer> {
  return raisesSexualImage(flow, answers) ? { ...handed, [SEXUAL_IMAGE_KEY]: { value: true, display: 'ja' } } : handed;
}

export interface SafeguardFlow {
  flow: Flow;
  /** Shown in messages, e.g. `dialogs/cyberpesten.yaml`. */
  file: string;
}

/** What a path knows of an answer that some branch tests: its value, or that it cannot be known. */
type Known = string | boolean | string[] | '?';

interface PathState {
  flowId: string;
  stepId: string;
  /** Where the concern was raised on this path (`file: step "id" = value`), or null. */
  raisedBy: string | null;
  /** The person answered that no sexual image is involved. */
  ruledOut: boolean;
  safeguarded: boolean;
  answers: Record<string, Known>;
}

/**
 * The first way any flow breaks the safeguard, as a message naming file and step, or null. Also
 * refuses the ways a file could slip past the walk: a question about sexual images none of whose
 * answers raises the concern, and capture advice ("screenshot") on a step that does not say which
 * advice it is.
 */
export function safeguardProblem(flows: ReadonlyMap<string, SafeguardFlow>, passesSafeguard: ReadonlySet<string>): string | null {
  for (const { flow, file } of flows.values()) {
    for (const [stepId, step] of Object.entries(flow.steps)) {
      const problem = markingProblem(flow, step);
      if (problem) return `${file}: step "${stepId}": ${problem}`;
    }
  }
  const walk: Walk = { flows, tested: testedAnswers(flows) };
  const seen = new Set<string>();
  const queue: PathState[] = [];
  const visit = (s: PathState) => {
    const id = JSON.stringify([s.flowId, s.stepId, s.raisedBy !== null, s.ruledOut, s.safeguarded, s.answers]);
    if (seen.has(id)) return;
    seen.add(id);
    queue.push(s);
  };
  for (const { flow } of flows.values()) {
    // Started by typing, a button or a resumed draft: what it starts with is not known here.
    const unknown = [...flow.given, ...(flow.draft ? walk.tested.keys() : []), ...patternKeys(flow)];
    visit({ flowId: flow.id, stepId: flow.start, raisedBy: null, ruledOut: false, safeguarded: false, answers: Object.fromEntries(unknown.map((k) => [k, '?'])) });
  }

  while (queue.length) {
    const s = queue.pop()!;
    const { flow, file } = flows.get(s.flowId)!;
    const step = flow.steps[s.stepId];
    if (!step) continue;
    const at = `${file}: step "${s.stepId}"`;
    const advice = 'advice' in step ? step.advice : undefined;
    if (advice === 'evidence' && s.raisedBy) {
      return s.safeguarded
        ? `${at}: advice to keep or capture evidence comes after the safeguard for sexual images (raised at ${s.raisedBy}), which forbids it`
        : `${at}: advice to keep or capture evidence is reachable after ${s.raisedBy} without the safeguard for sexual images first`;
    }
    if (advice === 'evidence' && !s.ruledOut) {
      return `${at}: advice to keep or capture evidence is reachable without first asking whether a sexual image may be involved (an option with rulesOut: sexual-image on the way)`;
    }
    if (step.type === 'command' && s.raisedBy && !passesSafeguard.has(step.command)) {
      return `${at}: command "${step.command}" runs after ${s.raisedBy} but does not pass the safeguard for sexual images on to those it notifies`;
    }
    const here: PathState = { ...s, safeguarded: s.safeguarded || advice === 'safeguard' };
    for (const next of successors(walk, file, s.stepId, step, here)) visit(next);
  }
  return null;
}

interface Walk {
  flows: ReadonlyMap<string, SafeguardFlow>;
  tested: Map<string, Set<string>>;
}

function patternKeys(flow: Flow): string[] {
  const patterns = flow.patterns ? [...flow.patterns.nl, ...flow.patterns.en] : [];
  return patterns.flatMap((p) => [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));
}

function markingProblem(flow: Flow, step: Step): string | null {
  // A form's fields are questions of their own; a yes that needs asking again cannot be one of them.
  if (step.type === 'form') {
    for (const field of step.fields) {
      const problem = markingProblem(flow, fieldStep(field));
      if (problem) return `field "${field.key}": ${problem}`;
    }
    return /screenshot|schermafbeelding/i.test(step.prompt.nl) && !step.advice ? 'it speaks of screenshots: say what advice it is (advice: evidence or advice: safeguard)' : null;
  }
  const dutch = stepTexts(step).join('\n');
  if (/screenshot|schermafbeelding/i.test(dutch) && !('advice' in step && step.advice)) {
    return 'it speaks of screenshots: say what advice it is (advice: evidence or advice: safeguard)';
  }
  if (step.type === 'choice') {
    const unmarked = step.options.find((o) => mentionsSexualImage(o.label.nl) && !o.raises && !o.rulesOut);
    if (unmarked) return `its option "${unmarked.value}" names sexual images: mark it raises: sexual-image (or rulesOut: sexual-image)`;
  }
  if (!isAsking(step) || !mentionsSexualImage(step.prompt.nl)) return null;
  if (step.type === 'choice') {
    return step.options.some((o) => o.raises === 'sexual-image') ? null : 'it asks about sexual images, so an option must have raises: sexual-image';
  }
  // A yes that may mean several things (violence, a threat or an image) is asked again, precisely.
  if (step.type === 'yesno') {
    const follow = step.yes ? flow.steps[step.yes] : undefined;
    if (follow?.type === 'choice' && follow.options.some((o) => o.raises === 'sexual-image')) return null;
    return 'it asks about sexual images with yes or no: its yes must go to a choice with an option that raises: sexual-image';
  }
  return 'it asks about sexual images: ask it as a choice with an option that raises: sexual-image';
}

function stepTexts(step: Step): string[] {
  const texts: string[] = [];
  if ('text' in step && step.text) texts.push(step.text.nl);
  if ('texts' in step) texts.push(...Object.values(step.texts).map((t) => t.nl));
  if (isAsking(step)) texts.push(step.prompt.nl);
  if (step.type === 'choice') texts.push(...step.options.map((o) => o.label.nl));
  if (step.type === 'form') texts.push(step.prompt.nl, ...step.fields.flatMap((f) => stepTexts(fieldStep(f))));
  return texts;
}

/** Per answer key, the values some branch condition tests (`includes`); keys tested by `equals` too. */
function testedAnswers(flows: ReadonlyMap<string, SafeguardFlow>): Map<string, Set<string>> {
  const tested = new Map<string, Set<string>>();
  for (const { flow } of flows.values()) {
    for (const step of Object.values(flow.steps)) {
      if (step.type !== 'branch') continue;
      for (const { when } of step.cases) {
        if ('role' in when) continue;
        const values = tested.get(when.answer) ?? new Set<string>();
        if ('includes' in when) values.add(when.includes);
        tested.set(when.answer, values);
      }
    }
  }
  return tested;
}

function successors(walk: Walk, file: string, stepId: string, step: Step, s: PathState): PathState[] {
  const go = (target: string | undefined, changes: Partial<PathState> = {}): PathState[] => (target ? [{ ...s, ...changes, stepId: target }] : []);
  const remember = (key: string, value: Known) => (walk.tested.has(key) ? { ...s.answers, [key]: value } : s.answers);
  // Another flow starts with only the answers handed to it; what the path was told goes with the person.
  const startFlow = (flowId: string, answers: Record<string, Known>, changes: Partial<PathState> = {}): PathState[] => {
    const target = walk.flows.get(flowId)?.flow; // not installed: its option is hidden
    const raised = (changes.raisedBy ?? s.raisedBy) !== null;
    const handed = raised && walk.tested.has(SEXUAL_IMAGE_KEY) ? { ...answers, [SEXUAL_IMAGE_KEY]: true } : answers;
    return target ? [{ ...s, ...changes, flowId, stepId: target.start, answers: handed }] : [];
  };
  switch (step.type) {
    case 'end':
      return [];
    case 'branch': {
      const out: PathState[] = [];
      for (const { when, goto } of step.cases) {
        const holds = evaluate(when, s.answers);
        if (holds !== false) out.push(...go(goto));
        if (holds === true) return out;
      }
      return [...out, ...go(step.otherwise)];
    }
    case 'yesno':
      return [...go(step.yes ?? step.next, { answers: remember(step.key, true) }), ...go(step.no ?? step.next, { answers: remember(step.key, false) })];
    case 'choice':
      return choices(step, walk.tested).flatMap(({ values, option }) => {
        const chosen = step.options.filter((o) => values.includes(o.value));
        const raising = chosen.find((o) => o.raises === 'sexual-image');
        const changes: Partial<PathState> = {
          raisedBy: s.raisedBy ?? (raising ? `${file}: step "${stepId}" = ${raising.value}` : null),
          ruledOut: s.ruledOut || (!raising && chosen.some((o) => o.rulesOut === 'sexual-image')),
          answers: remember(step.key, step.multiple ? values : values[0]!),
        };
        if (!option?.flow) return go(option?.goto ?? step.next, changes);
        const carried = Object.fromEntries(option.carry.filter((k) => k in changes.answers!).map((k) => [k, changes.answers![k]!]));
        return startFlow(option.flow, carried, changes);
      });
    case 'form':
      return formAnswers(walk, file, stepId, step.fields, s).flatMap((changes) => go(step.next, changes));
    case 'pick':
      return step.flow ? startFlow(step.flow, walk.tested.has(step.key) ? { [step.key]: '?' } : {}) : go(step.next, { answers: remember(step.key, '?') });
    default:
      return go('next' in step ? step.next : undefined, isAsking(step) ? { answers: remember(step.key, '?') } : {});
  }
}

/**
 * The ways a form can be filled in that matter here: for each choice field, each way it can be answered
 * (as a choice step of its own), combined with the others; any other field stores an answer not known.
 * A field whose answer no branch tests and none of whose options is marked counts once.
 */
function formAnswers(walk: Walk, file: string, stepId: string, fields: Field[], s: PathState): Array<Partial<PathState>> {
  let ways: Array<Pick<PathState, 'raisedBy' | 'ruledOut' | 'answers'>> = [{ raisedBy: s.raisedBy, ruledOut: s.ruledOut, answers: s.answers }];
  for (const field of fields) {
    const remember = (answers: Record<string, Known>, value: Known) => (walk.tested.has(field.key) ? { ...answers, [field.key]: value } : answers);
    if (field.type !== 'choice') {
      ways = ways.map((w) => ({ ...w, answers: remember(w.answers, '?') }));
      continue;
    }
    const step = fieldStep(field) as Extract<Step, { type: 'choice' }>;
    const matters = walk.tested.has(field.key) || field.options.some((o) => o.raises || o.rulesOut);
    const answers = matters ? choices(step, walk.tested) : [{ values: [field.options[0]!.value] }];
    ways = ways.flatMap((w) =>
      answers.map(({ values }) => {
        const chosen = field.options.filter((o) => values.includes(o.value));
        const raising = chosen.find((o) => o.raises === 'sexual-image');
        return {
          raisedBy: w.raisedBy ?? (raising ? `${file}: step "${stepId}" field "${field.key}" = ${raising.value}` : null),
          ruledOut: w.ruledOut || (!raising && chosen.some((o) => o.rulesOut === 'sexual-image')),
          answers: remember(w.answers, field.multiple ? values : values[0]!),
        };
      }),
    );
  }
  return ways;
}

/** The ways a choice can be answered that matter here: each option alone, and for several, each subset of the options tested or raising. */
function choices(step: Extract<Step, { type: 'choice' }>, tested: Map<string, Set<string>>): Array<{ values: string[]; option?: (typeof step.options)[number] }> {
  if (!step.multiple) return step.options.map((o) => ({ values: [o.value], option: o }));
  const relevant = step.options.filter((o) => o.raises || o.rulesOut || tested.get(step.key)?.has(o.value)).map((o) => o.value);
  const subsets: string[][] = [[]];
  for (const v of relevant) for (const sub of [...subsets]) subsets.push([...sub, v]);
  return subsets.map((values) => ({ values }));
}

function evaluate(when: Condition, answers: Record<string, Known>): boolean | '?' {
  if ('role' in when) return '?';
  // An answer this path never gave reads as absent, as the engine reads it.
  if (!(when.answer in answers)) return false;
  const value = answers[when.answer]!;
  if (value === '?') return '?';
  if ('equals' in when) return value === when.equals;
  return Array.isArray(value) ? value.includes(when.includes) : value === when.includes;
}
