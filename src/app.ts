// Longer than 350 lines: the composition root: every store, module, channel and route is wired here, in one
// place to read.
import type { DomainServices } from './core/kernel/services.js';
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountPlayground } from './channels/playground/routes.js';
import { mountParents } from './channels/parents/routes.js';
import { PageLanguages } from './channels/parents/texts.js';
import { ParentService } from './core/parents/service.js';
import { LetterService } from './core/parents/letter-service.js';
import { mountSlack, type SlackChannel } from './channels/slack/routes.js';
import { mountTeams, type TeamsChannel } from './channels/teams/routes.js';
import type { Config } from './config/env.js';
import { Assistant } from './core/app/assistant.js';
import { Background } from './core/kernel/background.js';
import { Inbox } from './core/inbox/inbox.js';
import { WorkLoop } from './core/work/loop.js';
import { SharedNotes } from './core/kernel/transient.js';
import { inboxWork, InboxRunner } from './core/inbox/runner.js';
import { SHIPPED_MODULES } from './core/app/commands.js';
import { adminModule } from './core/app/commands/admin.js';
import { overview } from './core/app/home.js';
import { checkModules, commandReferences, jobDefinitions, Registry, type AnyModule, type Module } from './core/app/registry.js';
import { casesModule } from './core/cases/module.js';
import { exceptionsModule, teacherFields } from './core/exceptions/module.js';
import { parentsModule } from './core/parents/module.js';
import { privacyModule } from './core/privacy/module.js';
import { remindersModule } from './core/reminders/module.js';
import { CardRenderer } from './core/cards/render.js';
import { CaseCore } from './core/cases/context.js';
import { ExceptionCore } from './core/exceptions/context.js';
import { endPause } from './core/exceptions/misuse.js';
import { dailyChecks } from './core/exceptions/reviews.js';
import { Outbox } from './core/notify/outbox.js';
import { RoleBook } from './core/people/role-book.js';
import { classesFingerprint, SchoolDirectory } from './core/people/school.js';
import { readSchoolVersion, SchoolReloader, type ReloadOutcome, type SchoolVersion } from './school-reload.js';
import { AccountLinks } from './core/people/accounts.js';
import { systemClock, type Clock, type LogFields, type Logger, type Store } from './core/kernel/ports.js';
import { DialogFileError, loadFlows, parseFlowFiles, type SourceFile } from './core/protocol/loader.js';
import { ActiveProtocol, withSchoolTerms } from './core/protocol/school-protocol.js';
import { operationIds } from './core/kernel/operation.js';
import { operationAwareStore } from './core/kernel/operation-store.js';
import { parsedStore } from './core/kernel/collections.js';
import { HttpServer, sendJson } from './http/server.js';
import { AdjustableClock } from './demo-clock.js';
import { Scheduler } from './core/reminders/scheduler.js';
import { classChangesJobId, JOB_DEFINITIONS, planJob, upkeepJobId } from './core/reminders/jobs.js';
import { PrivacyService } from './core/privacy/service.js';
import { dayIn } from './core/kernel/time.js';
import { openStore } from './store/open.js';

export interface App {
  http: HttpServer;
  store: Store;
  assistant: Assistant;
  roleBook: RoleBook;
  outbox: Outbox;
  directory: SchoolDirectory;
  /** The port actually listened on (useful with PORT=0). */
  port: number;
  scheduler: Scheduler;
  exceptions: ExceptionCore;
  privacy: PrivacyService;
  clock: AdjustableClock;
  /** The Teams channel, when it is on. */
  teams: TeamsChannel | null;
  /** The Slack channel, when it is on. */
  slack: SlackChannel | null;
  /** An id for this process, used as lease owner by schedulers. */
  instanceId: string;
  /** What the "started" line says (without the port): a worker hands it to the primary, which logs it once. */
  startedFields: LogFields;
  /**
   * Resolves when the process has nothing in hand: no request being answered, no Slack turn behind an
   * acknowledgement, no delivery round or scheduler pass (true), or after `limitMs` (false).
   */
  idle(limitMs?: number): Promise<boolean>;
  /**
   * Reads the school file and its translations again (SIGHUP; a change to the file does it by itself):
   * swapped in when they check out, else the version in use stays and the problem is logged.
   */
  reloadSchool(): Promise<ReloadOutcome>;
  /** Takes no new requests, finishes the work in hand (at most `ZORGPAD_STOP_GRACE_MS`), then closes the store. */
  close(): Promise<void>;
}

