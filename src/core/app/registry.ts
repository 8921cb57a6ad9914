// Longer than 350 lines: every part a module can define (commands aside), side by side, with the checks at
// start and the Registry that holds them once installed.
/**
 * Registries, not a switchboard: what a domain module adds to the assistant, defined where the module
 * lives and installed by the composition root with the services it needs.
 *
 *   commands   what dialog files call (command.ts `defineCommand`)
 *   actions    card buttons that are no dialog answer (a vote, a snooze): `defineAction`
 *   starts     the checks on a button that starts a flow about a record (`{start, caseId}`): `defineStart`
 *   drafts     where a flow that keeps a draft (`draft:` in its file) keeps it: `defineDraft`
 *   picks      the lists a `pick` step offers (`source:`): `definePick`
 *   waiting    what waits for a person ("wacht op jou"), each kind with its rank: `defineWaiting`
 *   homeLists  the lists of a home screen (Slack's App Home: my cases, …): `defineHomeList`
 *   home       the flows a home screen offers to start (flow ids, in order)
 *   jobs       kinds of job the scheduler runs (reminders/jobs.ts `defineJob`)
 *   dialogs    a folder of dialog files the module brings
 *
 * A module is defined once (`defineModule<Deps>`), without services, so that what dialog files may call
 * is known before anything is opened; `module.install(deps)` binds it to the services. The `Registry` of
 * one app holds the installed modules: the Assistant and the card parser (cards/submit.ts) ask it, and
 * name no module.
 */
import { z } from 'zod';
import type { AdaptiveCardJson } from '../cards/render.js';
import { registerCardAction, registerStartFields, type CardActionButton, type StartButtonFields } from '../cards/submit.js';
import { localize, translator, type Locale, type MessageKey, type Translate } from '../i18n/index.js';
import type { JobStore } from '../kernel/ports.js';
import type { Answer, Option } from '../protocol/answers.js';
import type { Input } from '../protocol/engine.js';
import type { Flow, Localized } from '../protocol/schema.js';
import type { FlowReferences } from '../protocol/loader.js';
import type { JobDefinition } from '../reminders/jobs.js';
import type { Actor, OutboundMessage } from '../turn.js';
import type { CommandDefinition, CommandHandler } from './command.js';

/** Who pressed a button, where, and in which language. */
export interface ActionContext {
  actor: Actor;
  /** The platform (`teams`, `slack`, `playground`), as the audit trail records it. */
  channel: string;
  locale: Locale;
  t: Translate;
}

/** What a card action answers: what to say, and the card that takes the clicked card's place. */
export interface ActionReply {
  messages: OutboundMessage[];
  card?: AdaptiveCardJson;
}

export type ActionHandler = (ctx: ActionContext, action: Record<string, unknown>) => Promise<ActionReply>;

/**
 * A card action: a button that is no answer to a dialog question (a vote, a snooze). Its button carries
 * `{ zorgpad: { <name>: …, … } }`: the key `name` picks the action, `payload` parses that object and
 * `inputs` the card's inputs it reads. What the parser makes of it is `{ kind: name, ...payload, ...inputs }`;
 * `P` is that without `kind`, for the module to declare (cards/submit.ts `CardActions`).
 */
export interface ActionDefinition<D, P = Record<string, unknown>> {
  readonly name: string;
  readonly button: CardActionButton;
  readonly handler: (deps: D) => ActionHandler;
  /** For types only: the action as parsed (`ActionPayload`). */
  readonly parsed?: P;
}

/** What an action holds once parsed (without `kind`), for a module's `CardActions` declaration. */
export type ActionPayload<A> = A extends ActionDefinition<never, infer P> ? P : never;

// A button name the engine's own inputs use, or that the parser reads itself, cannot name an action.
const RESERVED = new Set(['text', 'answer', 'start', 'close', 'flowId', 'stepId', 'value', 'form']);

