// Longer than 350 lines: the pure dialog engine, one function of state and input; its step kinds are cases of
// one switch.
/**
 * The dialog engine: a pure state machine, handle(state, input, ctx) → { state, effects }.
 *
 * Longer than our ~350-line habit on purpose: handle, run, startFlow and answer call each other for
 * every kind of input (typed text, a button, a trigger that interrupts, a draft resumed), and the order
 * in which one turn moves through steps is easiest to check when it reads as one piece. What it
 * depends on is elsewhere: answers.ts parses answers, schema.ts defines flows, reach.ts checks them.
 */
import { localize, translator, type Locale, type MessageKey, type Translate } from '../i18n/index.js';
import type { Role } from '../people/roles.js';
import { parseAnswer, type Answer, type AnswerContext, type Option, type ParseResult } from './answers.js';
import { handedOn } from './safeguard.js';
import { fieldStep, isAsking, type AskingStep, type Condition, type Flow, type FormStep, type Step } from './schema.js';

/** What a question card's back, stop and help buttons send before the word (see cards/render.ts). */
export const CONTROL_PREFIX = 'zorgpad:';

/**
 * The protocol engine: `(state, input) → (state', effects)`. Pure: no I/O, no clock of its own.
 * The application loads and stores the state and carries out the effects.
 */

/** Where one person stands in one conversation. */
export interface DialogState {
  flowId: string | null;
  stepId: string | null;
  answers: Record<string, Answer>;
  /** Asking steps answered so far, for `terug`. */
  history: string[];
  /**
   * A dialog interrupted by another procedure (its trigger typed, its button pressed) and kept with its
   * answers, to be offered again when the other one ends ("verder").
   */
  parked?: ParkedDialog | null;
}

export interface ParkedDialog {
  flowId: string;
  stepId: string;
  answers: Record<string, Answer>;
  history: string[];
}

export const IDLE: DialogState = { flowId: null, stepId: null, answers: {}, history: [] };

export type Input =
  /** Typed text. */
  | { kind: 'text'; text: string }
  /**
   * A card button or card inputs, aimed at one step of one flow. A form's card sends all its fields at
   * once (`fields`, by key), to be validated together.
   */
  | { kind: 'answer'; flowId: string; stepId: string; value: string; fields?: Record<string, string> }
  /** A menu or card button that starts a flow, possibly about a given record or resuming a draft. */
  | { kind: 'start'; flowId: string; answers?: Record<string, Answer>; resume?: boolean; fresh?: boolean }
  /**
   * The window (Slack) that showed this question was closed. When the dialog is still at it, it is
   * parked with its answers, as if interrupted ("verder" brings it back); otherwise nothing changes.
   */
  | { kind: 'close'; flowId: string; stepId: string };

/** A question ready for any channel to render; texts already in the person's language. */
export interface Question {
  flowId: string;
  stepId: string;
  type: AskingStep['type'];
  prompt: string;
  options: Option[];
  multiple: boolean;
  optional: boolean;
  /** Longest accepted typed answer. */
  maxLength: number;
  /**
   * A form step shown whole: its fields, for a card or window with one input each. The question's own
   * prompt and options are those of the field that typed text answers (`questionText`), so that a person
   * who types instead can answer the fields one by one.
   */
  form?: FormQuestion;
}

export interface FormQuestion {
  title: string;
  /** Said above the fields when a submit was refused: which fields to correct. */
  problem?: string;
  fields: FormFieldQuestion[];
}

export interface FormFieldQuestion {
  key: string;
  type: 'text' | 'choice' | 'pick';
  label: string;
  options: Option[];
  multiple: boolean;
  optional: boolean;
  maxLength: number;
  /** What the input shows filled in: the answer so far, or what was sent with a refused submit (values comma-separated). */
  value: string;
  /** Who gave the answer shown, when it was someone else (the parents): not yet this person's own. */
  from?: string;
  /** Why the value sent was refused. */
  error?: string;
}

/** The separator of a form's field in a step id: `form.key` is that field asked on its own. */
const FIELD_SEPARATOR = '.';

export type Effect =
  | { kind: 'say'; text: string }
  | { kind: 'ask'; question: Question }
  | { kind: 'command'; name: string; flowId: string; args: Record<string, string>; answers: Record<string, Answer> }
  /** A card from a template of cards/, filled with the answers' display texts. */
  | { kind: 'card'; template: string; data: Record<string, unknown> };

export interface EngineContext extends AnswerContext {
  flows: ReadonlyMap<string, Flow>;
  roles: ReadonlySet<Role>;
}

