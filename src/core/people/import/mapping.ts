/**
 * Which export file holds what, and which column is which: presets for the common Dutch student
 * administrations, and a mapping file (YAML or JSON) for any other, or for a school whose export
 * differs from the preset.
 *
 * The presets' file names and column headers are what a default export of that system plausibly looks
 * like, not a published format: the IT person adjusts them with a mapping file that names the preset
 * and overrides what differs (`preset: magister`, then only the columns that are named otherwise).
 * Headers are compared without letter case, accents, extra spaces or punctuation at the ends.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { roleSchema, type Role } from '../roles.js';

export const FILE_KINDS = ['students', 'staff', 'classes', 'groups'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** The fields each file can have; which are required is said in `REQUIRED`. */
export const FIELDS = {
  students: ['number', 'class', 'year', 'initials', 'firstName', 'prefix', 'lastName'],
  staff: ['email', 'name', 'firstName', 'prefix', 'lastName', 'roles'],
  classes: ['class', 'year', 'mentor'],
  groups: ['group', 'subject', 'class', 'teacher'],
} as const satisfies Record<FileKind, readonly string[]>;

export type Field<K extends FileKind> = (typeof FIELDS)[K][number];

const headers = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((h) => (typeof h === 'string' ? [h] : h));
const fileNames = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((h) => (typeof h === 'string' ? [h] : h));
const columnsOf = <K extends FileKind>(kind: K) =>
  z.strictObject(Object.fromEntries(FIELDS[kind].map((f) => [f, headers.optional()])) as Record<Field<K>, z.ZodOptional<typeof headers>>);

