import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Ids the benchmark uses for staff member n (1-based). */
export const benchStaff = (n: number) => ({
  id: `s${String(n).padStart(4, '0')}`,
  teams: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  slack: `UB${String(n).padStart(6, '0')}`,
});
export const benchStudent = (n: number) => `B${String(n).padStart(6, '0')}`;
export const KERNTEAM_ZC = 25;
export const KERNTEAM_ORTHO = 25;
export const CLASSES = 100;
export const TEAMS_CHANNEL = '19:bench-kernteam@thread.tacv2';
export const SLACK_CHANNEL = 'CBENCHKERN';

/**
 * A large fictional school for the benchmark: `staff` people (25 zorgcoördinatoren and 25
 * orthopedagogen in the kernteam, 100 mentors, the rest teachers), 100 classes and `students` students.
 * Reminders are allowed all day every day, so the run does not depend on the hour.
 */
export function writeBenchSchool(dir: string, staff: number, students: number): string {
  const people = Array.from({ length: staff }, (_, i) => {
    const n = i + 1;
    const ids = benchStaff(n);
    const roles = n <= KERNTEAM_ZC ? ['zorgcoordinator'] : n <= KERNTEAM_ZC + KERNTEAM_ORTHO ? ['orthopedagoog'] : n <= 50 + CLASSES ? ['mentor', 'vakdocent'] : ['vakdocent'];
    return { id: ids.id, name: `Medewerker ${n}`, roles, identities: { teams: ids.teams, slack: ids.slack } };
  });
  const classes = Array.from({ length: CLASSES }, (_, i) => ({
    id: `k${String(i + 1).padStart(3, '0')}`,
    yearGroup: (i % 6) + 1,
    mentor: benchStaff(51 + i).id,
    teachers: [
      { staff: benchStaff(151 + (i % Math.max(1, staff - 150))).id, subject: 'wiskunde' },
      { staff: benchStaff(151 + ((i + 7) % Math.max(1, staff - 150))).id, subject: 'Nederlands' },
    ],
  }));
  const file = {
    id: 'bench',
    name: 'Benchmarkschool (fictief)',
    locale: 'nl',
    timeZone: 'Europe/Amsterdam',
    kernteam: { roles: ['zorgcoordinator', 'orthopedagoog'], minRoles: 2, requiredRole: 'zorgcoordinator', teamsChannel: TEAMS_CHANNEL, slackChannel: SLACK_CHANNEL },
    reminders: { start: '00:00', end: '23:59', days: [1, 2, 3, 4, 5, 6, 7], holidays: [] },
    staff: people,
    classes,
    students: Array.from({ length: students }, (_, i) => ({ ref: benchStudent(i + 1), initials: 'X.', class: classes[i % CLASSES]!.id })),
  };
  const path = join(dir, 'bench-school.json');
  // JSON is YAML too: the school loader reads it as it is.
  writeFileSync(path, JSON.stringify(file));
  return path;
}
