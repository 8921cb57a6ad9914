import type { Student } from '../people/school.js';

/**
 * How free text can name a student: their number, their initials as the school file writes them, and
 * their name when the school file has one (the demo school's has none; the student entry may gain one).
 */
export interface StudentIdentity {
  ref: string;
  initials?: string;
  name?: string;
}

/** The student as free text may name them; a number alone when the school file no longer knows them. */
export function identityOf(ref: string, student: Student | null): StudentIdentity {
  if (!student) return { ref };
  const name = (student as { name?: unknown }).name;
  return { ref: student.ref, initials: student.initials, ...(typeof name === 'string' && name.trim() ? { name: name.trim() } : {}) };
}

// Not inside a word, nor the tail of longer initials ("Z.A.K."); not followed by more of a word or more initials ("a.k.a.").
const BEFORE = '(?<![\\p{L}\\p{N}]|[\\p{L}\\p{N}]\\.)';
const AFTER = '(?![\\p{L}\\p{N}]|\\.[\\p{L}\\p{N}])';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function lettersOf(initials: string | undefined): string[] {
  return initials?.match(/\p{L}/gu) ?? [];
}

/**
 * The forms that name the student without doubt, as regular-expression sources:
 * - `numbers` (case-insensitive): the student number as a whole word;
 * - `exact` (case as in the school file): initials of two letters or more with their full stops, the last
 *   one optional and a space allowed after each ("A.K.", "A.K", "A. K.");
 * - `names` (case-insensitive): the whole name, when the school file has one.
 */
export function certainForms(who: StudentIdentity): { numbers: string[]; exact: string[]; names: string[] } {
  const letters = lettersOf(who.initials);
  const words = who.name?.split(/\s+/).filter(Boolean) ?? [];
  return {
    numbers: [`\\b${escape(who.ref)}\\b`],
    exact: letters.length >= 2 ? [BEFORE + letters.map(escape).join('\\.\\s?') + '\\.?' + AFTER] : [],
    names: words.length ? [BEFORE + words.map(escape).join('\\s+') + AFTER] : [],
  };
}

/**
 * Forms that may name the student but may as well mean something else, as regular-expression sources
 * (case as written here): the initials without full stops ("AK", could be an abbreviation), in other
 * letter case ("a.k.", could be "o.a."), a single initial ("A."), and the first name alone.
 */
export function uncertainForms(who: StudentIdentity): { sensitive: string[]; insensitive: string[] } {
  const letters = lettersOf(who.initials);
  const words = who.name?.split(/\s+/).filter(Boolean) ?? [];
  const sensitive: string[] = [];
  const insensitive: string[] = [];
  if (letters.length >= 2) {
    sensitive.push(BEFORE + letters.map(escape).join('') + AFTER);
    insensitive.push(BEFORE + letters.map(escape).join('\\.\\s?') + '\\.?' + AFTER);
  } else if (letters.length === 1) {
    sensitive.push(BEFORE + escape(letters[0]!) + '\\.' + AFTER);
  }
  if (words.length >= 2) sensitive.push(BEFORE + escape(words[0]!) + AFTER);
  return { sensitive, insensitive };
}

/** One regular expression for several alternatives; null for none. */
function alternation(sources: readonly string[], flags: string): RegExp | null {
  return sources.length ? new RegExp(sources.map((s) => `(?:${s})`).join('|'), flags) : null;
}

/**
 * Replaces students' names in free text. `certain` forms are replaced; `loose` forms (see
 * `uncertainForms`) are replaced as well for the students given as `loosely`. Works on every string value
 * of a record (never on field names, nor on the record's `id`).
 */
export class NameReplacer {
  private readonly patterns: RegExp[];

  constructor(
    students: readonly StudentIdentity[],
    private readonly replacement: string,
    loosely: readonly StudentIdentity[] = [],
  ) {
    const certain = students.map(certainForms);
    const loose = loosely.map(uncertainForms);
    this.patterns = [
      alternation(certain.flatMap((f) => f.numbers), 'giu'),
      alternation(certain.flatMap((f) => f.names), 'giu'),
      alternation([...certain.flatMap((f) => f.exact), ...loose.flatMap((f) => f.sensitive)], 'gu'),
      alternation(loose.flatMap((f) => f.insensitive), 'giu'),
    ].filter((p): p is RegExp => p !== null);
  }

  text(value: string): string {
    return this.patterns.reduce((text, pattern) => text.replace(pattern, this.replacement), value);
  }

  /** The value with every string in it replaced (a copy; the record's own `id` stays). */
  value<T>(value: T): T {
    return mapStrings(value, (s) => this.text(s));
  }

  /** Whether the value names one of the students (in any string but the record's own `id`). */
  finds(value: unknown): boolean {
    let found = false;
    mapStrings(value, (s) => {
      found ||= this.text(s) !== s;
      return s;
    });
    return found;
  }
}

/**
 * Another student as free text may name them, without the initials or name they share with `own`: when two
 * students share initials, "A.K." in a text could be either, and is left for the requester.
 */
export function apartFrom(who: StudentIdentity, own: StudentIdentity): StudentIdentity {
  const same = (a: string[], b: string[]) => a.length > 0 && a.join('') === b.join('');
  const words = (name: string | undefined) => name?.toLowerCase().split(/\s+/).filter(Boolean) ?? [];
  return {
    ref: who.ref,
    ...(who.initials && !same(lettersOf(who.initials), lettersOf(own.initials)) ? { initials: who.initials } : {}),
    ...(who.name && !same(words(who.name), words(own.name)) ? { name: who.name } : {}),
  };
}

/** Finds forms that may name a student but were not replaced: the first one found in a value, or null. */
export function uncertainMention(value: unknown, who: StudentIdentity): string | null {
  const forms = uncertainForms(who);
  const patterns = [alternation(forms.sensitive, 'u'), alternation(forms.insensitive, 'iu')].filter((p): p is RegExp => p !== null);
  let found: string | null = null;
  mapStrings(value, (s) => {
    for (const pattern of patterns) found ??= pattern.exec(s)?.[0] ?? null;
    return s;
  });
  return found;
}

/** A copy of a JSON-like value with `fn` applied to every string value; a top-level `id` is kept as it is. */
export function mapStrings<T>(value: T, fn: (text: string) => string, top = true): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn, false)) as T;
  if (value && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, top && k === 'id' ? v : mapStrings(v, fn, false)])) as T;
  }
  return value;
}