export interface Outcome {
  state: DialogState;
  effects: Effect[];
  /** The question this turn answered, and the answer as shown: a channel settles the question's card with it. */
  answered?: { prompt: string; answer: string };
  /**
   * The question open before this turn, left without an answer (stop, back, another procedure, starting
   * afresh): a channel settles its card as closed, without buttons.
   */
  closed?: { prompt: string };
  /**
   * A click on the card of a question that is not the open one: a channel settles that card, with the
   * option chosen (an old menu card's option still starts its procedure) or as closed.
   */
  stale?: { prompt: string; answer?: string };
  /** A form's card sent values that were refused: per input id (`formInputId`), what is wrong. Nothing changed. */
  formErrors?: Record<string, string>;
}

/** The id of a form field's input on a card or in a window (and of its block in Slack). */
export function formInputId(key: string): string {
  return `field.${key}`;
}

const WORDS = {
  stop: new Set(['stop', 'stoppen', 'annuleer', 'annuleren', 'cancel', 'quit']),
  back: new Set(['terug', 'vorige', 'back']),
  help: new Set(['help', 'hulp', 'menu', '?']),
  restart: new Set(['opnieuw', 'restart', 'start over']),
  resume: new Set(['verder', 'ga verder', 'doorgaan', 'continue', 'resume']),
  /** At a question showing an answer someone else gave (`Answer.from`): keep that answer. */
  keep: new Set(['ok', 'oké', 'oke', 'okay', 'houden', 'keep']),
};
const MENU_FLOW = 'menu';
const MAX_STEPS_PER_TURN = 100;

export function handle(state: DialogState, input: Input, ctx: EngineContext): Outcome {
  return keepParked(state, handleTurn(state, input, ctx), ctx);
}

/**
 * What happens to a parked dialog after a turn: it stays parked while another dialog runs; when that one
 * ends, the person is offered to go on with it; resuming or stopping it removes it.
 */
function keepParked(before: DialogState, outcome: Outcome, ctx: EngineContext): Outcome {
  const parked = outcome.state.parked === undefined ? (before.parked ?? null) : outcome.state.parked;
  const { parked: _dropped, ...without } = outcome.state;
  if (!parked) return { ...outcome, state: without };
  const flow = ctx.flows.get(parked.flowId);
  // A flow or step removed from the dialog files since it was parked: nothing to go back to.
  if (!flow || !locate(flow, parked.stepId, parked.answers)) return { ...outcome, state: without };
  const ended = outcome.state.flowId === null && before.flowId !== null && before.flowId !== parked.flowId;
  if (!ended) return { ...outcome, state: { ...outcome.state, parked } };
  const t = translator(ctx.locale);
  const title = localize(flow.title, ctx.locale);
  const offer: Effect = {
    kind: 'card',
    template: 'offer',
    data: { text: t('dialog.parkedOffer', { title }), actions: [{ title: t('dialog.resumeParked', { title }), flowId: flow.id }] },
  };
  return { ...outcome, state: { ...outcome.state, parked }, effects: [...outcome.effects, offer] };
}

