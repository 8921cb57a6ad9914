import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/core/app/assistant.js';
import { importSchool, writeSchoolFile } from '../../src/core/people/import/index.js';
import type { SchoolFile } from '../../src/core/people/school.js';
import { buttonData, startTestApp, type TestApp } from '../helpers/app.js';
import { playground } from '../helpers/conversations.js';
import { TestClock } from '../helpers/clock.js';
import { generateSchool, writeExport } from './fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'zorgpad-import-move-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A student who changed class in the administration's export goes through Zorgpad's own class-change
 * path: the import only writes the school file; Zorgpad, started on it, finds at its daily check that
 * the class of a student with an exception differs from the one on record, plans the review soon for
 * the new mentor and tells the teachers who now teach the student, and those who no longer do.
 */
describe('a re-import with students who changed class', () => {
  it('moves the reviews of 20 students with an exception to their new mentors and renews their teachers\' signals', async () => {
    // Monday 30 November 2026, 10:00 in Amsterdam.
    const clock = new TestClock(Date.parse('2026-11-30T10:00:00+01:00'));
    const fixture = generateSchool(20);
    const file = join(tmp, 'school.yaml');
    writeExport(join(tmp, 'export'), fixture);
    writeSchoolFile(file, importSchool({ folder: join(tmp, 'export'), schoolFile: file, id: 'fictief-college', name: 'Fictief College' }).text);
    const bot = await startTestApp({ ZORGPAD_DELIVERY_INTERVAL_MS: '600000', ZORGPAD_SCHOOL_FILE: file }, 'sqlite', clock);
    try {
      await run(bot, clock, fixture, file);
    } finally {
      await bot.stop();
    }
  }, 120_000);
});

