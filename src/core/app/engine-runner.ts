import type { Locale } from '../i18n/index.js';
import type { Role } from '../people/roles.js';
import type { SchoolDirectory, StaffMember } from '../people/school.js';
import type { Clock } from '../kernel/ports.js';
import type { Option } from '../protocol/answers.js';
import { handle, type DialogState, type Input, type Outcome } from '../protocol/engine.js';
import type { Flow } from '../protocol/schema.js';
import { dayIn } from '../kernel/time.js';
import { isSchoolDay, schoolHours } from '../reminders/calendar.js';
import type { Registry } from './registry.js';

export interface EngineRunnerDeps {
  directory: SchoolDirectory;
  flows: ReadonlyMap<string, Flow>;
  /** The lists `pick` steps offer, by source, as the modules define them. */
  registry: Pick<Registry, 'picks'>;
  clock: Clock;
}

/**
 * Runs the (pure) dialog engine for one person's input, loading what it asks for on the way: the
 * person's lists for `pick` steps are read from the store only when the turn reaches such a step.
 */
export function engineRunner(
  deps: EngineRunnerDeps,
  input: Input,
  who: { actor: StaffMember; roles: ReadonlySet<Role>; locale: Locale },
): (state: DialogState) => Promise<Outcome> {
  const { directory, registry } = deps;
  const { roles, locale } = who;
  const person = { actor: { staffId: who.actor.id, roles }, locale };
  // The lists a `pick` step offers are read from the store only when the turn reaches such a step:
  // the engine is pure, so a turn that asked for a list not yet loaded is simply run again with it.
  // A list that is about a record (`source:recordId`) is read for that record, with the same checks.
  const loaded: Partial<Record<string, Option[]>> = {};
  const wanted = new Set<string>();
  const ctx = {
    flows: deps.flows,
    roles,
    locale,
    today: dayIn(directory.school.timeZone, deps.clock.now()),
    schoolDay: (day: string) => isSchoolDay(day, schoolHours(directory.school)),
    studentExample: directory.studentExample,
    findStudent: (text: string) => {
      const student = directory.findStudent(text);
      return student ? { ref: student.ref, display: `${student.ref} (${student.class})` } : null;
    },
    staffOptions: () =>
      directory.staff.map((s) => ({ value: s.id, label: s.name })).sort((a, b) => a.label.localeCompare(b.label, 'nl')),
    sources: new Proxy(loaded, {
      get: (target, name) => {
        if (typeof name !== 'string') return undefined;
        if (!(name in target)) wanted.add(name);
        return target[name];
      },
    }),
  };
  const runEngine = async (state: DialogState) => {
    for (;;) {
      wanted.clear();
      const outcome = handle(state, input, ctx);
      const missing = [...wanted].filter((name) => registry.picks.has(name.split(':')[0]!));
      if (missing.length === 0) return outcome;
      for (const name of missing) {
        const [source = '', about = ''] = name.split(':');
        loaded[name] = await registry.picks.get(source)!(person, about);
      }
    }
  };
  return runEngine;
}