export function defineAction<D, S extends z.ZodType<Record<string, unknown>>, I extends z.ZodRawShape = Record<never, z.ZodType>>(definition: {
  name: string;
  payload: S;
  inputs?: I;
  handle: (deps: D, ctx: ActionContext, action: z.output<S> & z.output<z.ZodObject<I>>) => Promise<ActionReply>;
}): ActionDefinition<D, z.output<S> & z.output<z.ZodObject<I>>> {
  if (RESERVED.has(definition.name)) throw new Error(`"${definition.name}" cannot name a card action`);
  return {
    name: definition.name,
    button: { name: definition.name, payload: definition.payload, inputs: definition.inputs ?? {} },
    handler: (deps) => (ctx, action) => definition.handle(deps, ctx, action as z.output<S> & z.output<z.ZodObject<I>>),
  };
}

export type StartInput = Extract<Input, { kind: 'start' }>;

/**
 * What a start guard decides: the input to start the flow with (displays filled in, answers of a draft
 * taken up), or null when this person may not see the record (an old card, or a forged one).
 */
export type StartGuard = (ctx: ActionContext, start: StartInput) => Promise<Input | null>;

/**
 * A record a button that starts a flow may be about: `{ zorgpad: { start: <flow>, <name>: <id>, … } }`.
 * `payload` is the button's fields it reads (`name` among them; each becomes an answer of the flow, with
 * an empty display); the guard runs when `name` is there (the first registered such guard only).
 * `resumes`: the flow picks up answers given before (a draft, a request). `fresh` (default true): a press
 * starts the flow for this record, even when the same flow is parked; false lets a parked dialog of that
 * flow go on instead.
 */
export interface StartDefinition<D> {
  readonly name: string;
  readonly fields: StartButtonFields;
  readonly guard: (deps: D) => StartGuard;
}

export function defineStart<D, S extends z.ZodObject>(definition: {
  name: string;
  payload: S;
  resumes?: boolean;
  fresh?: boolean;
  guard: (deps: D, ctx: ActionContext, start: StartInput, given: Partial<z.output<S>>) => Promise<Input | null>;
}): StartDefinition<D> {
  if (!(definition.name in definition.payload.shape)) throw new Error(`start guard "${definition.name}" does not read its own field`);
  const keys = Object.keys(definition.payload.shape);
  return {
    name: definition.name,
    fields: { name: definition.name, payload: definition.payload, resumes: definition.resumes ?? false, fresh: definition.fresh ?? true },
    guard: (deps) => (ctx, start) => {
      const given = Object.fromEntries(keys.flatMap((key) => (typeof start.answers?.[key]?.value === 'string' ? [[key, start.answers[key].value]] : [])));
      return definition.guard(deps, ctx, start, given as Partial<z.output<S>>);
    },
  };
}

/** Keeps a draft: its answers after every answer of the flow, under an id the flow keeps as `draftId`. */
export type DraftKeeper = (actor: Actor, id: string, answers: Record<string, Answer>) => Promise<unknown>;

/** Where the flows whose file says `draft: <name>` keep their draft, and how its ids begin. */
export interface DraftDefinition<D> {
  readonly name: string;
  readonly idPrefix: string;
  readonly keeper: (deps: D) => DraftKeeper;
}

export function defineDraft<D>(definition: { name: string; idPrefix: string; save: (deps: D, actor: Actor, id: string, answers: Record<string, Answer>) => Promise<unknown> }): DraftDefinition<D> {
  return { name: definition.name, idPrefix: definition.idPrefix, keeper: (deps) => (actor, id, answers) => definition.save(deps, actor, id, answers) };
}

/** The options of a `pick` step's list for this person; `about` is the record a list is about (`source:recordId`). */
export type PickLoader = (who: { actor: Actor; locale: Locale }, about: string) => Promise<Option[]>;

/** A list `pick` steps offer (their `source:`), read when a turn reaches such a step. */
export interface PickDefinition<D> {
  readonly name: string;
  readonly loader: (deps: D) => PickLoader;
}

export function definePick<D>(name: string, load: (deps: D, who: { actor: Actor; locale: Locale }, about: string) => Promise<Option[]>): PickDefinition<D> {
  return { name, loader: (deps) => (who, about) => load(deps, who, about) };
}

/** One entry of a home screen or of what waits for a person: what it says and the card data that opens it. */
export interface OverviewItem {
  label: string;
  data: Record<string, unknown>;
}

/** Whom a home screen or a "wacht op jou" list is for, and in which language. */
export interface HomeViewer {
  actor: Actor;
  locale: Locale;
}