export const PRESET_NAMES = ['magister', 'somtoday'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** A mapping file: a preset to start from (optional), then what differs. */
export const mappingFileSchema = z.strictObject({
  preset: z.enum(PRESET_NAMES, { message: `expected one of: ${PRESET_NAMES.join(', ')}` }).optional(),
  /** The file names in the export folder (compared without letter case); a list: the first that exists. */
  files: z
    .strictObject({ students: fileNames.optional(), staff: fileNames.optional(), classes: fileNames.optional(), groups: fileNames.optional() })
    .default({}),
  columns: z
    .strictObject({ students: columnsOf('students').optional(), staff: columnsOf('staff').optional(), classes: columnsOf('classes').optional(), groups: columnsOf('groups').optional() })
    .default({}),
  /** The administration's role or function names → Zorgpad's roles; `[]` ignores a name without mentioning it again. */
  roles: z.record(z.string().min(1), z.union([roleSchema, z.array(roleSchema)]).transform((r) => (typeof r === 'string' ? [r] : r))).default({}),
});
export type MappingFile = z.infer<typeof mappingFileSchema>;

/** A mapping ready to use: every file's names, every field's headers, the role names. */
export interface Mapping {
  /** Where it came from, for the report: a preset's name, a mapping file, or both. */
  source: string;
  files: Record<FileKind, string[]>;
  columns: { [K in FileKind]: Partial<Record<Field<K>, string[]>> };
  /** Normalised administration role name → roles. */
  roles: Map<string, Role[]>;
}

/** How the common role and function names map; shared by the presets, extended by a mapping file. */
const COMMON_ROLES: Record<string, Role[]> = {
  docent: ['vakdocent'],
  vakdocent: ['vakdocent'],
  leraar: ['vakdocent'],
  mentor: ['mentor'],
  coach: ['mentor'],
  'coordinator leerlingzaken': ['clz'],
  clz: ['clz'],
  leerlingcoordinator: ['clz'],
  'anti-pestcoordinator': ['anti-pestcoordinator'],
  'anti pestcoordinator': ['anti-pestcoordinator'],
  pestcoordinator: ['anti-pestcoordinator'],
  zorgcoordinator: ['zorgcoordinator'],
  'intern begeleider': ['zorgcoordinator'],
  orthopedagoog: ['orthopedagoog'],
  directie: ['directie'],
  directeur: ['directie'],
  rector: ['directie'],
  'conrector': ['directie'],
  beheerder: ['beheerder'],
  applicatiebeheerder: ['beheerder'],
  'functioneel beheerder': ['beheerder'],
};

// Presets: plausible default exports, invented here; an IT person adjusts them with a mapping file.
const PRESETS: Record<PresetName, Omit<MappingFile, 'preset'>> = {
  magister: {
    files: { students: ['leerlingen.csv'], staff: ['personeel.csv', 'medewerkers.csv'], classes: ['klassen.csv'], groups: ['lesgroepen.csv'] },
    columns: {
      students: { number: ['Stamnr', 'Stamnummer'], class: ['Klas'], year: ['Leerjaar', 'Lj'], firstName: ['Roepnaam'], prefix: ['Tussenv', 'Tussenvoegsel'], lastName: ['Achternaam'] },
      staff: { email: ['E-mail', 'E-mailadres'], firstName: ['Roepnaam'], prefix: ['Tussenv', 'Tussenvoegsel'], lastName: ['Achternaam'], roles: ['Functie', 'Functies'] },
      classes: { class: ['Klas'], year: ['Leerjaar', 'Lj'], mentor: ['Mentor e-mail', 'E-mail mentor'] },
      groups: { group: ['Lesgroep'], subject: ['Vak', 'Vakomschrijving'], class: ['Klas', 'Klassen'], teacher: ['Docent e-mail', 'E-mail docent'] },
    },
    roles: {},
  },
  somtoday: {
    files: { students: ['leerlingen.csv'], staff: ['medewerkers.csv'], classes: ['stamgroepen.csv', 'klassen.csv'], groups: ['lesgroepen.csv'] },
    columns: {
      students: { number: ['Leerlingnummer'], class: ['Stamgroep'], year: ['Leerjaar'], firstName: ['Voornaam', 'Roepnaam'], prefix: ['Voorvoegsel'], lastName: ['Achternaam'] },
      staff: { email: ['E-mailadres'], firstName: ['Voornaam', 'Roepnaam'], prefix: ['Voorvoegsel'], lastName: ['Achternaam'], roles: ['Rollen', 'Functie'] },
      classes: { class: ['Stamgroep'], year: ['Leerjaar'], mentor: ['Mentor (e-mailadres)', 'Mentor e-mailadres'] },
      groups: { group: ['Lesgroep'], subject: ['Vak'], class: ['Stamgroep', 'Stamgroepen'], teacher: ['Docent (e-mailadres)', 'Docent e-mailadres'] },
    },
    roles: {},
  },
};

/** A header or role name as compared: lower case, no accents, single spaces, no punctuation at the ends. */
export function normalise(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[\s.:*#_-]+|[\s.:*#_-]+$/g, '');
}

export class MappingError extends Error {
  override name = 'MappingError';
}

function resolve(preset: PresetName | undefined, file: MappingFile | undefined, source: string): Mapping {
  const base = preset ? PRESETS[preset] : undefined;
  const files = {} as Record<FileKind, string[]>;
  const columns = {} as Mapping['columns'];
  for (const kind of FILE_KINDS) {
    const names = file?.files[kind] ?? base?.files[kind];
    if (!names) throw new MappingError(`${source}: files.${kind}: no file name given (and no preset to take it from)`);
    files[kind] = names;
    columns[kind] = { ...(base?.columns[kind] ?? {}), ...(file?.columns[kind] ?? {}) } as never;
  }
  const roles = new Map<string, Role[]>();
  for (const [name, mapped] of Object.entries({ ...COMMON_ROLES, ...(base?.roles ?? {}), ...(file?.roles ?? {}) })) roles.set(normalise(name), mapped);
  return { source, files, columns, roles };
}

export function presetMapping(name: PresetName): Mapping {
  return resolve(name, undefined, `preset ${name}`);
}

/** Reads and checks a mapping file (YAML or JSON; JSON is YAML too). */
export function loadMappingFile(path: string, presetOverride?: PresetName): Mapping {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MappingError(code === 'ENOENT' ? `${path}: mapping file not found` : `${path}: not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = mappingFileSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MappingError(`${path}: ${issue.path.map(String).join('.') || 'file'}: ${issue.message}`);
  }
  const preset = presetOverride ?? result.data.preset;
  return resolve(preset, result.data, preset ? `${path} (on preset ${preset})` : path);
}