function handleTurn(state: DialogState, input: Input, ctx: EngineContext): Outcome {
  const t = translator(ctx.locale);
  const current = activeStep(state, ctx.flows);

  // The question open now, should this turn leave it unanswered.
  const closed = current ? { closed: { prompt: promptAt(current.at, state, ctx) } } : {};

  if (input.kind === 'close') {
    // A closed window: its dialog is parked (nothing to keep: it ends); a window that no longer shows the open question changes nothing.
    if (!current || state.flowId !== input.flowId || state.stepId !== input.stepId) return { state, effects: [] };
    const parked = parkable(state);
    const title = localize(current.flow.title, ctx.locale);
    return { state: { ...IDLE, parked: parked ?? state.parked ?? null }, effects: parked ? [say(t('dialog.windowClosed', { title }))] : [], ...closed };
  }

  if (input.kind === 'start') {
    // The button of the parked dialog: on with it, where it was, with its answers.
    if (state.parked && input.flowId === state.parked.flowId && !input.fresh) {
      return { ...resumeParked(state, ctx), ...closed };
    }
    // Another procedure's button while a dialog is open: that dialog is parked, not lost.
    const started = startFlow(input.flowId, ctx, [], input.answers, input.resume);
    return { ...started, state: { ...started.state, parked: parkedAfter(state, started) }, ...closed };
  }

  // A question card's back, stop or help button: the same as typing the word at that question.
  const aimed = input.kind === 'answer' && current !== null && state.flowId === input.flowId && sameQuestion(state.stepId!, input.stepId);
  if (input.kind === 'answer' && aimed && current && input.value.startsWith(CONTROL_PREFIX)) {
    const word = input.value.slice(CONTROL_PREFIX.length);
    // A form's button that shows it whole again (Slack opens it in a window), with what is filled in so far.
    if (word === FORM_WORD && current.at.form) {
      const whole: DialogState = { ...state, stepId: current.at.form.id };
      return { state: whole, effects: [ask(current.flow, current.at.form.id, whole, ctx)] };
    }
    return handleTurn(state, { kind: 'text', text: word }, ctx);
  }

  if (input.kind === 'answer') {
    if (!current || !aimed) {
      // A click on an old card. Options that start a flow still work from the menu card.
      const flow = ctx.flows.get(input.flowId);
      const step = flow?.steps[input.stepId];
      const option = step?.type === 'choice' ? step.options.find((o) => o.value === input.value) : undefined;
      if (option?.flow && flow?.id === MENU_FLOW && step && isAsking(step)) {
        const started = startFlow(option.flow, ctx, []);
        const chosen = { prompt: promptOf(step, IDLE, ctx, flow), answer: localize(option.label, ctx.locale) };
        return { ...started, state: { ...started.state, parked: parkedAfter(state, started) }, ...closed, stale: chosen };
      }
      // Any other button of it settles that card as closed; one message says where things stand.
      const shownState = flow && state.flowId === flow.id ? state : IDLE;
      const at = flow ? locate(flow, input.stepId, shownState.answers) : null;
      const stale = flow && at ? { stale: { prompt: promptAt(at, shownState, ctx, flow) } } : {};
      if (!current) return { state: IDLE, effects: [say(t('dialog.closedCard'))], ...stale };
      return { state, effects: [say(t('dialog.staleCard')), ask(current.flow, state.stepId!, state, ctx)], ...stale };
    }
    if (input.fields) {
      // A form's card, all fields at once; fields sent to a question that is no form are not an answer.
      if (current.at.form) return submitForm(state, current.flow, current.at.form, input.fields, ctx);
      return { state, effects: [say(t('dialog.staleCard')), ask(current.flow, state.stepId!, state, ctx)] };
    }
    return answer(state, current.flow, current.at, input.value, ctx);
  }

  const word = input.text.trim().toLowerCase();
  if (!current) {
    if (state.parked && WORDS.resume.has(word)) return resumeParked(state, ctx);
    if (WORDS.help.has(word)) return startFlow(MENU_FLOW, ctx, []);
    if (state.parked && WORDS.stop.has(word)) return { state: { ...IDLE, parked: null }, effects: [say(t('dialog.parkedDropped'))] };
    if (WORDS.stop.has(word) || WORDS.back.has(word) || WORDS.restart.has(word)) {
      return { state: IDLE, effects: [say(t('dialog.nothingToStop'))] };
    }
    const flow = flowByTrigger(word, ctx);
    if (flow) {
      const started = startFlow(flow.id, ctx, []);
      return { ...started, state: { ...started.state, parked: parkedAfter(state, started) } };
    }
    const matched = matchPattern(input.text, ctx);
    if (matched) return startFlow(matched.flowId, ctx, [], matched.answers, true);
    return { state: IDLE, effects: [say(t('dialog.notUnderstood'))] };
  }

  const { flow, step } = current;
  if (WORDS.stop.has(word)) return { state: IDLE, effects: [say(t('dialog.stopped'))], ...closed };
  // A procedure's trigger typed at an open question starts that procedure; this dialog is parked.
  // The open dialog's own trigger starts it afresh.
  const other = interruption(state, step, input.text, ctx);
  if (other?.id === flow.id) return { ...startFlow(flow.id, ctx, flow.id.startsWith(MENU_FLOW) ? [] : [say(t('dialog.restarted'))]), ...closed };
  if (other) {
    const started = startFlow(other.id, ctx, []);
    return { ...started, state: { ...started.state, parked: parkedAfter(state, started) }, ...closed };
  }
  if (WORDS.restart.has(word)) return { ...startFlow(flow.id, ctx, [say(t('dialog.restarted'))]), ...closed };
  if (WORDS.help.has(word)) {
    const help = step.help ?? current.at.form?.step.help;
    const hints = [help ? say(localize(help, ctx.locale)) : null, say(t('dialog.globalHelp'))];
    return { state, effects: [...hints.filter(isEffect), ask(flow, state.stepId!, state, ctx)] };
  }
  if (WORDS.back.has(word)) {
    const previous = state.history.at(-1);
    if (!previous || !locate(flow, previous, state.answers)) return { state, effects: [say(t('dialog.backAtStart')), ask(flow, state.stepId!, state, ctx)] };
    const back: DialogState = { ...state, stepId: previous, history: state.history.slice(0, -1) };
    return { state: back, effects: [ask(flow, previous, back, ctx)], ...closed };
  }
  return answer(state, flow, current.at, input.text, ctx);
}

/**
 * A form's card, sent whole: every field is checked, and only when all are right are they kept, together.
 * Otherwise nothing changes: the person hears which fields to correct, and gets the form again with
 * what they sent filled in.
 */