/** For tests: a wrapper around the opened store (e.g. one that fails a chosen write). */
export interface StartOptions {
  wrapStore?: (store: Store) => Store;
  /**
   * The daily upkeep (retention, exception checks; a `daily-upkeep` job) is planned 30 s after start and
   * then daily; false leaves it out, for a test that watches every write to the store.
   */
  dailyUpkeep?: boolean;
  /**
   * One of several worker processes (main.ts): the primary says once what concerns the whole start
   * (dialog warnings, the store, the data key, "started" with the public port); a worker says it at
   * debug level only.
   */
  worker?: boolean;
  /**
   * Modules besides the ones Zorgpad ships with (core/app/registry.ts `defineModule`): their commands,
   * card actions, start guards, drafts, pick lists, jobs and dialog files, installed with the app's services.
   */
  modules?: readonly Module<AppServices>[];
}

/** The services the composition root makes: what a module from outside (`StartOptions.modules`) is installed with. */
export interface AppServices extends DomainServices {
  log: Logger;
  scheduler: Scheduler;
  cases: CaseCore;
  exceptions: ExceptionCore;
  privacy: PrivacyService;
  parents: ParentService;
  letters: LetterService;
  accounts: AccountLinks;
}

/** Warnings about the configuration that hold for the whole start: said once, by the process that starts. */
export function startupWarnings(config: Config, log: Logger): void {
  if (config.teams.mode === 'unauthenticated') {
    log.warn('teams.UNAUTHENTICATED', {
      detail: 'TEAMS_ALLOW_UNAUTHENTICATED=true: /api/messages accepts unsigned requests from loopback serviceUrls only. Never use this outside development.',
    });
  }
  if (config.playground && config.nodeEnv === 'production') {
    log.warn('playground.enabled-in-production', { detail: 'anyone who reaches /playground can act as any staff member' });
  }
}

/** A worker's log for what its primary has already said: the same lines, at debug level. */
function saidByPrimary(log: Logger): Logger {
  return { ...log, info: log.debug, warn: log.debug };
}

/** The dialog files in a module's folder, as the loader reads a folder (protocol/loader.ts `loadFlows`). */
function dialogFiles(dir: string): SourceFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
  } catch {
    throw new DialogFileError(`${dir}: dialogs directory cannot be read`);
  }
  return names.map((n) => ({ name: join(dir, n), text: readFileSync(join(dir, n), 'utf8') }));
}

/**
 * The school file, its translations, the cards and the dialogs (with those of `modules` besides the
 * shipped ones), each checked; throws on the first problem.
 */
export function loadFiles(config: Config, log: Logger, modules: readonly AnyModule[] = []) {
  const version = readSchoolVersion(config.schoolFile);
  const languages = new PageLanguages(version.translations);
  const cards = CardRenderer.load(config.cardsDir);
  const known = { ...commandReferences([...SHIPPED_MODULES, ...modules]), cards: new Set(cards.names) };
  const moduleDialogs = modules.flatMap((m) => (m.dialogs ? [m.dialogs] : []));
  const dialogs = moduleDialogs.length
    ? parseFlowFiles([config.dialogsDir, ...moduleDialogs].flatMap(dialogFiles), known)
    : loadFlows(config.dialogsDir, known);
  for (const warning of dialogs.warnings) log.warn('dialogs.warning', { detail: warning });
  // The school's own protocol (the folder named after its id, next to the school file): its texts, options,
  // ladder and terms. A reload calls protocol.read(schoolFile, school), then withSchoolTerms and protocol.replace.
  const protocol = ActiveProtocol.open(config.schoolFile, version.school, dialogs, known);
  for (const warning of protocol.current.warnings) log.warn('protocol.warning', { detail: warning });
  if (protocol.current.folder) log.info('protocol.school', { version: protocol.current.caseProtocol.version, files: protocol.current.files.length, rungs: protocol.current.ladder.length });
  const directory = new SchoolDirectory(withSchoolTerms(version.school, protocol.current));
  const flows = protocol.flows;
  // What the dialogs keep and offer, each defined by one module.
  checkModules([...SHIPPED_MODULES, ...modules], flows);
  return { directory, languages, cards, flows, version, protocol };
}

/**
 * The composition root: configuration → files → store → core → HTTP. Everything that can be wrong
 * in a file is checked before the store is opened or a port is taken.
 */
