import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { isNode, isPair, isMap, LineCounter, parseDocument, type Document } from 'yaml';

/** Where a school's file is wrong: file, line and what (a step, a rung); the values themselves are not repeated. */
export interface FileProblem {
  file: string;
  line?: number;
  /** What in the file: `pesten-melden/plek`, `sanctions.ladder.2 (verwijdering)`. */
  at?: string;
  problem: string;
}

/** A file a school writes is wrong. The message reads `file:line: at: problem`. */
export class SchoolProtocolError extends Error {
  override name = 'SchoolProtocolError';
  constructor(readonly where: FileProblem) {
    super(`${where.file}${where.line ? `:${where.line}` : ''}: ${where.at ? `${where.at}: ` : ''}${where.problem}`);
  }
}

/** A path as people read it in messages: relative to the working directory when inside it. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export interface YamlFile {
  /** As shown in messages. */
  name: string;
  data: unknown;
  /** The 1-based line of the value at a path (or of the nearest enclosing part that is in the file). */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
  /** Throws a SchoolProtocolError at the line of `path`. */
  fail(path: ReadonlyArray<string | number>, at: string | undefined, problem: string): never;
}

/** Reads a YAML file with line numbers; a YAML error is thrown with its line. */
export function readYamlFile(path: string): YamlFile {
  const name = shownPath(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SchoolProtocolError({ file: name, problem: 'cannot be read' });
  }
  return parseYamlText(name, text);
}

export function parseYamlText(name: string, text: string): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    throw new SchoolProtocolError({ file: name, ...(error.linePos?.[0]?.line ? { line: error.linePos[0].line } : {}), problem: `not valid YAML (${error.code})` });
  }
  const lineOf = (path: ReadonlyArray<string | number>): number | undefined => {
    for (let p = [...path]; ; p = p.slice(0, -1)) {
      const line = nodeLine(doc, p, lines);
      if (line) return line;
      if (!p.length) return undefined;
    }
  };
  return {
    name,
    data: doc.toJS() as unknown,
    lineOf,
    fail(path, at, problem) {
      const line = lineOf(path);
      throw new SchoolProtocolError({ file: name, ...(line ? { line } : {}), ...(at ? { at } : {}), problem });
    },
  };
}

/** The line of the key of the entry at `path` (a map's entry), or of the value there. */
function nodeLine(doc: Document, path: ReadonlyArray<string | number>, lines: LineCounter): number | undefined {
  if (!path.length) return isNode(doc.contents) && doc.contents.range ? lines.linePos(doc.contents.range[0]).line : undefined;
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isPair(item) && isNode(item.key) && (item.key as { value?: unknown }).value === last);
    if (pair && isNode(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]).line;
  }
  const node = doc.getIn(path, true);
  return isNode(node) && node.range ? lines.linePos(node.range[0]).line : undefined;
}
