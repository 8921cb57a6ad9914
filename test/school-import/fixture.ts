import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A generated school in the shape of a student administration's export: invented names from a seeded
 * generator, so that every run makes the same school. Nobody in it exists.
 */
export interface FixtureStudent {
  number: string;
  firstName: string;
  prefix: string;
  lastName: string;
  class: string;
  year: number;
}
export interface FixtureStaff {
  email: string;
  firstName: string;
  prefix: string;
  lastName: string;
  roles: string[];
}
export interface FixtureClass {
  id: string;
  year: number;
  mentor: string;
}
export interface FixtureGroup {
  group: string;
  subject: string;
  class: string;
  teacher: string;
}
export interface FixtureSchool {
  students: FixtureStudent[];
  staff: FixtureStaff[];
  classes: FixtureClass[];
  groups: FixtureGroup[];
}

/** mulberry32: small, seeded, the same numbers on every machine. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Invented name parts, combined at random: no combination stands for a real person.
const FIRST = ['Noor', 'Daan', 'Sanne', 'Milan', 'Evi', 'Sem', 'Lotte', 'Bram', 'Yara', 'Ilias', 'Fenna', 'Joep', 'Ayla', 'Mees', 'Zoë', 'Thijs', 'Lieke', 'Omar', 'Femke', 'Stijn', 'Ömer', 'Élodie', 'Kacper', 'Amira'];
const LAST = ['Veldkamp', 'Hoekstra', 'Brinkman', 'Kuipers', 'Wolters', 'Postma', 'Dijkhuis', 'Schuitema', 'Oosting', 'Verbeek', 'Mulderij', 'Haverkamp', 'Lindeboom', 'Zwartjes', 'Roelofsma', 'Bakhuis'];
const PREFIX = ['', '', '', '', 'de', 'van', 'van der', 'ter'];
const SUBJECTS = ['Nederlands', 'Engels', 'wiskunde', 'geschiedenis', 'aardrijkskunde', 'biologie', 'Frans', 'Duits', 'lichamelijke opvoeding', 'beeldende vorming', 'natuurkunde', 'economie'];
const LETTERS = 'ABCDEFGHIJ';

/**
 * A school of `students` students, `staff` staff, `classes` classes (six year groups) and `groups`
 * teaching groups. Staff 0-6 hold the school-wide roles; the next `classes` are the mentors.
 */
export function generateSchool(seed: number, size = { students: 1500, staff: 150, classes: 60, groups: 600 }): FixtureSchool {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const emails = new Set<string>();
  const special = [['Zorgcoördinator'], ['Orthopedagoog'], ['Directeur'], ['Coördinator leerlingzaken'], ['Anti-pestcoördinator', 'Docent'], ['Applicatiebeheerder'], ['Teamleider', 'Docent']];
  const staff: FixtureStaff[] = [];
  for (let i = 0; i < size.staff; i++) {
    const firstName = pick(FIRST);
    const prefix = pick(PREFIX);
    const lastName = pick(LAST);
    let email = `${firstName[0]}.${prefix.replace(/ /g, '')}${lastName}`.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    for (let n = 2; emails.has(email); n++) email = `${email.replace(/\d+$/, '')}${n}`;
    emails.add(email);
    const mentor = i >= special.length && i < special.length + size.classes;
    staff.push({ email: `${email}@fictief-college.example`, firstName, prefix, lastName, roles: special[i] ?? (mentor ? ['Docent', 'Mentor'] : ['Docent']) });
  }
  const classes: FixtureClass[] = [];
  for (let i = 0; i < size.classes; i++) {
    const year = (i % 6) + 1;
    classes.push({ id: `${year}${LETTERS[Math.floor(i / 6) % 10]}${i >= 60 ? Math.floor(i / 60) : ''}`, year, mentor: staff[special.length + i]!.email });
  }
  const teachers = staff.filter((m) => m.roles.includes('Docent'));
  const groups: FixtureGroup[] = [];
  for (let i = 0; i < size.groups; i++) {
    const cls = classes[i % classes.length]!;
    const subject = SUBJECTS[Math.floor(i / classes.length) % SUBJECTS.length]!;
    groups.push({ group: `${cls.id.toLowerCase()}.${subject.slice(0, 3).toLowerCase()}`, subject, class: cls.id, teacher: pick(teachers).email });
  }
  const students: FixtureStudent[] = [];
  for (let i = 0; i < size.students; i++) {
    const cls = classes[i % classes.length]!;
    students.push({ number: String(200001 + i), firstName: pick(FIRST), prefix: pick(PREFIX), lastName: pick(LAST), class: cls.id, year: cls.year });
  }
  return { students, staff, classes, groups };
}

function csvLine(fields: Array<string | number>, delimiter: string, quoteAll: boolean): string {
  return fields
    .map(String)
    .map((f) => (quoteAll || f.includes(delimiter) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f))
    .join(delimiter);
}

/**
 * Writes the school as an export in a preset's format: Magister's with `;`, a byte order mark and
 * CRLF as Dutch Excel saves it; Somtoday's with `,`, every field quoted and LF.
 */
export function writeExport(dir: string, school: FixtureSchool, format: 'magister' | 'somtoday' = 'magister'): void {
  mkdirSync(dir, { recursive: true });
  const magister = format === 'magister';
  const d = magister ? ';' : ',';
  const write = (name: string, header: string[], rows: Array<Array<string | number>>) => {
    const eol = magister ? '\r\n' : '\n';
    const text = [header, ...rows].map((r) => csvLine(r, d, !magister)).join(eol) + eol;
    writeFileSync(join(dir, name), magister ? `\ufeff${text}` : text);
  };
  if (magister) {
    write('leerlingen.csv', ['Stamnr', 'Roepnaam', 'Tussenv', 'Achternaam', 'Klas', 'Leerjaar'], school.students.map((s) => [s.number, s.firstName, s.prefix, s.lastName, s.class, s.year]));
    write('personeel.csv', ['Roepnaam', 'Tussenv', 'Achternaam', 'E-mail', 'Functie'], school.staff.map((m) => [m.firstName, m.prefix, m.lastName, m.email, m.roles.join(', ')]));
    write('klassen.csv', ['Klas', 'Leerjaar', 'Mentor e-mail'], school.classes.map((c) => [c.id, c.year, c.mentor]));
    write('lesgroepen.csv', ['Lesgroep', 'Vak', 'Klas', 'Docent e-mail'], school.groups.map((g) => [g.group, g.subject, g.class, g.teacher]));
  } else {
    write('leerlingen.csv', ['Leerlingnummer', 'Voornaam', 'Voorvoegsel', 'Achternaam', 'Stamgroep', 'Leerjaar'], school.students.map((s) => [s.number, s.firstName, s.prefix, s.lastName, s.class, s.year]));
    write('medewerkers.csv', ['Voornaam', 'Voorvoegsel', 'Achternaam', 'E-mailadres', 'Rollen'], school.staff.map((m) => [m.firstName, m.prefix, m.lastName, m.email, m.roles.join(', ')]));
    write('stamgroepen.csv', ['Stamgroep', 'Leerjaar', 'Mentor (e-mailadres)'], school.classes.map((c) => [c.id, c.year, c.mentor]));
    write('lesgroepen.csv', ['Lesgroep', 'Vak', 'Stamgroep', 'Docent (e-mailadres)'], school.groups.map((g) => [g.group, g.subject, g.class, g.teacher]));
  }
}
