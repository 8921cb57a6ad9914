/**
 * A small CSV reader for the exports of a student administration: UTF-8 with or without a byte order
 * mark (Excel writes one), UTF-16 with a mark, or Windows-1252 (older "ANSI" exports); the delimiter
 * found in the header line (`;` as Dutch Excel writes it, `,` or a tab); fields in double quotes with
 * delimiters, line breaks and doubled quotes inside; CRLF, LF or CR line ends. Every row keeps the
 * line number it starts on, so that a report can name it.
 */

export type Delimiter = ';' | ',' | '\t';

export interface CsvRow {
  /** The line in the file where this row starts (1 is the header). */
  line: number;
  fields: string[];
}

export interface CsvTable {
  delimiter: Delimiter;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  header: string[];
  rows: CsvRow[];
}

export class CsvError extends Error {
  override name = 'CsvError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** The text of a file's bytes, by its byte order mark; without one, UTF-8 if it is valid, else Windows-1252. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: CsvTable['encoding'] } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/** The delimiter of the header line (outside quotes): the most frequent of `;`, `,` and tab; `,` when none occurs. */
export function detectDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && (c === ';' || c === ',' || c === '\t')) counts[c]++;
  }
  const best = (Object.keys(counts) as Delimiter[]).sort((a, b) => counts[b] - counts[a])[0]!;
  return counts[best] > 0 ? best : ',';
}

/**
 * Splits CSV text into rows of fields. Empty lines are skipped; an opening quote without its closing
 * quote is an error naming the line it opened on.
 */
export function parseCsvText(text: string, delimiter: Delimiter): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let wasQuoted = false;
  let i = 0;
  const endField = () => {
    fields.push(wasQuoted ? field : field.trim());
    field = '';
    wasQuoted = false;
  };
  const endRow = () => {
    endField();
    // Blank lines, and lines of delimiters only (spreadsheets write those), are no rows.
    if (fields.some((f) => f !== '')) rows.push({ line: rowLine, fields });
    fields = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\r' || c === '\n') {
        // A line break inside a quoted field is kept as \n; the line count goes on.
        field += '\n';
        line++;
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field.trim() === '' && !wasQuoted) {
      // A quote opens a quoted field only at its start (spaces before it are dropped).
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
      field = '';
      i++;
      continue;
    }
    if (c === delimiter) {
      endField();
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRow();
      line++;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      rowLine = line;
      continue;
    }
    // Text after a closing quote ("ab"c) is kept as written.
    field += c;
    i++;
  }
  if (quoted) throw new CsvError(`a quoted field opened on line ${quoteLine} is never closed`, quoteLine);
  if (field !== '' || wasQuoted || fields.length > 0) endRow();
  return rows;
}

/** A whole export: decoded, delimiter detected, the first row as the header. */
export function readCsv(bytes: Uint8Array): CsvTable {
  const { text, encoding } = decodeText(bytes);
  const delimiter = detectDelimiter(text);
  const [header, ...rows] = parseCsvText(text, delimiter);
  if (!header) throw new CsvError('the file is empty (no header line)', 1);
  return { delimiter, encoding, header: header.fields, rows };
}
