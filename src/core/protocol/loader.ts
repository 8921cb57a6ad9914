import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { collectedAt, stepTargets } from './reach.js';
import { safeguardProblem } from './safeguard.js';
import { flowSchema, isAsking, type Flow, type Step } from './schema.js';

export class DialogFileError extends Error {
  override name = 'DialogFileError';
}

export interface SourceFile {
  /** Shown in error messages, e.g. `dialogs/menu.yaml`. */
  name: string;
  text: string;
}

/** What dialog files may refer to outside themselves. */
export interface FlowReferences {
  /** The commands, each with the answer keys it needs (command.ts `defineCommand`). */
  commands: ReadonlyMap<string, readonly string[]>;
  cards: ReadonlySet<string>;
  /** The commands that pass the safeguard for sexual images on in what they send (safeguard.ts). */
  passSafeguard?: ReadonlySet<string>;
  /** Whether a command takes an answer under a key (for a school's extra options); all when absent. */
  accepts?: (command: string, key: string, answer: unknown) => boolean;
}

/**
 * Validates flow files and the references between them. Throws a DialogFileError whose message
 * names the file and the step at fault.
 */
export function parseFlowFiles(files: SourceFile[], known: FlowReferences): LoadedFlows {
  const flows = new Map<string, { flow: Flow; file: string }>();
  for (const file of files) {
    let raw: unknown;
    try {
      raw = file.name.endsWith('.json') ? JSON.parse(file.text) : parseYaml(file.text);
    } catch (error) {
      throw new DialogFileError(`${file.name}: not valid ${file.name.endsWith('.json') ? 'JSON' : 'YAML'}: ${firstLine(error)}`);
    }
    const result = flowSchema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new DialogFileError(`${file.name}: ${describePath(issue.path)}: ${issue.message}`);
    }
    const flow = result.data;
    const earlier = flows.get(flow.id);
    if (earlier) throw new DialogFileError(`${file.name}: flow id "${flow.id}" is already used by ${earlier.file}`);
    flows.set(flow.id, { flow, file: file.name });
  }
  const warnings = checkFlowSet(flows, known);
  return { flows: new Map([...flows].map(([id, { flow }]) => [id, flow])), warnings, files: new Map([...flows].map(([id, { file }]) => [id, file])) };
}

/**
 * Checks a whole set of flows, each with the file it came from: the references between steps and flows,
 * the audiences, the commands and cards, the answers each command needs, and the safeguard for sexual
 * images. Used for the dialog files, and again for a school's dialogs after its own texts and options
 * (school-protocol.ts). Throws a DialogFileError naming the file and the step; returns the warnings.
 */
export function checkFlowSet(flows: ReadonlyMap<string, { flow: Flow; file: string }>, known: FlowReferences): string[] {
  const warnings: string[] = [];
  for (const { flow, file } of flows.values()) {
    const at = (stepId: string) => `${file}: step "${stepId}"`;
    if (!flow.steps[flow.start]) throw new DialogFileError(`${file}: start "${flow.start}" is not a step of this flow`);
    if (flow.instead && !flows.has(flow.instead)) warnings.push(`${file}: flow "${flow.instead}" (instead) is not installed`);
    for (const [stepId, step] of Object.entries(flow.steps)) {
      for (const target of stepTargets(step)) {
        if (!flow.steps[target]) throw new DialogFileError(`${at(stepId)}: "${target}" is not a step of this flow`);
      }
      for (const target of flowTargets(step)) {
        // A school may leave a procedure out; the option is then hidden, not an error.
        if (!flows.has(target)) warnings.push(`${at(stepId)}: flow "${target}" is not installed; its option is hidden`);
      }
      // A form's fields are questions too, each with its own key and audience.
      const questions: Array<[string, { type: string; audience?: string | undefined }]> =
        step.type === 'form' ? step.fields.map((f) => [`${at(stepId)}: field "${f.key}"`, f]) : isAsking(step) ? [[at(stepId), step]] : [];
      for (const [where, question] of questions) {
        // A flow that keeps a record says, for every question, who may read the answer.
        if (flow.draft && !question.audience) {
          throw new DialogFileError(`${where}: a question of a flow with a draft needs an audience (kernteam, teachers or requester)`);
        }
        // Typed text never reaches teachers: what they see is chosen from fixed options.
        if (question.type === 'text' && question.audience === 'teachers') {
          throw new DialogFileError(`${where}: free text cannot have the audience teachers; offer choices instead`);
        }
      }
      if (step.type === 'form') {
        const keys = new Set(Object.values(flow.steps).flatMap((other) => (other !== step && isAsking(other) ? [other.key] : [])));
        const twice = step.fields.find((f) => keys.has(f.key));
        if (twice) throw new DialogFileError(`${at(stepId)}: field "${twice.key}" has the key of another question of this flow`);
      }
      if (step.type === 'command' && !known.commands.has(step.command)) {
        throw new DialogFileError(`${at(stepId)}: unknown command "${step.command}"`);
      }
      if (step.type === 'card' && !known.cards.has(step.template)) {
        throw new DialogFileError(`${at(stepId)}: card template "${step.template}" does not exist in cards/`);
      }
    }
  }
  for (const { flow, file } of flows.values()) checkAnswers(flow, file, flows, known);
  const unsafe = safeguardProblem(flows, known.passSafeguard ?? new Set());
  if (unsafe) throw new DialogFileError(unsafe);
  return warnings;
}

