// Reads the CSV exports of a school's student administration (students, staff, classes, teaching
// groups) and writes or updates the school file, with a report of what was taken, left out and changed.
//   npm run school:import -- <folder> [--school <file>] [--preset magister|somtoday] [--mapping <file>]
//                                     [--id <id> --name <name>] [--dry-run]
// On a fatal error (a missing file or column, a school file that would not load) nothing is written
// and it exits 1.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { formatReport, importSchool, ImportError, MappingError, writeSchoolFile } from '../src/core/people/import/index.js';
import { PRESET_NAMES } from '../src/core/people/import/mapping.js';

const USAGE = 'usage: npm run school:import -- <folder> [--school <file>] [--preset magister|somtoday] [--mapping <file>] [--id <id> --name <name>] [--dry-run]';

function fail(message: string): never {
  process.stderr.write(`school:import: ${message}\nNothing was written.\n`);
  process.exit(1);
}

const argsSchema = z.object({
  folder: z.string({ message: `give the folder with the export\n${USAGE}` }).min(1),
  school: z.string({ message: 'give the school file with --school <file> (or set ZORGPAD_SCHOOL_FILE)' }).min(1),
  preset: z.enum(PRESET_NAMES, { message: `--preset: expected one of ${PRESET_NAMES.join(', ')}` }).optional(),
  mapping: z.string().min(1).optional(),
  id: z.string().regex(/^[a-z0-9-]+$/, '--id: expected lower-case letters, digits and dashes').optional(),
  name: z.string().min(1).optional(),
  dryRun: z.boolean(),
});

let raw;
try {
  raw = parseArgs({
    allowPositionals: true,
    options: {
      school: { type: 'string' },
      preset: { type: 'string' },
      mapping: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
if (raw.positionals.length > 1) fail(`one folder only\n${USAGE}`);
const parsed = argsSchema.safeParse({
  folder: raw.positionals[0],
  school: raw.values.school ?? process.env.ZORGPAD_SCHOOL_FILE,
  preset: raw.values.preset,
  mapping: raw.values.mapping,
  id: raw.values.id,
  name: raw.values.name,
  dryRun: raw.values['dry-run'],
});
if (!parsed.success) fail(parsed.error.issues[0]!.message);
const args = parsed.data;

let outcome;
const started = performance.now();
try {
  outcome = importSchool({ folder: args.folder, schoolFile: args.school, preset: args.preset, mappingFile: args.mapping, id: args.id, name: args.name });
} catch (error) {
  if (error instanceof ImportError || error instanceof MappingError) fail(error.message);
  throw error;
}
process.stdout.write(formatReport(outcome, { folder: args.folder, schoolFile: args.school }));
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (args.dryRun) {
  process.stdout.write(`dry run (${seconds} s): ${args.school} is not written\n`);
} else if (!outcome.changed) {
  process.stdout.write(`nothing changed (${seconds} s): ${args.school} is left as it was\n`);
} else {
  try {
    writeSchoolFile(args.school, outcome.text);
  } catch (error) {
    fail(`${args.school} cannot be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  process.stdout.write(`written (${seconds} s): ${args.school}\n`);
  process.stdout.write('Restart Zorgpad (every process, on every machine) to use it.\n');
  if (outcome.changes.classChanges.length > 0) {
    process.stdout.write(
      `${outcome.changes.classChanges.length} students changed class: Zorgpad plans their exceptions' reviews and tells their old and new teachers at its daily check (half a minute after the first start of the day, otherwise at 03:00).\n`,
    );
  }
}
