/**
 * npm run school:check -- <id or path>: checks a school without starting Zorgpad: the school file (and
 * its translations), and its folder with the school's own protocol (schools/<id>/: protocol.yaml,
 * texts.yaml), against the dialogs and cards. Exit 0 with a short summary, or 1 with the first problem,
 * naming the file, the line and the step.
 *
 *   npm run school:check -- lyceum                    → schools/lyceum.yaml and schools/lyceum/
 *   npm run school:check -- test/fixtures/schools/lyceum.yaml
 *   npm run school:check -- test/fixtures/schools/lyceum   (the folder: its school file is next to it)
 */
import { existsSync, statSync } from 'node:fs';
import { COMMAND_ACCEPTS, COMMAND_ANSWERS, COMMANDS_PASSING_SAFEGUARD } from '../src/core/app/commands.js';
import { CardRenderer } from '../src/core/cards/render.js';
import { SchoolFileError } from '../src/core/people/school.js';
import { loadFlows } from '../src/core/protocol/loader.js';
import { protocolSummary, readSchoolProtocol } from '../src/core/protocol/school-protocol.js';
import { shownPath } from '../src/core/protocol/yaml-file.js';
import { readSchoolVersion } from '../src/school-reload.js';

/** The school file an argument means: a file, a school's folder (its file next to it), or an id in schools/. */
export function schoolFileFor(arg: string): string {
  const bare = arg.replace(/\/+$/, '');
  if (existsSync(bare) && statSync(bare).isFile()) return bare;
  if (existsSync(bare) && statSync(bare).isDirectory()) return `${bare}.yaml`;
  if (/^[a-z0-9-]+$/.test(bare)) return `schools/${bare}.yaml`;
  return bare;
}

function problem(error: unknown): string {
  if (error instanceof SchoolFileError) {
    const { file, line, path, problem } = error.where;
    return `${file}${line ? `:${line}` : ''}: ${path ? `${path}: ` : ''}${problem}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function main(args: string[]): number {
  const arg = args.find((a) => a !== '--');
  if (!arg) {
    console.error('usage: npm run school:check -- <id or path>   (e.g. lyceum, or schools/lyceum.yaml)');
    return 2;
  }
  const schoolFile = schoolFileFor(arg);
  try {
    const version = readSchoolVersion(schoolFile);
    const cards = CardRenderer.load(process.env.ZORGPAD_CARDS_DIR ?? './cards');
    const known = { commands: COMMAND_ANSWERS, passSafeguard: COMMANDS_PASSING_SAFEGUARD, accepts: COMMAND_ACCEPTS, cards: new Set(cards.names) };
    const dialogs = loadFlows(process.env.ZORGPAD_DIALOGS_DIR ?? './dialogs', known);
    const protocol = readSchoolProtocol(schoolFile, version.school, dialogs, known);
    const { school } = version;
    console.log(`ok: ${shownPath(schoolFile)}: ${school.name} (${school.id}): ${school.staff.length} staff, ${school.classes.length} classes, ${school.students.length} students`);
    for (const line of protocolSummary(protocol, school.locale)) console.log(`  ${line}`);
    for (const warning of protocol.warnings) console.log(`  warning: ${warning}`);
    return 0;
  } catch (error) {
    console.error(`school:check: ${problem(error)}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