/** The items of one kind for this person, read from the store each time. */
export type OverviewLoader = (who: HomeViewer) => Promise<OverviewItem[]>;

/**
 * A kind of thing that waits for a person ("wacht op jou": votes to cast, drafts to finish). The list is
 * every installed module's items, kind by kind from the lowest `rank` (the most pressing) up.
 */
export interface WaitingDefinition<D> {
  readonly name: string;
  readonly rank: number;
  readonly loader: (deps: D) => OverviewLoader;
}

export function defineWaiting<D>(definition: { name: string; rank: number; load: (deps: D, who: HomeViewer) => Promise<OverviewItem[]> }): WaitingDefinition<D> {
  return { name: definition.name, rank: definition.rank, loader: (deps) => (who) => definition.load(deps, who) };
}

// What Slack's App Home already names its own buttons by (`zp.home.<name>.<n>`).
const RESERVED_LISTS = new Set(['waiting', 'start']);

/**
 * A list on a home screen (Slack's App Home) under its title, the lists in order of `rank`, lowest first. The
 * name also names the list's buttons (`zp.home.<name>.<n>`): lowercase letters, digits and dashes.
 */
export interface HomeListDefinition<D> {
  readonly name: string;
  readonly rank: number;
  /** A catalogue key, or a text in each language (for a module from outside the catalogue). */
  readonly title: MessageKey | Localized;
  readonly loader: (deps: D) => OverviewLoader;
}

export function defineHomeList<D>(definition: {
  name: string;
  rank: number;
  title: MessageKey | Localized;
  load: (deps: D, who: HomeViewer) => Promise<OverviewItem[]>;
}): HomeListDefinition<D> {
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(definition.name) || RESERVED_LISTS.has(definition.name)) throw new Error(`"${definition.name}" cannot name a home list`);
  return { name: definition.name, rank: definition.rank, title: definition.title, loader: (deps) => (who) => definition.load(deps, who) };
}

/** A home list as a person sees it: its title in their language and their items. */
export interface HomeList {
  name: string;
  title: string;
  items: OverviewItem[];
}

/** What a module adds, each part defined once where the module lives. */
export interface ModuleDefinition<D> {
  name: string;
  commands?: readonly CommandDefinition<D>[];
  actions?: readonly ActionDefinition<D>[];
  starts?: readonly StartDefinition<D>[];
  drafts?: readonly DraftDefinition<D>[];
  picks?: readonly PickDefinition<D>[];
  jobs?: readonly JobDefinition[];
  waiting?: readonly WaitingDefinition<D>[];
  homeLists?: readonly HomeListDefinition<D>[];
  /** The flows (ids) a home screen offers to start, in this order, after those of the modules installed before. */
  home?: readonly string[];
  /** A folder of dialog files (YAML, JSON) the module brings: read with the others, and checked with them. */
  dialogs?: string;
}

/** A module, to be installed with the services `D` it works with. */
export interface Module<D> extends ModuleDefinition<D> {
  readonly install: (deps: D) => InstalledModule;
}

/** Any module, read for what it defines (not installed). */
export type AnyModule = ModuleDefinition<never>;

/** A module bound to its services. */
export interface InstalledModule {
  readonly definition: AnyModule;
  readonly commands: ReadonlyMap<string, CommandHandler>;
  readonly actions: ReadonlyMap<string, ActionHandler>;
  readonly starts: ReadonlyArray<{ name: string; guard: StartGuard }>;
  readonly drafts: ReadonlyMap<string, { idPrefix: string; keep: DraftKeeper }>;
  readonly picks: ReadonlyMap<string, PickLoader>;
  readonly waiting: ReadonlyArray<{ name: string; rank: number; load: OverviewLoader }>;
  readonly homeLists: ReadonlyArray<{ name: string; rank: number; title: MessageKey | Localized; load: OverviewLoader }>;
}