/** The answers a flow starts with: those it is `given`, and the draft's id in a flow that keeps a draft. */
function startAnswers(flow: Flow): string[] {
  return [...flow.given, ...(flow.draft ? ['draftId'] : [])];
}

/**
 * The contract between dialog files and commands: every command step is reached only with the answers
 * its command needs, and every start of a flow from another one hands over the answers it is given.
 */
function checkAnswers(flow: Flow, file: string, flows: ReadonlyMap<string, { flow: Flow }>, known: FlowReferences): void {
  const at = (stepId: string) => `${file}: step "${stepId}"`;
  const typed = flow.triggers.nl.length + flow.triggers.en.length > 0;
  if (typed && flow.given.length) throw new DialogFileError(`${file}: a flow that can be started by typing cannot be given answers (${flow.given.join(', ')})`);
  const collected = collectedAt(flow, startAnswers(flow));
  for (const [stepId, has] of collected) {
    const step = flow.steps[stepId]!;
    if (step.type === 'command') {
      const missing = (known.commands.get(step.command) ?? []).filter((key) => !has.has(key));
      if (missing.length) {
        throw new DialogFileError(`${at(stepId)}: command "${step.command}" needs the answer ${missing.map((k) => `"${k}"`).join(', ')}, which not every path to this step collects`);
      }
    }
    const after = new Set(has);
    if (isAsking(step)) after.add(step.key);
    if (step.type === 'form') for (const f of step.fields) after.add(f.key);
    const starts: Array<[string, string[]]> =
      step.type === 'choice' ? step.options.flatMap((o) => (o.flow ? [[o.flow, o.carry] as [string, string[]]] : [])) : step.type === 'pick' && step.flow ? [[step.flow, [step.key]]] : [];
    for (const [target, handed] of starts) {
      const needed = flows.get(target)?.flow.given ?? [];
      const missing = needed.filter((key) => !handed.includes(key) || !after.has(key));
      if (missing.length) throw new DialogFileError(`${at(stepId)}: flow "${target}" is given ${missing.map((k) => `"${k}"`).join(', ')}, which this step does not hand over`);
    }
  }
}

export interface LoadedFlows {
  flows: Map<string, Flow>;
  /** Things a school may do on purpose but should know about, logged at start-up. */
  warnings: string[];
  /** The file each flow came from, by flow id (for messages about a school's overrides of it). */
  files: ReadonlyMap<string, string>;
}

/** Reads every .yaml, .yml and .json file in a directory. */
export function loadFlows(dir: string, known: FlowReferences): LoadedFlows {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
  } catch {
    throw new DialogFileError(`${dir}: dialogs directory cannot be read`);
  }
  const files = names.map((n) => ({ name: join(dir, n), text: readFileSync(join(dir, n), 'utf8') }));
  return parseFlowFiles(files, known);
}

function flowTargets(step: Step): string[] {
  if (step.type === 'pick') return [step.flow].filter(isString);
  return step.type === 'choice' ? step.options.map((o) => o.flow).filter(isString) : [];
}

function describePath(path: PropertyKey[]): string {
  if (path[0] === 'steps' && path.length > 1) {
    const rest = path.slice(2).map(String).join('.');
    return `step "${String(path[1])}"${rest ? `: ${rest}` : ''}`;
  }
  return path.length ? path.map(String).join('.') : 'file';
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

function isString(v: string | undefined): v is string {
  return typeof v === 'string';
}