function submitForm(state: DialogState, flow: Flow, form: { id: string; step: FormStep }, sent: Record<string, string>, ctx: EngineContext): Outcome {
  const t = translator(ctx.locale);
  const answers = { ...state.answers };
  const errors: Record<string, string> = {};
  for (const field of form.step.fields) {
    const step = fieldStep(field);
    const raw = (sent[field.key] ?? '').trim();
    if (!raw && field.type === 'text' && field.optional) {
      delete answers[field.key];
      continue;
    }
    const parsed: ParseResult = raw ? parseAnswer(step, raw, ctx, optionsFor(step, ctx, state)) : { ok: false, error: field.type === 'text' ? 'form.requiredText' : 'form.requiredChoice' };
    if (!parsed.ok) errors[field.key] = t(parsed.error, parsed.params);
    else if (parsed.answer) answers[field.key] = parsed.answer;
    else delete answers[field.key];
  }
  const refused = form.step.fields.filter((f) => errors[f.key] !== undefined);
  if (refused.length) {
    const names = refused.map((f) => `"${fieldLabel(f, state, ctx)}"`).join(', ');
    const lines = refused.map((f) => `- ${fieldLabel(f, state, ctx)}: ${errors[f.key]}`);
    const problem = t(refused.length === 1 ? 'form.invalidOne' : 'form.invalid', { fields: names });
    return {
      state,
      effects: [say([problem, ...lines].join('\n')), ask(flow, form.id, state, ctx, { values: sent, errors, problem })],
      formErrors: Object.fromEntries(refused.map((f) => [formInputId(f.key), errors[f.key]!])),
    };
  }
  const shown = form.step.fields.flatMap((f) => (answers[f.key] ? [`${fieldLabel(f, state, ctx)}: ${answers[f.key]!.display}`] : []));
  const settled = { prompt: localize(form.step.prompt, ctx.locale, displays(state)), answer: shown.join('\n') || t('card.skipped') };
  const answered: DialogState = { ...state, answers, history: [...state.history, form.id] };
  return { ...run({ ...answered, stepId: form.step.next ?? null }, ctx, []), answered: settled };
}

/** A form field's name on a card: its label, or else its prompt. */
function fieldLabel(field: FormStep['fields'][number], state: DialogState, ctx: EngineContext): string {
  return localize(field.label ?? field.prompt, ctx.locale, displays(state));
}

/** Whether a card aimed at `aimed` asks the open question `open`: the same, or the form `open` is a field of. */
function sameQuestion(open: string, aimed: string): boolean {
  return open === aimed || open.startsWith(`${aimed}${FIELD_SEPARATOR}`);
}

/** What a form's card sends to show it whole again (Slack: in a window). */
export const FORM_WORD = 'formulier';

/**
 * Where a dialog stands at a step id: an asking step; a form shown whole (its id), whose typed answers go
 * to the first field not yet answered by this person; or one field of a form asked on its own (`form.key`).
 */
interface Position {
  /** The question typed text answers here. */
  step: AskingStep;
  form?: { id: string; step: FormStep; index: number; whole: boolean };
}

function locate(flow: Flow, stepId: string, answers: Record<string, Answer>): Position | null {
  const cut = stepId.indexOf(FIELD_SEPARATOR);
  const id = cut < 0 ? stepId : stepId.slice(0, cut);
  const step = flow.steps[id];
  if (!step) return null;
  if (step.type === 'form') {
    const index = cut < 0 ? firstOpen(step, answers) : step.fields.findIndex((f) => f.key === stepId.slice(cut + 1));
    if (index < 0) return null;
    return { step: fieldStep(step.fields[index]!), form: { id, step, index, whole: cut < 0 } };
  }
  return cut < 0 && isAsking(step) ? { step } : null;
}

/** The first field of a form that this person has not answered yet (someone else's answer is not theirs yet). */
function firstOpen(form: FormStep, answers: Record<string, Answer>): number {
  const index = form.fields.findIndex((f) => !answers[f.key] || answers[f.key]!.from !== undefined);
  return index < 0 ? 0 : index;
}

/** The prompt of the question at a position as its card shows it: a form's title, or the question's own. */
function promptAt(at: Position, state: DialogState, ctx: EngineContext, flow?: Flow): string {
  if (at.form?.whole) {
    const prompt = localize(at.form.step.prompt, ctx.locale, displays(state));
    return /\{\w+\}/.test(prompt) && flow ? localize(flow.title, ctx.locale) : prompt;
  }
  return promptOf(at.step, state, ctx, flow);
}

