// Longer than 350 lines: the school's own protocol files: their schema, the checks within the law, and how
// they are applied.
/**
 * The school's own protocol, without touching the code: a folder named after the school file's `id`,
 * next to it (`schools/lyceum.yaml` → `schools/lyceum/`), may hold
 *
 * - `protocol.yaml`: contacts (anti-pestcoördinator, vertrouwenspersoon: who and how to reach them,
 *   added to the advice that names them), terms (settings the school file has too; these win), the
 *   kernteam's criteria, and the sanctions ladder (which rungs, in which order, their labels, who applies
 *   them; suspension and expulsion stay decided by the directie and reported as the law says);
 * - `texts.yaml` and `texts/*.yaml`: texts of any dialog step by flow id and step id, and extra options
 *   for choice steps that only go to steps of the same dialog.
 *
 * Every file is checked with zod and against the dialogs; an error names the file, the line and the
 * step (`schools/lyceum/texts.yaml:14: pesten-melden/plek: …`). The dialogs with the school's texts are
 * checked again whole, as the dialog files are (references, answers for commands, the safeguard).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { decidedByDirectie, DEFAULT_LADDER, lawful, protocolVersion, reportedToInspectie } from '../cases/ladder.js';
import type { CaseProtocol, LadderRung } from '../cases/model.js';
import { translator, type Locale } from '../i18n/index.js';
import { schoolFileSchema, type SchoolFile } from '../people/school.js';
import { checkFlowSet, DialogFileError, type FlowReferences, type LoadedFlows } from './loader.js';
import { isAsking, localizedSchema, questionsOf, type Flow, type Localized, type Step } from './schema.js';
import { readYamlFile, SchoolProtocolError, shownPath, type YamlFile } from './yaml-file.js';

export { SchoolProtocolError } from './yaml-file.js';

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes');

/** A contact the advice names: who, and how to reach them (a room, an address, a phone number). */
const contactSchema = z.strictObject({
  name: z.string().min(1).max(100),
  reach: localizedSchema,
});
export const CONTACT_ROLES = ['anti-pestcoordinator', 'vertrouwenspersoon'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

/**
 * Terms: settings the school file has too (school.ts), by the same names; protocol.yaml's win. Their
 * bounds are the school file's: the school file with them is checked again.
 */
const TERMS: Record<string, readonly [section: 'protocol' | 'reminders' | 'exceptions', field: string]> = {
  repetitionWindowDays: ['protocol', 'repetitionWindowDays'],
  reminderTime: ['protocol', 'reminderTime'],
  nudgeDays: ['reminders', 'nudgeDays'],
  missedReviewDays: ['reminders', 'missedReviewDays'],
  reviewWeeks: ['exceptions', 'reviewWeeks'],
  reviewNoticeSchoolDays: ['exceptions', 'reviewNoticeSchoolDays'],
  decisionSchoolDays: ['exceptions', 'decisionSchoolDays'],
};
const termsSchema = z.strictObject({
  /** A new report within this many days of an earlier case counts as repetition. */
  repetitionWindowDays: z.number().int().optional(),
  /** When reminders about agreements are due on their date, HH:MM. */
  reminderTime: z.string().optional(),
  /** An open case without a recorded step for this many days: the one working it is reminded. */
  nudgeDays: z.number().int().optional(),
  /** A review this many days overdue is reported to the zorgcoördinator too. */
  missedReviewDays: z.number().int().optional(),
  /** Weeks to the first review of an exception. */
  reviewWeeks: z.strictObject({ tijdelijk: z.number().int().optional(), structureel: z.number().int().optional() }).optional(),
  reviewNoticeSchoolDays: z.number().int().optional(),
  decisionSchoolDays: z.number().int().optional(),
});
export type Terms = z.infer<typeof termsSchema>;

const rungSchema = z.strictObject({
  rung: idSchema,
  /** Said in sentences: "Vastgelegd: {label} voor …". */
  label: localizedSchema.optional(),
  /** Offered in the measure dialog. */
  option: localizedSchema.optional(),
  /** Offered to the CLZ for a rung the directie decides. */
  proposal: localizedSchema.optional(),
  appliedBy: z.array(z.string()).optional(),
  decidedBy: z.string().optional(),
  inspectie: z.boolean().optional(),
});

const protocolFileSchema = z.strictObject({
  contacts: z.strictObject({ 'anti-pestcoordinator': contactSchema.optional(), vertrouwenspersoon: contactSchema.optional() }).optional(),
  terms: termsSchema.optional(),
  /** The kernteam's criteria for a phone-ban exception (the school file's `exceptions.criteria`). */
  criteria: z.array(z.string().min(1).max(200)).max(10).optional(),
  sanctions: z.strictObject({ ladder: z.array(rungSchema).min(1, 'expected at least one rung') }).optional(),
});
type ProtocolFile = z.infer<typeof protocolFileSchema>;

const extraOptionSchema = z.strictObject({
  value: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes'),
  label: localizedSchema,
  /** The step it goes to: one of the same dialog. An extra option never starts a flow or a command of its own. */
  goto: idSchema,
});
const stepTextsSchema = z.strictObject({
  prompt: localizedSchema.optional(),
  text: localizedSchema.optional(),
  help: localizedSchema.optional(),
  empty: localizedSchema.optional(),
  /** Labels of a choice step's options, by value. */
  options: z.record(z.string(), localizedSchema).optional(),
  /** A card step's texts, by placeholder. */
  texts: z.record(z.string(), localizedSchema).optional(),
  extraOptions: z.array(extraOptionSchema).optional(),
});
const textsFileSchema = z.record(idSchema, z.record(idSchema, stepTextsSchema));
type StepTexts = z.infer<typeof stepTextsSchema>;

/** The school's protocol as Zorgpad runs it: the dialogs with its texts, its ladder, its terms. */
export interface SchoolProtocol {
  /** The folder read (null: the school has none; the built-in protocol). */
  folder: string | null;
  /** The files read from it, as shown. */
  files: string[];
  ladder: LadderRung[];
  /** What a new case keeps: the version and the ladder. */
  caseProtocol: CaseProtocol;
  terms: Terms;
  criteria?: string[];
  contacts: Partial<Record<ContactRole, { name: string; reach: Localized }>>;
  /** The dialogs with the school's texts and options. */
  flows: Map<string, Flow>;
  /** Counts for a summary (school:check, the start-up log). */
  counts: { texts: number; extraOptions: number; contacts: number; terms: number };
  warnings: string[];
}

/** The school's folder: named after its id, next to the school file. */
export function schoolFolder(schoolFile: string, schoolId: string): string {
  return resolve(dirname(schoolFile), schoolId);
}

/**
 * Reads and checks the school's folder against the dialogs as loaded from the dialog files. Throws a
 * SchoolProtocolError (file, line, step) or a DialogFileError on the first problem.
 */
export function readSchoolProtocol(schoolFile: string, school: SchoolFile, base: LoadedFlows, known: FlowReferences): SchoolProtocol {
  const folder = schoolFolder(schoolFile, school.id);
  const exists = existsSync(folder) && statSync(folder).isDirectory();
  const files: string[] = [];
  const warnings: string[] = [];
  let parsed: ProtocolFile = {};
  let protocolFile: YamlFile | null = null;
  if (exists && existsSync(join(folder, 'protocol.yaml'))) {
    protocolFile = readYamlFile(join(folder, 'protocol.yaml'));
    files.push(protocolFile.name);
    parsed = parseWith(protocolFile, protocolFileSchema, (path) => describeProtocolPath(protocolFile!, path));
  }
  const ladder = protocolFile && parsed.sanctions ? checkLadder(protocolFile, parsed.sanctions.ladder, warnings) : DEFAULT_LADDER.map(lawful);
  const terms = parsed.terms ?? {};
  if (protocolFile && (parsed.terms || parsed.criteria)) withSchoolTermsChecked(school, terms, parsed.criteria, protocolFile);

  const flows = new Map([...base.flows].map(([id, flow]) => [id, structuredClone(flow)]));
  const overridden = new Map<string, { file: YamlFile; line: number | undefined }>();
  const counts = { texts: 0, extraOptions: 0, contacts: 0, terms: countTerms(terms) + (parsed.criteria ? 1 : 0) };
  if (exists) {
    for (const file of textFiles(folder)) {
      files.push(file.name);
      const texts = parseWith(file, textsFileSchema, (path) => (path.length >= 2 ? [`${String(path[0])}/${String(path[1])}`, 2] : undefined));
      for (const [flowId, steps] of Object.entries(texts)) {
        const flow = flows.get(flowId) ?? file.fail([flowId], flowId, `flow "${flowId}" does not exist`);
        const earlier = overridden.get(flowId);
        if (earlier && earlier.file !== file) file.fail([flowId], flowId, `texts of this flow are already given in ${earlier.file.name}`);
        overridden.set(flowId, { file, line: file.lineOf([flowId]) });
        for (const [stepId, change] of Object.entries(steps)) {
          const applied = applyStepTexts(file, flow, stepId, change, known);
          counts.texts += applied.texts;
          counts.extraOptions += applied.extraOptions;
        }
      }
    }
  }
  const contacts = parsed.contacts ?? {};
  for (const role of CONTACT_ROLES) {
    const contact = contacts[role];
    if (contact) counts.contacts += 1;
    if (contact) for (const flow of flows.values()) addContact(flow, role, contact);
  }
  // The dialogs with the school's texts, checked whole again; a problem is the school's file's.
  try {
    warnings.push(...checkFlowSet(new Map([...flows].map(([id, flow]) => [id, { flow, file: base.files.get(id) ?? id }])), known).filter((w) => !base.warnings.includes(w)));
  } catch (error) {
    if (!(error instanceof DialogFileError)) throw error;
    const blamed = [...overridden].find(([id]) => error.message.includes(base.files.get(id) ?? `\0`));
    const [flowId, where] = blamed ?? [...overridden][0] ?? [];
    if (!where || !flowId) throw error;
    throw new SchoolProtocolError({ file: where.file.name, ...(where.line ? { line: where.line } : {}), at: flowId, problem: `with these texts and options the dialog is not right: ${error.message}` });
  }
  if (exists && files.length === 0) warnings.push(`${shownPath(folder)}: the folder has no protocol.yaml and no texts; the built-in protocol applies`);
  const version = protocolVersion(ladder, { terms, criteria: parsed.criteria ?? null });
  return {
    folder: exists ? folder : null,
    files,
    ladder,
    caseProtocol: { version, ladder },
    terms,
    ...(parsed.criteria ? { criteria: parsed.criteria } : {}),
    contacts,
    flows,
    counts,
    warnings,
  };
}

/** The school file with the protocol's terms and criteria in place of its own (what Zorgpad runs with). */
export function withSchoolTerms(school: SchoolFile, protocol: Pick<SchoolProtocol, 'terms' | 'criteria'>): SchoolFile {
  const merged = structuredClone(school) as unknown as Record<string, Record<string, unknown>>;
  for (const [key, value] of Object.entries(protocol.terms)) {
    const place = TERMS[key];
    if (!place || value === undefined) continue;
    const [section, field] = place;
    merged[section]![field] = typeof value === 'object' ? { ...(merged[section]![field] as object), ...dropUndefined(value) } : value;
  }
  if (protocol.criteria) merged.exceptions!.criteria = protocol.criteria;
  return merged as unknown as SchoolFile;
}

/**
 * The protocol Zorgpad runs with, swappable as a whole: the dialogs (one map, read by the assistant,
 * whose contents are replaced) and what a new case keeps. A reload reads the next version with `read`
 * (it throws when something is wrong, and then nothing changes) and swaps it in with `replace`.
 */
export class ActiveProtocol {
  /** The dialogs the assistant runs: the same map for as long as Zorgpad runs. */
  readonly flows: Map<string, Flow>;
  private protocol: SchoolProtocol;

  private constructor(
    private readonly base: LoadedFlows,
    private readonly known: FlowReferences,
    first: SchoolProtocol,
  ) {
    this.protocol = first;
    this.flows = new Map(first.flows);
  }

  /** Reads the school's folder at start; throws on the first problem. */
  static open(schoolFile: string, school: SchoolFile, base: LoadedFlows, known: FlowReferences): ActiveProtocol {
    return new ActiveProtocol(base, known, readSchoolProtocol(schoolFile, school, base, known));
  }

  get current(): SchoolProtocol {
    return this.protocol;
  }

  /** Reads the folder again for this version of the school file, checked; throws and changes nothing on a problem. */
  read(schoolFile: string, school: SchoolFile): SchoolProtocol {
    return readSchoolProtocol(schoolFile, school, this.base, this.known);
  }

  /** Swaps a version read with `read` in: the dialogs at once, and new cases get its ladder. */
  replace(next: SchoolProtocol): void {
    this.protocol = next;
    this.flows.clear();
    for (const [id, flow] of next.flows) this.flows.set(id, flow);
  }

  /** What a case opened now keeps (CaseServiceDeps.protocol). */
  readonly caseProtocol = (): CaseProtocol => this.protocol.caseProtocol;
}

/** A one-paragraph summary of what the folder changes, for school:check and the start-up log. */
export function protocolSummary(p: SchoolProtocol, locale: Locale = 'nl'): string[] {
  if (!p.folder) return ['no school folder: the built-in protocol'];
  return [
    `folder ${shownPath(p.folder)} (${p.files.length ? p.files.join(', ') : 'empty'})`,
    `sanctions ladder: ${p.ladder.map((r) => `${r.id}${r.decidedBy ? ' [directie]' : r.appliedBy.includes('mentor') ? '' : ' [clz]'}`).join(' → ')}`,
    `labels: ${p.ladder.map((r) => r.label[locale]).join('; ')}`,
    `texts changed: ${p.counts.texts}, extra options: ${p.counts.extraOptions}, contacts: ${p.counts.contacts}, terms: ${p.counts.terms}`,
    `protocol version ${p.caseProtocol.version}`,
  ];
}

/**
 * Parses a file with its schema; the first problem is thrown at its line. `at` names what the path is
 * about (a step, a rung) and how many of its parts that takes; the rest of the path goes with the problem.
 */
function parseWith<T>(file: YamlFile, schema: z.ZodType<T>, at: (path: Array<string | number>) => [string, number] | undefined): T {
  const result = schema.safeParse(file.data ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
  const full = issue.code === 'unrecognized_keys' && issue.keys[0] ? [...path, issue.keys[0]] : path;
  const [what, used] = at(path) ?? [undefined, 0];
  const rest = path.slice(used).join('.');
  const problem = issue.code === 'unrecognized_keys' ? `unknown field "${issue.keys[0]}"` : `${rest ? `${rest}: ` : ''}${issue.message}`;
  return file.fail(full, what, problem);
}

function describeProtocolPath(file: YamlFile, path: Array<string | number>): [string, number] | undefined {
  if (path[0] === 'sanctions' && path[1] === 'ladder' && typeof path[2] === 'number') {
    const rung = (file.data as { sanctions?: { ladder?: Array<{ rung?: unknown }> } }).sanctions?.ladder?.[path[2]]?.rung ?? '?';
    return [`sanctions.ladder.${path[2]} (${String(rung)})`, 3];
  }
  return undefined;
}

/**
 * The school's ladder, checked: known rungs keep what the law fixes (the directie decides suspension and
 * expulsion; a longer suspension and an expulsion are reported to the Inspectie) and a file that says
 * otherwise is refused; the school's own rungs are applied by the one working the case.
 */
function checkLadder(file: YamlFile, rungs: Array<z.infer<typeof rungSchema>>, warnings: string[]): LadderRung[] {
  const seen = new Set<string>();
  const ladder = rungs.map((given, i): LadderRung => {
    const at = `sanctions.ladder.${i} (${given.rung})`;
    const path = (field?: string) => ['sanctions', 'ladder', i, ...(field ? [field] : [])];
    if (seen.has(given.rung)) file.fail(path('rung'), at, `rung "${given.rung}" is on the ladder twice`);
    seen.add(given.rung);
    const known = DEFAULT_LADDER.find((r) => r.id === given.rung);
    if (decidedByDirectie(given.rung)) {
      if (given.decidedBy !== undefined && given.decidedBy !== 'directie') {
        file.fail(path('decidedBy'), at, `the law leaves ${given.rung} to the directie (bevoegd gezag); a school cannot let "${given.decidedBy}" decide it. Leave decidedBy out or write directie`);
      }
      if (given.appliedBy !== undefined && given.appliedBy.length > 0) {
        file.fail(path('appliedBy'), at, `${given.rung} is decided by the directie after hearing the student and the parents (the CLZ proposes it); it cannot be applied by ${given.appliedBy.join(', ')}. Leave appliedBy out`);
      }
      if (given.inspectie !== undefined && given.inspectie !== reportedToInspectie(given.rung)) {
        file.fail(path('inspectie'), at, reportedToInspectie(given.rung) ? `the law has a decision on ${given.rung} reported to the Inspectie; a school cannot switch that off` : `a one-day suspension is not reported to the Inspectie by law; leave inspectie out`);
      }
    } else {
      if (given.decidedBy !== undefined) {
        file.fail(path('decidedBy'), at, `only suspension and expulsion (schorsing-dag, schorsing-lang, verwijdering) are decided by the directie; "${given.rung}" is applied by the one working the case (appliedBy)`);
      }
      if (given.inspectie !== undefined) file.fail(path('inspectie'), at, 'only a longer suspension and an expulsion are reported to the Inspectie; leave inspectie out');
      if (given.proposal !== undefined) file.fail(path('proposal'), at, 'only a rung the directie decides is proposed; leave proposal out');
      const wrong = (given.appliedBy ?? []).find((who) => who !== 'clz' && who !== 'mentor');
      if (wrong) {
        file.fail(path('appliedBy'), at, wrong === 'directie' ? 'the directie may apply every rung already; appliedBy names clz and mentor (after consulting the CLZ)' : `"${wrong}" cannot apply a measure: appliedBy names clz and mentor (after consulting the CLZ)`);
      }
      if (given.appliedBy && !given.appliedBy.includes('clz')) {
        file.fail(path('appliedBy'), at, 'the CLZ applies every rung a mentor may apply (a mentor only after consulting the CLZ): add clz');
      }
      if (!known && !given.label) file.fail(path('rung'), at, `"${given.rung}" is not a rung Zorgpad knows (${DEFAULT_LADDER.map((r) => r.id).join(', ')}); a rung of the school's own needs a label (nl and en)`);
      // A rung of the school's own that is a suspension or an expulsion under another name would escape the
      // directie's decision and the report to the Inspectie: refused.
      const words = [given.rung, given.label?.nl, given.label?.en, given.option?.nl, given.option?.en].filter(Boolean).join(' ');
      if (!known && /schors|verwijder|suspen|expel|expul|exclu/i.test(words)) {
        file.fail(path('rung'), at, `"${given.rung}" reads as a suspension or expulsion: those are schorsing-dag, schorsing-lang and verwijdering, decided by the directie (and reported to the Inspectie where the law says so); use those rungs`);
      }
    }
    const label = given.label ?? known!.label;
    const option = given.option ?? (given.label ? { nl: capital(label.nl), en: capital(label.en) } : known!.option);
    return lawful({
      id: given.rung,
      label,
      option,
      ...(given.proposal ? { proposal: given.proposal } : known?.proposal && !given.option && !given.label ? { proposal: known.proposal } : {}),
      appliedBy: given.appliedBy ? (given.appliedBy as Array<'clz' | 'mentor'>) : known ? [...known.appliedBy] : ['clz', 'mentor'],
    });
  });
  const missing = DEFAULT_LADDER.filter((r) => decidedByDirectie(r.id) && !seen.has(r.id)).map((r) => r.id);
  if (missing.length) {
    warnings.push(`${file.name}: sanctions.ladder: ${missing.join(', ')} is not on the ladder; the directie decides it all the same, outside Zorgpad`);
  }
  return ladder;
}

/** Checks the school file with the protocol's terms: their bounds are the school file's. */
function withSchoolTermsChecked(school: SchoolFile, terms: Terms, criteria: string[] | undefined, file: YamlFile): void {
  const merged = withSchoolTerms(school, { terms, ...(criteria ? { criteria } : {}) });
  const result = schoolFileSchema.safeParse(merged);
  if (result.success) return;
  const issue = result.error.issues[0]!;
  const [section, field, ...rest] = issue.path.map(String);
  const term = Object.entries(TERMS).find(([, place]) => place[0] === section && place[1] === field)?.[0];
  const path = section === 'exceptions' && field === 'criteria' ? ['criteria', ...rest] : term ? ['terms', term, ...rest] : ['terms'];
  file.fail(path, path.join('.'), issue.message);
}

function countTerms(terms: Terms): number {
  return Object.values(terms).filter((v) => v !== undefined).length;
}

function textFiles(folder: string): YamlFile[] {
  const files: YamlFile[] = [];
  for (const name of ['texts.yaml', 'texts.yml']) if (existsSync(join(folder, name))) files.push(readYamlFile(join(folder, name)));
  const dir = join(folder, 'texts');
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) files.push(readYamlFile(join(dir, name)));
  }
  return files;
}