async function run(bot: TestApp, clock: TestClock, fixture: ReturnType<typeof generateSchool>, file: string): Promise<void> {
  const before: SchoolFile = bot.app.directory.school;
  const staffOf = (email: string) => before.staff.find((m) => m.email === email)!.id;
  const [zorg, ortho] = [staffOf(fixture.staff[0]!.email), staffOf(fixture.staff[1]!.email)];

  const { inbox } = playground(() => bot);
  const texts = async (persona: string) => (await inbox(persona)).filter((m) => !('channel' in m)).map((m) => m.text);

  // The first student of each of 20 classes gets a structural exception for all lessons, asked for by
  // the class's mentor and granted by the kernteam.
  const moved = fixture.classes.slice(0, 20).map((cls, i) => ({ ref: fixture.students.find((s) => s.class === cls.id)!.number, from: cls.id, to: fixture.classes[59 - i]!.id }));
  for (const { ref, from } of moved) {
    const mentor = before.classes.find((c) => c.id === from)!.mentor!;
    let last: string[] = [];
    for (const text of ['uitzondering aanvragen', ref, '1', '2', '-', '1', '3', '1', '2', '-', 'dossier op school', '1', 'alle lessen', 'glucose-app', '1', '1, 4', '2', 'Indienen']) {
      last = (await bot.say(mentor, text)).texts;
    }
    const open = (m: OutboundMessage) => 'channel' in m && ((m.card?.actions ?? []) as Array<{ title: string }>).some((a) => a.title === 'Toekennen');
    const card = (await inbox(zorg)).filter(open).at(-1);
    expect(card, `no kernteam card after: ${last.join(' | ')}`).toBeDefined();
    for (const persona of [zorg, ortho]) await bot.click(persona, { ...(buttonData(card, 'Toekennen') as object), motivation: 'Akkoord.' });
    const [request] = await bot.app.store.collection('exceptionRequests').findBy('studentRef', ref);
    expect(request).toMatchObject({ status: 'granted', classId: from, reviewDue: '2027-02-08' });
  }
  // Everyone has read what the grants brought.
  for (const member of before.staff) await inbox(member.id);

  // The next export has them in another class; the import reports it and writes the school file.
  for (const m of moved) fixture.students.find((s) => s.number === m.ref)!.class = m.to;
  writeExport(join(tmp, 'export'), fixture);
  const outcome = importSchool({ folder: join(tmp, 'export'), schoolFile: file });
  expect(outcome.changes.classChanges).toEqual(moved);
  expect(outcome.changes.studentsAdded.length + outcome.changes.studentsRemoved.length + outcome.changes.staffAdded.length).toBe(0);
  writeSchoolFile(file, outcome.text);

  // Zorgpad restarts on the new file; its daily check (planned half a minute after the day's first start) runs.
  await bot.restart();
  clock.set('2026-11-30T10:05:00+01:00');
  await bot.app.scheduler.tick();
  await bot.app.scheduler.tick();

  const after = bot.app.directory.school;
  const teachersOf = (school: SchoolFile, cls: string, requester: string) => new Set(school.classes.find((c) => c.id === cls)!.teachers.map((t) => t.staff).filter((id) => id !== requester));
  const expected = new Map<string, string[]>();
  const add = (staffId: string, what: string) => expected.set(staffId, [...(expected.get(staffId) ?? []), what].sort());
  for (const { ref, from, to } of moved) {
    const requester = before.classes.find((c) => c.id === from)!.mentor!;
    const old = teachersOf(before, from, requester);
    const now = teachersOf(after, to, requester);
    for (const id of now) if (!old.has(id)) add(id, `signal ${ref} ${to}`);
    for (const id of old) if (!now.has(id)) add(id, `left ${ref}`);
    add(after.classes.find((c) => c.id === to)!.mentor!, `review ${ref} 14-12-2026`);
    const [request] = await bot.app.store.collection('exceptionRequests').findBy('studentRef', ref);
    expect(request).toMatchObject({ classId: to, reviewDue: '2026-12-14', reviewReason: 'class-change' });
    // The review itself is now on the new mentor's list, on its new date.
    const upcoming = await bot.app.scheduler.upcoming(after.classes.find((c) => c.id === to)!.mentor!);
    expect(upcoming.filter((j) => j.kind === 'exception-review').map((j) => j.dueAt)).toContain(Date.parse('2026-12-14T08:30:00+01:00'));
  }
  // What each member of staff received, by kind; nothing else.
  const kind = (text: string): string => {
    const signal = /^(\S+) \((\S+)\) heeft een uitzondering op het telefoonverbod\./.exec(text);
    if (signal) return `signal ${signal[1]} ${signal[2]}`;
    const left = /^(\S+) zit niet meer in een klas waaraan jij lesgeeft\. De uitzondering op het telefoonverbod geldt dus niet meer in jouw lessen\.$/.exec(text);
    return left ? `left ${left[1]}` : text;
  };
  const received = new Map<string, string[]>();
  for (const member of after.staff) {
    const got: string[] = [];
    for (const text of await texts(member.id)) {
      // A reminder card bundles the notices of one moment, one line each.
      const notices = text.startsWith('Evaluatie plannen\n') ? text.split('\n').slice(1) : null;
      if (notices) {
        for (const line of notices) {
          const m = /^- (\S+) zit in een andere klas of een ander leerjaar\. Evalueer de uitzondering uiterlijk (\S+) met leerling en ouders/.exec(line);
          got.push(m ? `review ${m[1]} ${m[2]}` : line);
        }
      } else got.push(kind(text));
    }
    if (got.length) received.set(member.id, got.sort());
  }
  expect(Object.fromEntries(received)).toEqual(Object.fromEntries(expected));
  expect([...expected.values()].flat().filter((w) => w.startsWith('signal')).length).toBeGreaterThan(20);
  expect([...expected.values()].flat().filter((w) => w.startsWith('left')).length).toBeGreaterThan(20);

  // On the new date the new mentor is reminded; the old mentor, who asked for it, is not, then or on the old date.
  const mentors = moved.map(({ ref, from, to }) => ({ ref, old: before.classes.find((c) => c.id === from)!.mentor!, now: after.classes.find((c) => c.id === to)!.mentor! }));
  clock.set('2026-12-14T08:45:00+01:00');
  await bot.app.scheduler.tick();
  for (const { ref, old, now } of mentors) {
    expect(await texts(now)).toEqual([expect.stringMatching(new RegExp(`^Evaluatie uitzondering telefoonverbod\\n- De uitzondering voor ${ref} moet uiterlijk 14-12-2026`))]);
    expect(await texts(old)).toEqual([]);
  }
  clock.set('2027-02-08T09:00:00+01:00');
  await bot.app.scheduler.tick();
  for (const { old } of mentors) expect(await texts(old)).toEqual([]);
}