function answer(state: DialogState, flow: Flow, at: Position, raw: string, ctx: EngineContext): Outcome {
  const { step } = at;
  const t = translator(ctx.locale);
  // An answer someone else gave, shown with the question: "ok" keeps it, now as this person's own.
  const proposed = state.answers[step.key];
  const keep = proposed?.from !== undefined && WORDS.keep.has(raw.trim().toLowerCase());
  const parsed: ParseResult = keep ? { ok: true, answer: { value: proposed.value, display: proposed.display } } : parseAnswer(step, raw, ctx, optionsFor(step, ctx, state));
  if (!parsed.ok) {
    // Not accepted: the question stays open.
    const hints: Effect[] = [say(t(parsed.error, parsed.params))];
    return { state, effects: [...hints, ask(flow, state.stepId!, state, ctx)] };
  }
  // What a channel settles the question's card with: the answer as its button was labelled ("Nee", not "nee").
  const shown = !parsed.answer ? t('card.skipped') : step.type === 'yesno' ? t(parsed.answer.value ? 'card.yes' : 'card.no') : parsed.answer.display;
  const settled = { prompt: localize(step.prompt, ctx.locale, displays(state)), answer: shown };
  const answers = { ...state.answers };
  if (parsed.answer) answers[step.key] = parsed.answer;
  else delete answers[step.key];
  const form = at.form;
  const here = form ? `${form.id}${FIELD_SEPARATOR}${step.key}` : state.stepId!;
  const answered: DialogState = { ...state, answers, history: [...state.history, here] };
  if (form) {
    // Typed, a form's fields are asked one by one, in their order; after the last one the flow goes on.
    const following = form.step.fields[form.index + 1];
    if (following) {
      const stepId = `${form.id}${FIELD_SEPARATOR}${following.key}`;
      const asking = { ...answered, stepId };
      return { state: asking, effects: [ask(flow, stepId, asking, ctx)], answered: settled };
    }
    return { ...run({ ...answered, stepId: form.step.next ?? null }, ctx, []), answered: settled };
  }

  if (step.type === 'choice' && parsed.answer && typeof parsed.answer.value === 'string') {
    const option = step.options.find((o) => o.value === parsed.answer!.value);
    if (option?.flow) {
      const carried = handedOn(flow, answers, Object.fromEntries(option.carry.flatMap((k) => (answers[k] ? [[k, answers[k]]] : []))));
      return { ...startFlow(option.flow, ctx, [], carried), answered: settled };
    }
  }
  if (step.type === 'pick' && step.flow && parsed.answer) return { ...startFlow(step.flow, ctx, [], handedOn(flow, answers, { [step.key]: parsed.answer })), answered: settled };
  return { ...run({ ...answered, stepId: nextAfter(step, parsed.answer) }, ctx, []), answered: settled };
}

/**
 * The flow this text starts when typed at the open question (the open dialog's own flow: it starts
 * afresh): the text is a trigger, the person may start that flow (or, instead, the flow it offers: that
 * one is returned), and the text is not an answer to the question. At a free-text question only a
 * trigger of two words or more counts ("pesten melden"), so that a one-word answer that happens to be a
 * trigger is taken as the answer.
 */
function interruption(state: DialogState, step: AskingStep, raw: string, ctx: EngineContext): Flow | null {
  const word = raw.trim().toLowerCase();
  const target = flowByTrigger(word, ctx);
  if (!target) return null;
  const instead = target.instead ? ctx.flows.get(target.instead) : undefined;
  const starts = mayStart(target, ctx) ? target : instead && mayStart(instead, ctx) ? instead : null;
  if (!starts) return null;
  if (step.type === 'text') return word.includes(' ') ? starts : null;
  return parseAnswer(step, raw, ctx, optionsFor(step, ctx, state)).ok ? null : starts;
}

/** Every word that steers the dialog ("stop", "terug", "help", …): never taken for a procedure's name. */
const CONTROL_WORDS = new Set(Object.values(WORDS).flatMap((words) => [...words]));

/**
 * The flow this text (lower-cased and trimmed) names: one of its triggers, in either language; or, typed
 * as shown, the title of a procedure that has triggers, or a menu's label for a procedure
 * ("Kernteambesluit vastleggen").
 */
function flowByTrigger(word: string, ctx: EngineContext): Flow | undefined {
  const flows = [...ctx.flows.values()];
  const triggered = flows.find((f) => [...f.triggers.nl, ...f.triggers.en].some((trigger) => trigger.toLowerCase() === word));
  if (triggered) return triggered;
  const name = asName(word);
  if (!name || CONTROL_WORDS.has(name)) return undefined;
  const titled = flows.find((f) => f.triggers.nl.length + f.triggers.en.length > 0 && [f.title.nl, f.title.en].some((title) => asName(title) === name));
  if (titled) return titled;
  for (const menu of flows.filter((f) => f.id.startsWith(MENU_FLOW))) {
    for (const step of Object.values(menu.steps)) {
      if (step.type !== 'choice') continue;
      const option = step.options.find((o) => o.flow && [o.label.nl, o.label.en].some((label) => asName(label) === name));
      if (option?.flow && ctx.flows.has(option.flow)) return ctx.flows.get(option.flow);
    }
  }
  return undefined;
}

/** A title or label as someone would type it: lower case, single spaces, no closing punctuation. */
function asName(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[?.!]+$/, '').trim();
}

