/**
 * `npm run school:import`: a folder of exports from the student administration → the school file,
 * with a report for the IT person. Reading and checking only; scripts/school-import.ts writes.
 */
import { writeFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { loadMappingFile, presetMapping, PRESET_NAMES, type PresetName } from './mapping.js';
import { checkFolder, detectPreset, ImportError, readRoster, type Roster } from './roster.js';
import { updateSchoolFile, type Changes, type Updated } from './update.js';

export { ImportError } from './roster.js';
export { MappingError } from './mapping.js';

export interface ImportOptions {
  folder: string;
  schoolFile: string;
  preset?: PresetName | undefined;
  mappingFile?: string | undefined;
  /** For a new school file. */
  id?: string | undefined;
  name?: string | undefined;
}

export interface ImportOutcome extends Updated {
  roster: Roster;
}

/** Reads the export and makes the school file's new text; writes nothing. Throws ImportError or MappingError. */
export function importSchool(options: ImportOptions): ImportOutcome {
  checkFolder(options.folder);
  const mapping = options.mappingFile
    ? loadMappingFile(options.mappingFile, options.preset)
    : options.preset
      ? presetMapping(options.preset)
      : detectPreset(options.folder);
  if (!mapping) {
    throw new ImportError(`${options.folder}: the files do not look like a known export (${PRESET_NAMES.join(', ')}); give --preset, or --mapping with a mapping file`);
  }
  const roster = readRoster(options.folder, mapping);
  return { roster, ...updateSchoolFile(options.schoolFile, roster, options) };
}

/** Writes the school file whole or not at all: a temporary file next to it, then renamed over it. */
export function writeSchoolFile(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

const LIST_LIMIT = 50;

function list(items: string[], indent = '    '): string[] {
  const shown = items.slice(0, LIST_LIMIT).map((item) => `${indent}${item}`);
  return items.length > LIST_LIMIT ? [...shown, `${indent}… and ${items.length - LIST_LIMIT} more`] : shown;
}

function changeLines(c: Changes): string[] {
  if (c.first) return ['changes: a new school file'];
  const lines = ['changes since the last import:'];
  const students = [`+${c.studentsAdded.length} added`, `-${c.studentsRemoved.length} removed`, `${c.classChanges.length} changed class`];
  lines.push(`  students: ${students.join(', ')}`);
  lines.push(...list(c.classChanges.map((m) => `${m.ref}: ${m.from} → ${m.to}`)));
  lines.push(`  staff: +${c.staffAdded.length} added, -${c.staffRemoved.length} removed, ${c.rolesChanged.length} with other roles`);
  lines.push(...list(c.staffAdded.map((s) => `+ ${s}`)));
  lines.push(...list(c.staffRemoved.map((s) => `- ${s}`)));
  lines.push(...list(c.rolesChanged.map((r) => `${r.who}: ${r.from.join(', ') || '(none)'} → ${r.to.join(', ') || '(none)'}`)));
  if (c.matchedById.length) {
    lines.push(`  recognised by id (the school file had no e-mail address for them; check these are the same people):`);
    lines.push(...list(c.matchedById));
  }
  lines.push(`  classes: +${c.classesAdded.length} added, -${c.classesRemoved.length} removed, ${c.mentorsChanged.length} with another mentor`);
  lines.push(...list([...c.classesAdded.map((id) => `+ ${id}`), ...c.classesRemoved.map((id) => `- ${id}`)]));
  lines.push(...list(c.mentorsChanged.map((m) => `${m.cls}: ${m.from ?? '(none)'} → ${m.to ?? '(none)'}`)));
  lines.push(`  class teachers: +${c.teachersAdded} added, -${c.teachersRemoved} removed`);
  return lines;
}

/** The report the IT person reads: what was read, taken, left out and changed. */
export function formatReport(outcome: ImportOutcome, options: { folder: string; schoolFile: string }): string {
  const { roster, school, changes } = outcome;
  const delimiterName = (d: string) => (d === '\t' ? 'tab' : `"${d}"`);
  const lines = [`school:import ${options.folder} (${roster.mapping})`];
  lines.push('read:');
  for (const f of roster.files) lines.push(`  ${f.name}: ${f.rows} rows (${f.kind}; delimiter ${delimiterName(f.delimiter)}, ${f.encoding})`);
  const teachers = school.classes.reduce((n, c) => n + c.teachers.length, 0);
  lines.push(`taken: ${school.students.length} students, ${school.staff.length} staff, ${school.classes.length} classes, ${roster.groups} teaching groups (${teachers} class teachers)`);
  lines.push(`rejected: ${roster.rejected.length} rows`);
  for (const r of roster.rejected) lines.push(`  ${r.file} line ${r.line}: ${r.reason}`);
  const warnings = [...roster.warnings, ...outcome.warnings];
  if (warnings.length) {
    lines.push(`warnings: ${warnings.length}`);
    for (const w of warnings) lines.push(`  ${w.file ? `${w.file}${w.line ? ` line ${w.line}` : ''}: ` : ''}${w.text}`);
  }
  lines.push(...changeLines(changes));
  return `${lines.join('\n')}\n`;
}