export function defineModule<D>(definition: ModuleDefinition<D>): Module<D> {
  const module: Module<D> = {
    ...definition,
    install: (deps) => ({
      definition: module as AnyModule,
      commands: new Map((definition.commands ?? []).map((c) => [c.name, c.handler(deps)])),
      actions: new Map((definition.actions ?? []).map((a) => [a.name, a.handler(deps)])),
      starts: (definition.starts ?? []).map((s) => ({ name: s.name, guard: s.guard(deps) })),
      drafts: new Map((definition.drafts ?? []).map((d) => [d.name, { idPrefix: d.idPrefix, keep: d.keeper(deps) }])),
      picks: new Map((definition.picks ?? []).map((p) => [p.name, p.loader(deps)])),
      waiting: (definition.waiting ?? []).map((w) => ({ name: w.name, rank: w.rank, load: w.loader(deps) })),
      homeLists: (definition.homeLists ?? []).map((l) => ({ name: l.name, rank: l.rank, title: l.title, load: l.loader(deps) })),
    }),
  };
  return module;
}

/** What dialog files may call, from the commands of these modules: for the loader (protocol/loader.ts). */
export function commandReferences(modules: readonly AnyModule[]): Required<Pick<FlowReferences, 'commands' | 'passSafeguard' | 'accepts'>> {
  const commands = modules.flatMap((m) => m.commands ?? []);
  const byName = new Map<string, CommandDefinition<never>>();
  for (const command of commands) {
    if (byName.has(command.name)) throw new Error(`command "${command.name}" is defined twice`);
    byName.set(command.name, command);
  }
  return {
    commands: new Map(commands.map((c) => [c.name, c.required])),
    passSafeguard: new Set(commands.filter((c) => c.passesSafeguard).map((c) => c.name)),
    accepts: (command, key, answer) => byName.get(command)?.accepts(key, answer) ?? true,
  };
}

/** The kinds of job these modules define, after those of `base`; a kind defined twice is refused. */
export function jobDefinitions(base: ReadonlyMap<string, JobDefinition>, modules: readonly AnyModule[]): ReadonlyMap<string, JobDefinition> {
  const jobs = new Map(base);
  for (const job of modules.flatMap((m) => m.jobs ?? [])) {
    if (jobs.has(job.kind) && jobs.get(job.kind) !== job) throw new Error(`job kind "${job.kind}" is defined twice`);
    jobs.set(job.kind, job);
  }
  return jobs;
}

/** Plans a job of a kind a module defines, with the payload that kind takes (the same id twice keeps the first). */
export function planModuleJob<S extends z.ZodType>(jobs: JobStore, definition: JobDefinition<string, S>, job: { id: string; payload: z.input<S>; dueAt: number }): Promise<boolean> {
  return jobs.schedule({ id: job.id, kind: definition.kind, payload: job.payload as Record<string, unknown>, dueAt: job.dueAt });
}

/**
 * Checks a set of modules before anything is opened: each module, command, card action, start field, draft,
 * pick list, kind of waiting item, home list and home procedure defined once, and what the dialogs use defined (every draft they keep, every list a `pick`
 * step may offer; the commands they call the loader checks). Throws naming the first problem.
 */
export function checkModules(modules: readonly AnyModule[], flows: ReadonlyMap<string, Flow>): void {
  const once = (what: string, names: readonly string[]) => {
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) throw new Error(`${what} "${name}" is defined twice`);
      seen.add(name);
    }
    return seen;
  };
  once('module', modules.map((m) => m.name));
  once('command', modules.flatMap((m) => (m.commands ?? []).map((c) => c.name)));
  once('card action', modules.flatMap((m) => (m.actions ?? []).map((a) => a.name)));
  once('start field', ['start', ...modules.flatMap((m) => (m.starts ?? []).flatMap((s) => Object.keys(s.fields.payload.shape)))]);
  const drafts = once('draft', modules.flatMap((m) => (m.drafts ?? []).map((d) => d.name)));
  const picks = once('pick list', modules.flatMap((m) => (m.picks ?? []).map((p) => p.name)));
  once('waiting item', modules.flatMap((m) => (m.waiting ?? []).map((w) => w.name)));
  once('home list', modules.flatMap((m) => (m.homeLists ?? []).map((l) => l.name)));
  once('home procedure', modules.flatMap((m) => m.home ?? []));
  const missing = [
    ...[...new Set([...flows.values()].flatMap((f) => (f.draft ? [f.draft] : [])))].filter((name) => !drafts.has(name)).map((name) => `draft "${name}"`),
    ...[...new Set([...flows.values()].flatMap(pickSources))].filter((name) => !picks.has(name)).map((name) => `pick list "${name}"`),
  ];
  if (missing.length) throw new Error(`no module defines ${missing.join(', ')}`);
}