/** An asking step's prompt as its card shows it, for settling that card. */
function promptOf(step: AskingStep, state: DialogState, ctx: EngineContext, flow?: Flow): string {
  const prompt = localize(step.prompt, ctx.locale, displays(state));
  // A card of another dialog, whose answers are gone: its procedure's name rather than a half-filled prompt.
  return /\{\w+\}/.test(prompt) && flow ? localize(flow.title, ctx.locale) : prompt;
}

/** The open dialog as it can be parked: menus and dialogs not yet answered are not worth keeping. */
function parkable(state: DialogState): ParkedDialog | null {
  if (!state.flowId || !state.stepId || state.flowId.startsWith(MENU_FLOW) || state.history.length === 0) return null;
  return { flowId: state.flowId, stepId: state.stepId, answers: state.answers, history: state.history };
}

/**
 * What is parked once `started` takes the open dialog's place: the open dialog (another procedure, worth
 * keeping), or else what was parked before; nothing when that is the procedure now started afresh.
 */
function parkedAfter(state: DialogState, started: Outcome): ParkedDialog | null {
  const open = started.state.flowId !== state.flowId ? parkable(state) : null;
  const kept = open ?? state.parked ?? null;
  return kept && kept.flowId === started.state.flowId ? null : kept;
}

/** Back to the parked dialog, at its question, with its answers. */
function resumeParked(state: DialogState, ctx: EngineContext): Outcome {
  const parked = state.parked!;
  const flow = ctx.flows.get(parked.flowId)!;
  const resumed: DialogState = { flowId: parked.flowId, stepId: parked.stepId, answers: parked.answers, history: parked.history, parked: null };
  const t = translator(ctx.locale);
  return { state: resumed, effects: [say(t('dialog.resumed', { title: localize(flow.title, ctx.locale) })), ask(flow, parked.stepId, resumed, ctx)] };
}

/** Where a flow goes after an asking step has this answer (null: the flow ends). */
function nextAfter(step: AskingStep, answer: Answer | null): string | null {
  if (step.type === 'choice' && answer && typeof answer.value === 'string') {
    return step.options.find((o) => o.value === answer.value)?.goto ?? step.next ?? null;
  }
  if (step.type === 'yesno' && answer) return (answer.value ? step.yes : step.no) ?? step.next ?? null;
  return step.next ?? null;
}

function startFlow(
  flowId: string,
  ctx: EngineContext,
  before: Effect[],
  answers: Record<string, Answer> = {},
  resume = false,
): Outcome {
  const t = translator(ctx.locale);
  const flow = ctx.flows.get(flowId);
  if (!flow) return { state: IDLE, effects: [...before, say(t('dialog.unavailableFlow'))] };
  if (!mayStart(flow, ctx) && flow.instead && mayStart(ctx.flows.get(flow.instead), ctx)) {
    return startFlow(flow.instead, ctx, before, {}, false);
  }
  if (!mayStart(flow, ctx) && flow.roles !== 'staff') {
    const roles = flow.roles.map((r) => t(`role.${r}`)).join(', ');
    return { state: IDLE, effects: [...before, say(t('access.roleRequired', { roles }))] };
  }
  // A flow given answers by the button that opens it (a case, a reminder) cannot start without them.
  if (flow.given.some((key) => !answers[key])) return { state: IDLE, effects: [...before, say(t('dialog.openFromButton'))] };
  // A draft taken up again says which student it is about, before the first question still open.
  const student = answers.leerling?.display;
  const intro = resume && flow.draft && student ? [say(t('dialog.draftResumed', { title: localize(flow.title, ctx.locale), student }))] : [];
  return run({ flowId, stepId: flow.start, answers, history: [] }, ctx, [...before, ...intro], resume);
}