export async function startApp(config: Config, log: Logger, baseClock: Clock = systemClock, options: StartOptions = {}): Promise<App> {
  const clock = new AdjustableClock(baseClock);
  const instanceId = randomUUID();
  const startLog = options.worker ? saidByPrimary(log) : log;
  const extraModules = options.modules ?? [];
  const { directory, languages, cards, flows, version, protocol } = loadFiles(config, startLog, extraModules);

  const opened = await openStore(config, startLog);
  const store = operationAwareStore(parsedStore(options.wrapStore ? options.wrapStore(opened) : opened));
  // Ids made inside an operation of a turn are the same when the operation runs again (operation.ts).
  const newId = operationIds(() => randomUUID());
  const roleBook = new RoleBook(store, directory, clock);
  const outbox = new Outbox(store, directory.school.id, clock);
  const cases = new CaseCore({ store, directory, roleBook, outbox, cards, clock, newId, protocol: protocol.caseProtocol });
  // The teachers' view of an exception: the request dialog's answers whose audience is the teachers.
  const exceptions = new ExceptionCore({ store, directory, roleBook, outbox, cards, clock, newId, teacherFields: teacherFields(flows) });
  // The day's upkeep runs as a job (`daily-upkeep`): claimed with a lease, retried when it fails.
  const upkeep = {
    daily: async (day: string) => {
      const report = await privacy.applyRetention();
      const swept = await inbox.sweep();
      const forgotten = await accounts.sweepUnknown();
      if (forgotten) log.info('accounts.forgotten', { accounts: forgotten });
      log.info('retention', { cases: report.casesAnonymised, exceptions: report.exceptionsAnonymised, inbox: swept });
      log.info('exception-checks', await dailyChecks(exceptions));
      log.debug('upkeep.done', { day });
    },
    // The class changes of one version of the school file, at once (a `class-changes` job): the same check.
    classChanges: async (fingerprint: string) => {
      // Planned by a process that read the file before this one did: read it here too.
      if (classesFingerprint(directory.school) !== fingerprint) await reloader.reload('job');
      if (classesFingerprint(directory.school) !== fingerprint) return false;
      log.info('exception-checks', await dailyChecks(exceptions));
      return true;
    },
  };
  const jobs = jobDefinitions(JOB_DEFINITIONS, [...SHIPPED_MODULES, ...extraModules]);
  const scheduler = new Scheduler({ store, directory, roleBook, outbox, cards, clock, log, owner: instanceId, pauses: { endPause: (id, until) => endPause(exceptions, id, until) }, upkeep, jobs });
  const privacy = new PrivacyService({ store, directory, clock });
  // Links for parents point at the public host; without one (development), at this process.
  let listening = { host: config.host, port: config.port };
  const publicBase = () => (config.publicHost ? `https://${config.publicHost}` : `http://${listening.host === '0.0.0.0' ? '127.0.0.1' : listening.host}:${listening.port}`);
  const parents = new ParentService({ store, directory, exceptions, outbox, clock, newId, publicBase });
  const letters = new LetterService({ store, directory, cases, exceptions, clock, publicBase });
  // Accounts found by e-mail (a school file that lists staff by e-mail only): resolved on first contact.
  const accounts = new AccountLinks(store, directory, clock, log);
  await accounts.load();
  // Each module with the services it needs: its commands, card actions, start guards, drafts and pick lists.
  const services: AppServices = { store, directory, roleBook, outbox, cards, clock, newId, log, scheduler, cases, exceptions, privacy, parents, letters, accounts };
  const installed = [
    // "wacht op jou" gathers every installed module's items: read from the registry once it is made (below).
    adminModule.install({ directory, roleBook, cards, outbox, accounts, waiting: (who) => registry.waiting(who) }),
    casesModule.install({ cases, roleBook }),
    exceptionsModule.install({ exceptions, cards }),
    parentsModule.install({ parents, letters, cards }),
    privacyModule.install({ privacy, directory }),
    remindersModule.install({ scheduler, jobs: store.jobs, directory }),
    ...extraModules.map((m) => m.install(services)),
  ];
  let registry: Registry;
  try {
    // What the dialogs were checked against (loadFiles) is what runs: every module installed, once.
    const notInstalled = [...SHIPPED_MODULES, ...extraModules].filter((m) => !installed.some((i) => i.definition === m)).map((m) => m.name);
    if (notInstalled.length) throw new Error(`modules not installed: ${notInstalled.join(', ')}`);
    registry = new Registry(installed);
  } catch (error) {
    await store.close();
    throw error;
  }
  const home = { directory, roleBook, flows, registry };
  const assistant = new Assistant({ store, newId, flows, cards, directory, roleBook, registry, overview: (platform, userId, locale) => overview(home, platform, userId, locale), clock, log });

  const background = new Background();
  // Requests acknowledged before their turn ran: in the store first, run by whichever process holds them.
  const inbox = new Inbox(store, directory.school.id, systemClock, config.inbox.leaseMs);
  const runner = new InboxRunner({ inbox, owner: instanceId, background, log });
  // The one timer for background work: every durable queue (inbox, jobs, each platform's outbox) is a source.
  const work = new WorkLoop(background, log);
  for (const source of inboxWork(runner, config.inbox.pollMs)) work.add(source);
  // The school file's class changes are checked at once for each version read (at start and after a
  // reload) whose classes differ from the last version any process read; every process reading that
  // version plans the same job id, so it runs once. The first version ever read is left to the day's
  // upkeep (nothing to compare it with; a check then reads every request, which a start should not wait for).
  const lastClasses = new SharedNotes(store, 'school-classes', 400 * 86_400_000);
  const planClassChanges = async (read: SchoolVersion) => {
    const fingerprint = classesFingerprint(read.school);
    const last = await lastClasses.get(read.school.id);
    if (last === fingerprint) return;
    await lastClasses.set(read.school.id, fingerprint);
    if (last === null) return;
    await planJob(store.jobs, 'class-changes', { id: classChangesJobId(read.school.id, fingerprint, read.writtenAt), payload: { fingerprint }, dueAt: clock.now() });
    work.wake('jobs');
  };
  const reloader = new SchoolReloader({ schoolFile: config.schoolFile, directory, languages, log, current: version, protocol, applied: (read) => background.track(planClassChanges(read)) });
  const http = new HttpServer(log, background, config.trustProxy);
  // Which worker answered (1…n; 0 without workers), so that a load balancer's or a test's spread is visible.
  // And which version of the school file it runs on (a hash), so that a reload can be seen on every worker.
  http.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok', store: store.kind, worker: cluster.worker?.id ?? 0, pid: process.pid, schoolVersion: reloader.tag }));
  mountParents(http, { store, parents, letters, directory, languages, secureCookies: config.publicHost !== undefined, publicHost: config.publicHost, log });
  if (config.playground) mountPlayground(http, { assistant, directory, outbox, roleBook, exceptions, clock, scheduler, cards, store });
  const slack =
    config.slack.mode === 'on'
      ? await mountSlack(http, { config: config.slack, assistant, store, directory, roleBook, outbox, clock, log, deliveryIntervalMs: config.deliveryIntervalMs, background, inbox, runner, work, accounts }).catch(async (error: unknown) => {
          await store.close();
          throw error;
        })
      : null;
  // Someone with a Slack account is never reported unreachable by Teams while Slack is on.
  const reachableElsewhere = (staffId: string) => slack !== null && slack.delivery.target(staffId) !== null;
  const teams =
    config.teams.mode === 'off'
      ? null
      : mountTeams(http, { config: config.teams, assistant, store, directory, roleBook, outbox, clock, log, deliveryIntervalMs: config.deliveryIntervalMs, reachableElsewhere, background, work, accounts });
  // Every process runs the due jobs; leases keep two processes from sending the same reminder.
  work.add({ name: 'jobs', everyMs: config.deliveryIntervalMs, run: () => scheduler.tick() });
  // The first upkeep half a minute after start (planned once per day, whichever process plans it first).
  if (options.dailyUpkeep ?? true) {
    const today = dayIn(directory.school.timeZone, clock.now());
    await planJob(store.jobs, 'daily-upkeep', { id: upkeepJobId(directory.school.id, today), payload: { day: today }, dueAt: clock.now() + 30_000 });
    await planClassChanges(version);
  }
  if (!options.worker) startupWarnings(config, log);

  let port: number;
  try {
    port = await http.listen(config.port, config.host);
    listening = { host: config.host, port };
  } catch (error) {
    await store.close();
    throw error;
  }
  work.start();
  if (config.schoolWatch) reloader.start();
  const startedFields: LogFields = {
    store: store.kind,
    school: directory.school.id,
    flows: flows.size,
    playground: config.playground,
    teams: config.teams.mode === 'off' ? 'off (no MicrosoftAppId; set it, or TEAMS_ALLOW_UNAUTHENTICATED=true for local development)' : config.teams.mode,
    slack: config.slack.mode === 'off' ? 'off (set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to switch it on)' : 'on',
  };
  if (options.worker) log.debug('worker.started', { worker: cluster.worker?.id ?? 0 });
  else log.info('started', { port, ...startedFields });

  return {
    http,
    store,
    assistant,
    roleBook,
    outbox,
    directory,
    port,
    instanceId,
    startedFields,
    idle: (limitMs) => background.idle(limitMs),
    reloadSchool: () => reloader.reload('signal'),
    teams,
    slack,
    scheduler,
    exceptions,
    privacy,
    clock,
    async close() {
      reloader.stop();
      work.stop();
      runner.stop();
      background.stop();
      // What was acknowledged (a Slack event) or is being answered is finished first, within the grace;
      // what is still held then goes back to the inbox, for another process or the next start.
      if (!(await http.close(config.stopGraceMs))) log.warn('stopping.unfinished', { running: background.size });
      const released = await runner.releaseHeld();
      if (released) log.warn('stopping.released', { entries: released });
      await store.close();
    },
  };
}