/** The pick lists a flow's steps and form fields offer. */
function pickSources(flow: Flow): string[] {
  return Object.values(flow.steps).flatMap((step) =>
    step.type === 'pick' ? [step.source] : step.type === 'form' ? step.fields.flatMap((f) => (f.type === 'pick' ? [f.source] : [])) : [],
  );
}

/**
 * The installed modules of one app: what the Assistant dispatches through. Installing makes every card
 * action's button and every start field known to the card parser; a name two modules both define is
 * refused at start.
 */
export class Registry {
  readonly commands: ReadonlyMap<string, CommandHandler>;
  readonly picks: ReadonlyMap<string, PickLoader>;
  /** The start guards, in the order the modules were installed. */
  readonly starts: ReadonlyArray<{ name: string; guard: StartGuard }>;
  /** The flows a home screen offers to start, module by module in the order they were installed. */
  readonly homeProcedures: readonly string[];
  private readonly waitingKinds: InstalledModule['waiting'];
  private readonly lists: InstalledModule['homeLists'];
  private readonly actions: ReadonlyMap<string, ActionHandler>;
  private readonly drafts: ReadonlyMap<string, { idPrefix: string; keep: DraftKeeper }>;

  constructor(readonly modules: readonly InstalledModule[]) {
    const names = new Set<string>();
    for (const m of modules) {
      if (names.has(m.definition.name)) throw new Error(`module "${m.definition.name}" is installed twice`);
      names.add(m.definition.name);
    }
    this.commands = merged('command', modules.map((m) => m.commands));
    this.actions = merged('card action', modules.map((m) => m.actions));
    this.drafts = merged('draft', modules.map((m) => m.drafts));
    this.picks = merged('pick list', modules.map((m) => m.picks));
    this.starts = modules.flatMap((m) => m.starts);
    this.homeProcedures = [...merged('home procedure', modules.map((m) => new Map((m.definition.home ?? []).map((flowId) => [flowId, flowId])))).keys()];
    // Lowest rank first; a stable sort keeps the order of installation between equal ranks.
    this.waitingKinds = [...merged('waiting item', modules.map((m) => new Map(m.waiting.map((w) => [w.name, w])))).values()].sort((a, b) => a.rank - b.rank);
    this.lists = [...merged('home list', modules.map((m) => new Map(m.homeLists.map((l) => [l.name, l])))).values()].sort((a, b) => a.rank - b.rank);
    // The card parser reads the buttons of every action and start guard installed (in this order).
    for (const m of modules) {
      for (const action of m.definition.actions ?? []) registerCardAction(action.button);
      for (const start of m.definition.starts ?? []) registerStartFields(start.fields);
    }
  }

  /** The card action of this name, if a module installed it. */
  action(name: string): ActionHandler | undefined {
    return this.actions.get(name);
  }

  /** Where the flows with `draft: <name>` keep their draft. */
  draft(name: string): { idPrefix: string; keep: DraftKeeper } | undefined {
    return this.drafts.get(name);
  }

  /** Everything that waits for this person, kind by kind from the most pressing (read one kind after the other). */
  async waiting(who: HomeViewer): Promise<OverviewItem[]> {
    const items: OverviewItem[] = [];
    for (const kind of this.waitingKinds) items.push(...(await kind.load(who)));
    return items;
  }

  /** The home screen's lists for this person, each under its title in their language (empty lists too). */
  async homeLists(who: HomeViewer): Promise<HomeList[]> {
    const t = translator(who.locale);
    const lists: HomeList[] = [];
    for (const list of this.lists) {
      const title = typeof list.title === 'string' ? t(list.title) : localize(list.title, who.locale);
      lists.push({ name: list.name, title, items: await list.load(who) });
    }
    return lists;
  }
}

function merged<T>(what: string, maps: ReadonlyArray<ReadonlyMap<string, T>>): ReadonlyMap<string, T> {
  const all = new Map<string, T>();
  for (const map of maps) {
    for (const [name, value] of map) {
      if (all.has(name)) throw new Error(`${what} "${name}" is defined twice`);
      all.set(name, value);
    }
  }
  return all;
}