/** Which texts a step has, by field of texts.yaml. */
function textFieldsOf(step: Step): Array<keyof StepTexts> {
  const fields: Array<keyof StepTexts> = [];
  if (isAsking(step) || step.type === 'form') fields.push('prompt');
  if (step.type === 'message' || step.type === 'end') fields.push('text');
  if (step.type !== 'branch' && step.type !== 'command' && step.type !== 'card' && step.type !== 'end') fields.push('help');
  if (step.type === 'pick') fields.push('empty');
  if (step.type === 'choice') fields.push('options', 'extraOptions');
  if (step.type === 'card') fields.push('texts');
  return fields;
}

/** Puts one step's texts and extra options in place, checking each against the step. */
function applyStepTexts(file: YamlFile, flow: Flow, stepId: string, change: StepTexts, known: FlowReferences): { texts: number; extraOptions: number } {
  const at = `${flow.id}/${stepId}`;
  const path = (...rest: Array<string | number>) => [flow.id, stepId, ...rest];
  const step = flow.steps[stepId];
  if (!step) file.fail(path(), at, `"${stepId}" is not a step of this flow (its steps: ${Object.keys(flow.steps).join(', ')})`);
  const allowed = textFieldsOf(step);
  let texts = 0;
  let extraOptions = 0;
  // The placeholders a text may use: the flow's answers, and those the text it replaces used.
  const answers = new Set([...questionsOf(flow).map((q) => q.key), ...flow.given, 'draftId']);
  const checkPlaceholders = (text: Localized, before: Localized | undefined, where: Array<string | number>) => {
    for (const locale of ['nl', 'en'] as const) {
      for (const [, name] of text[locale].matchAll(/\{(\w+)\}/g)) {
        if (!answers.has(name!) && !(before?.[locale] ?? '').includes(`{${name}}`)) {
          file.fail([...where, locale], at, `{${name}} is not an answer of this dialog (${[...answers].join(', ') || 'none'})`);
        }
      }
    }
  };
  for (const field of Object.keys(change) as Array<keyof StepTexts>) {
    if (change[field] === undefined) continue;
    if (!allowed.includes(field)) {
      const hint = step.type === 'pick' && field === 'options' ? '; its options come from Zorgpad (for the measures: the ladder in protocol.yaml)' : '';
      file.fail(path(field), at, `a ${step.type} step has no "${field}"${allowed.length ? ` (it has ${allowed.join(', ')})` : ''}${hint}`);
    }
  }
  const target = step as Record<string, unknown>;
  for (const field of ['prompt', 'text', 'help', 'empty'] as const) {
    const text = change[field];
    if (!text) continue;
    checkPlaceholders(text, target[field] as Localized | undefined, path(field));
    target[field] = text;
    texts += 1;
  }
  if (change.texts && step.type === 'card') {
    for (const [key, text] of Object.entries(change.texts)) {
      if (!step.texts[key]) file.fail(path('texts', key), at, `"${key}" is not a text of this card (it has ${Object.keys(step.texts).join(', ') || 'none'})`);
      checkPlaceholders(text, step.texts[key], path('texts', key));
      step.texts[key] = text;
      texts += 1;
    }
  }
  if (step.type === 'choice') {
    for (const [value, label] of Object.entries(change.options ?? {})) {
      const option = step.options.find((o) => o.value === value);
      if (!option) file.fail(path('options', value), at, `option "${value}" is not an option of that step (its options: ${step.options.map((o) => o.value).join(', ')})`);
      option.label = label;
      texts += 1;
    }
    (change.extraOptions ?? []).forEach((extra, i) => {
      const where = path('extraOptions', i);
      if (step.options.some((o) => o.value === extra.value)) file.fail([...where, 'value'], at, `option "${extra.value}" is already an option of that step`);
      if (!flow.steps[extra.goto]) file.fail([...where, 'goto'], at, `"${extra.goto}" is not a step of this flow`);
      if (extra.goto === stepId) file.fail([...where, 'goto'], at, 'an option cannot go back to its own step');
      // The answer may reach a command of this dialog: it must be one that command takes.
      const answer = { value: step.multiple ? [extra.value] : extra.value, display: extra.label.nl };
      for (const other of Object.values(flow.steps)) {
        if (other.type === 'command' && known.accepts && !known.accepts(other.command, step.key, answer)) {
          file.fail([...where, 'value'], at, `option "${extra.value}" cannot be used here: the answer "${step.key}" goes to the command "${other.command}", which takes only the options the dialog has`);
        }
      }
      step.options.push({ value: extra.value, label: extra.label, goto: extra.goto, carry: [] });
      extraOptions += 1;
    });
  }
  return { texts, extraOptions };
}

const CONTACT_WORDS: Record<ContactRole, RegExp> = {
  'anti-pestcoordinator': /anti-pestco[öo]rdinator/i,
  vertrouwenspersoon: /vertrouwenspersoon/i,
};

/** The advice that names the anti-pestcoördinator or the vertrouwenspersoon says who that is at this school, and how to reach them. */
function addContact(flow: Flow, role: ContactRole, contact: { name: string; reach: Localized }): void {
  const line = (locale: Locale) => translator(locale)(`protocol.contact.${role}`, { name: contact.name, reach: contact.reach[locale] });
  const add = (text: Localized): Localized =>
    CONTACT_WORDS[role].test(text.nl) && !text.nl.includes(contact.name) ? { nl: `${text.nl}\n\n${line('nl')}`, en: `${text.en}\n\n${line('en')}` } : text;
  for (const step of Object.values(flow.steps)) {
    if (step.type === 'message' || step.type === 'end') {
      if (step.text) step.text = add(step.text);
    }
    if (step.type === 'card') for (const key of Object.keys(step.texts)) if (key === 'text') step.texts[key] = add(step.texts[key]!);
    if ('help' in step && step.help) step.help = add(step.help);
  }
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function dropUndefined(value: object): object {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