/** Walks from the state's step through non-asking steps until the flow asks something or ends. */
export function run(state: DialogState, ctx: EngineContext, effects: Effect[], resume = false): Outcome {
  const flow = ctx.flows.get(state.flowId!)!;
  let stepId = state.stepId;
  const history = [...state.history];
  for (let guard = 0; guard < MAX_STEPS_PER_TURN && stepId; guard++) {
    const step: Step = flow.steps[stepId]!;
    // Resuming a saved draft: questions answered before are passed over (messages and cards
    // are not repeated either); "terug" still reaches them. An answer someone else gave is not the
    // person's own yet: its question is asked, showing it.
    if (resume && isAsking(step) && !(step.type === 'pick' && step.flow) && !(step.type === 'choice' && step.options.some((o) => o.flow))) {
      const earlier = state.answers[step.key];
      if (earlier && earlier.from === undefined) {
        history.push(stepId);
        stepId = nextAfter(step, earlier);
        continue;
      }
    }
    if (resume && (step.type === 'message' || step.type === 'card')) {
      stepId = step.next ?? null;
      continue;
    }
    if (step.type === 'pick' && optionsFor(step, ctx, state).length === 0) {
      effects.push(say(localize(step.empty, ctx.locale)));
      break;
    }
    if (step.type === 'form') {
      // Resuming a draft: a form whose every field this person answered before is passed over too.
      if (resume && step.fields.every((f) => state.answers[f.key] && state.answers[f.key]!.from === undefined)) {
        history.push(stepId);
        stepId = step.next ?? null;
        continue;
      }
      const empty = step.fields.find((f) => f.type === 'pick' && optionsFor(fieldStep(f), ctx, state).length === 0);
      if (empty?.type === 'pick') {
        effects.push(say(localize(empty.empty, ctx.locale)));
        break;
      }
    }
    if (isAsking(step) || step.type === 'form') {
      const asking = { ...state, stepId, history };
      return { state: asking, effects: [...effects, ask(flow, stepId, asking, ctx)] };
    }
    switch (step.type) {
      case 'message':
        effects.push(say(localize(step.text, ctx.locale, displays(state))));
        stepId = step.next ?? null;
        break;
      case 'branch':
        stepId = step.cases.find((c) => holds(c.when, state, ctx))?.goto ?? step.otherwise;
        break;
      case 'command':
        effects.push({ kind: 'command', name: step.command, flowId: flow.id, args: step.args, answers: state.answers });
        stepId = step.next ?? null;
        break;
      case 'card':
        effects.push({
          kind: 'card',
          template: step.template,
          data: {
            ...displays(state),
            ...Object.fromEntries(
              Object.entries(step.texts).map(([k, text]) => [k, localize(text, ctx.locale, displays(state))]),
            ),
          },
        });
        stepId = step.next ?? null;
        break;
      case 'end':
        if (step.text) effects.push(say(localize(step.text, ctx.locale, displays(state))));
        stepId = null;
        break;
    }
  }
  return { state: IDLE, effects };
}

/** A sentence like "heeft L1001 een uitzondering?" starts its flow with the student filled in. */
function matchPattern(text: string, ctx: EngineContext): { flowId: string; answers: Record<string, Answer> } | null {
  const sentence = text.trim().replace(/[?.!]+$/, '');
  for (const flow of ctx.flows.values()) {
    for (const pattern of [...(flow.patterns?.nl ?? []), ...(flow.patterns?.en ?? [])]) {
      const keys: string[] = [];
      const source = pattern
        .split(/(\{\w+\})/)
        .map((part) => {
          const key = /^\{(\w+)\}$/.exec(part)?.[1];
          if (!key) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
          keys.push(key);
          return '(\\S+)';
        })
        .join('');
      const match = new RegExp(`^${source}$`, 'i').exec(sentence);
      if (!match) continue;
      const answers: Record<string, Answer> = {};
      keys.forEach((key, i) => {
        const student = ctx.findStudent(match[i + 1]!);
        if (student) answers[key] = { value: student.ref, display: student.display };
      });
      return { flowId: flow.id, answers };
    }
  }
  return null;
}

function holds(condition: Condition, state: DialogState, ctx: EngineContext): boolean {
  if ('role' in condition) return ctx.roles.has(condition.role);
  const value = state.answers[condition.answer]?.value;
  if ('equals' in condition) return value === condition.equals;
  return Array.isArray(value) ? value.includes(condition.includes) : value === condition.includes;
}

/** What a refused form showed: the values sent, what was wrong with them, and the message that says so. */
interface Refused {
  values: Record<string, string>;
  errors: Record<string, string>;
  problem: string;
}

/** The question at a step id (an asking step, a form shown whole, or a form's field on its own). */
function ask(flow: Flow, stepId: string, state: DialogState, ctx: EngineContext, refused?: Refused): Effect {
  const at = locate(flow, stepId, state.answers)!;
  const question = questionFor(flow, stepId, at.step, state, ctx);
  if (!at.form?.whole) return { kind: 'ask', question };
  return { kind: 'ask', question: { ...question, form: formQuestion(at.form.step, state, ctx, refused) } };
}

/**
 * A form with every field as an input: filled in with the answers so far (someone else's marked, as on a
 * question of its own), or with what a refused submit sent, each refused field saying why.
 */
export function formQuestion(form: FormStep, state: DialogState, ctx: EngineContext, refused?: Refused): FormQuestion {
  const t = translator(ctx.locale);
  const fields = form.fields.map((field): FormFieldQuestion => {
    const step = fieldStep(field);
    const proposed = state.answers[field.key];
    const from = refused ? undefined : proposed?.from;
    const options = optionsFor(step, ctx, state);
    const value = refused ? (refused.values[field.key] ?? '') : proposed === undefined ? '' : Array.isArray(proposed.value) ? proposed.value.join(',') : String(proposed.value);
    const label = fieldLabel(field, state, ctx);
    return {
      key: field.key,
      type: field.type,
      label: from ? `${label} (${from})` : label,
      options: from && proposed ? withProposed('', options, proposed, from, t).options : options,
      multiple: field.type !== 'text' && field.multiple,
      optional: field.type === 'text' && field.optional,
      maxLength: field.type === 'text' ? field.maxLength : 200,
      value,
      ...(from ? { from } : {}),
      ...(refused?.errors[field.key] ? { error: refused.errors[field.key] } : {}),
    };
  });
  return { title: localize(form.prompt, ctx.locale, displays(state)), ...(refused ? { problem: refused.problem } : {}), fields };
}

/** A form step shown whole, as the question a card or window asks (for tests and previews of every card). */
export function formFor(flow: Flow, stepId: string, state: DialogState, ctx: EngineContext): Question {
  const effect = ask(flow, stepId, state, ctx);
  if (effect.kind !== 'ask') throw new Error('not a question');
  return effect.question;
}

/** The question an asking step puts to this person, in their language and with their options. */
export function questionFor(flow: Flow, stepId: string, step: AskingStep, state: DialogState, ctx: EngineContext): Question {
  const t = translator(ctx.locale);
  const options =
    step.type === 'yesno'
      ? [
          { value: 'ja', label: t('card.yes') },
          { value: 'nee', label: t('card.no') },
        ]
      : optionsFor(step, ctx, state);
  const prompt = localize(step.prompt, ctx.locale, displays(state));
  const proposed = state.answers[step.key];
  return {
    flowId: flow.id,
    stepId,
    type: step.type,
    ...(proposed?.from === undefined ? { prompt, options } : withProposed(prompt, options, proposed, proposed.from, t)),
    multiple: (step.type === 'choice' || step.type === 'pick') && step.multiple,
    optional: step.type === 'text' && step.optional,
    maxLength: step.type === 'text' ? step.maxLength : 200,
  };
}

/**
 * An answer someone else gave (the parents, with the form link), shown and marked: in the text, and on
 * the option it chose, so that every channel shows it. "ok" keeps it (see `answer`).
 */
function withProposed(prompt: string, options: Option[], proposed: Answer, from: string, t: Translate): { prompt: string; options: Option[] } {
  const chosen = (o: Option) =>
    Array.isArray(proposed.value) ? proposed.value.includes(o.value) : typeof proposed.value === 'boolean' ? (proposed.value ? 'ja' : 'nee') === o.value : proposed.value === o.value;
  const answer = options.filter(chosen).map((o) => o.label).join(', ') || proposed.display;
  return {
    prompt: `${prompt}\n\n${t('dialog.proposed', { answer, from })}`,
    options: options.map((o) => (chosen(o) ? { ...o, label: `${o.label} (${from})` } : o)),
  };
}

/**
 * The options a person is offered. An option that starts a flow is left out when that flow is not
 * installed at this school or the person's roles may not start it.
 */
function optionsFor(step: AskingStep, ctx: EngineContext, state: DialogState): Option[] {
  if (step.type === 'staff') return ctx.staffOptions();
  if (step.type === 'pick') return ctx.sources[sourceKey(step, state)] ?? [];
  if (step.type !== 'choice') return [];
  return step.options
    .filter((o) => !o.flow || mayStart(ctx.flows.get(o.flow), ctx))
    .map((o) => ({ value: o.value, label: localize(o.label, ctx.locale) }));
}

/** The name of a pick step's list: its source, with the value of the answer it is about. */
export function sourceKey(step: Extract<AskingStep, { type: 'pick' }>, state: DialogState): string {
  if (!step.about) return step.source;
  const value = state.answers[step.about]?.value;
  return `${step.source}:${typeof value === 'string' ? value : ''}`;
}

function mayStart(flow: Flow | undefined, ctx: EngineContext): boolean {
  return mayStartFlow(flow, ctx.roles);
}

/** Whether someone with these roles may start the flow (it exists and is for staff, or for one of their roles). */
export function mayStartFlow(flow: Flow | undefined, roles: ReadonlySet<Role>): boolean {
  return !!flow && (flow.roles === 'staff' || flow.roles.some((r) => roles.has(r)));
}

function activeStep(state: DialogState, flows: ReadonlyMap<string, Flow>): { flow: Flow; step: AskingStep; at: Position } | null {
  if (!state.flowId || !state.stepId) return null;
  const flow = flows.get(state.flowId);
  const at = flow ? locate(flow, state.stepId, state.answers) : null;
  // A flow or step removed from the dialog files since the state was saved: start afresh.
  if (!flow || !at) return null;
  return { flow, step: at.step, at };
}

function displays(state: DialogState): Record<string, string> {
  return Object.fromEntries(Object.entries(state.answers).map(([k, a]) => [k, a.display]));
}

function say(text: string): Effect {
  return { kind: 'say', text };
}

function isEffect(e: Effect | null): e is Effect {
  return e !== null;
}

export type { Locale, MessageKey };
