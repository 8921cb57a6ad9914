/**
 * How a paragraph of a letter is put on lines in the PDF: broken to the line width (a word longer than a line is
 * broken too, between characters), and each line split into pieces in visual order, left to right, so that a name
 * in Arabic or Hebrew in a Dutch sentence reads right to left.
 *
 * The direction of each character follows a reduced form of the Unicode Bidirectional Algorithm (UAX #9): no
 * explicit embeddings or isolates (those control characters are taken out before), numbers and their separators
 * after right-to-left text kept left to right, a pair of brackets given the direction of what it holds, other
 * neutrals between two right-to-left runs right to left. A paragraph whose first letter is right-to-left is a
 * right-to-left paragraph (the caller aligns it to the right). Checked against GNU FriBidi on mixed Dutch, Arabic
 * and Hebrew sentences.
 *
 * The font engine (fontkit, through pdf-lib) lays out each piece itself: it shapes Arabic (joins the letters) and
 * reverses a piece whose first letter is of a right-to-left script. A piece's text is arranged for that: a piece that
 * must read right to left but that fontkit would not reverse (punctuation only) is reversed here, and one that must
 * read left to right but that fontkit would reverse (Arabic-Indic digits) is reversed here first.
 */

/** The width in points of a piece's text, as the font lays it out. */
export type Measure = (text: string) => number;

/** A piece of a line: text to hand to the font as it is, its width, and whether it reads right to left. */
export interface Piece {
  text: string;
  width: number;
  rtl: boolean;
}

/** A line: its pieces in visual order, left to right, and its width. */
export interface Line {
  pieces: Piece[];
  width: number;
}

export interface Paragraph {
  /** A right-to-left paragraph: its lines are aligned to the right. */
  rtl: boolean;
  lines: Line[];
}

type BidiClass = 'L' | 'R' | 'AL' | 'EN' | 'AN' | 'ES' | 'CS' | 'ET' | 'NSM' | 'WS' | 'ON';

const GRAPHEMES = new Intl.Segmenter('und', { granularity: 'grapheme' });
/** Scripts that fontkit lays out right to left (the ones a school may meet). */
const RTL_SCRIPT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}]/u;
const NO_SCRIPT = /[\p{Script=Common}\p{Script=Inherited}]/u;
const MIRRORED: Record<string, string> = { '(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<', '«': '»', '»': '«', '‹': '›', '›': '‹' };

/** The grapheme clusters of a text (a letter with its accents, an emoji sequence): the text is never broken inside one. */
export function graphemes(text: string): string[] {
  // Latin without combining marks (most letters): every character is a cluster of its own.
  if (/^[\x20-\x7e\xa0-\u024f\u2010-\u2027\u20ac]*$/u.test(text)) return Array.from(text);
  return Array.from(GRAPHEMES.segment(text), (s) => s.segment);
}

/** The bidirectional class of a grapheme (that of its first character), as in UAX #9, for the characters a letter may hold. */
function bidiClass(g: string): BidiClass {
  const cp = g.codePointAt(0) ?? 0;
  if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a)) return 'L';
  if (cp === 0x20) return 'WS';
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x6f0 && cp <= 0x6f9)) return 'EN';
  if ((cp >= 0x660 && cp <= 0x669) || cp === 0x66b || cp === 0x66c) return 'AN';
  if (/^\p{Mn}|^\p{Me}/u.test(g)) return 'NSM';
  if (/^\s/u.test(g) && cp !== 0xa0) return 'WS';
  if (cp === 0x2b || cp === 0x2d || cp === 0x2212) return 'ES';
  if (cp === 0x2c || cp === 0x2e || cp === 0x2f || cp === 0x3a || cp === 0xa0 || cp === 0x60c) return 'CS';
  if (/^[#$%°±\u00a2-\u00a5\u066a\u2030-\u2034\u20a0-\u20cf]/u.test(g)) return 'ET';
  // Hebrew, NKo, Samaritan, Mandaic and the historic right-to-left scripts are R; Arabic, Syriac and Thaana are AL.
  if ((cp >= 0x590 && cp <= 0x5ff) || (cp >= 0x7c0 && cp <= 0x85f) || (cp >= 0xfb1d && cp <= 0xfb4f) || (cp >= 0x10800 && cp <= 0x10fff) || (cp >= 0x1e800 && cp <= 0x1ec6f)) return 'R';
  if ((cp >= 0x600 && cp <= 0x7bf) || (cp >= 0x860 && cp <= 0x8ff) || (cp >= 0xfb50 && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfeff) || (cp >= 0x1ec70 && cp <= 0x1efff)) return 'AL';
  if (/^[\p{L}\p{Mc}\p{Nd}\p{Nl}\p{Co}]/u.test(g)) return 'L';
  return 'ON';
}

const BRACKETS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '⁅': '⁆', '〈': '〉', '⟨': '⟩' };
const CLOSING = new Set(Object.values(BRACKETS));

/** The pairs of brackets of a paragraph (BD16), as [open, close] positions in the order of their opening brackets. */
function bracketPairs(units: string[], t: BidiClass[]): [number, number][] {
  const pairs: [number, number][] = [];
  const stack: { close: string; at: number }[] = [];
  for (let i = 0; i < units.length; i++) {
    if (t[i] !== 'ON') continue;
    const close = BRACKETS[units[i]!];
    if (close) {
      if (stack.length === 63) break;
      stack.push({ close, at: i });
    } else if (CLOSING.has(units[i]!)) {
      let k = stack.length - 1;
      while (k >= 0 && stack[k]!.close !== units[i]) k--;
      if (k >= 0) {
        pairs.push([stack[k]!.at, i]);
        stack.length = k;
      }
    }
  }
  return pairs.sort((a, b) => a[0] - b[0]);
}

/** The embedding level of each grapheme of a paragraph at base level `base` (0: left to right, 1: right to left). */
function levels(units: string[], base: 0 | 1): number[] {
  const t = units.map(bidiClass);
  const n = t.length;
  const sos: BidiClass = base ? 'R' : 'L';
  // W1: a combining mark takes the class of what it combines with.
  for (let i = 0; i < n; i++) if (t[i] === 'NSM') t[i] = i ? t[i - 1]! : sos;
  // W2: European digits after Arabic letters are Arabic numbers. W3: Arabic letters are R.
  let strong: BidiClass = sos;
  for (let i = 0; i < n; i++) {
    const c = t[i]!;
    if (c === 'L' || c === 'R' || c === 'AL') strong = c;
    else if (c === 'EN' && strong === 'AL') t[i] = 'AN';
  }
  for (let i = 0; i < n; i++) if (t[i] === 'AL') t[i] = 'R';
  // W4: one separator between two numbers of the same kind joins them ("1.000", "12:30").
  for (let i = 1; i < n - 1; i++) {
    const [before, c, after] = [t[i - 1], t[i], t[i + 1]];
    if (c === 'ES' && before === 'EN' && after === 'EN') t[i] = 'EN';
    else if (c === 'CS' && before === after && (before === 'EN' || before === 'AN')) t[i] = before;
  }
  // W5: terminators ("€", "%") next to a European number belong to it.
  for (let i = 0; i < n; ) {
    if (t[i] !== 'ET') {
      i++;
      continue;
    }
    let j = i;
    while (j < n && t[j] === 'ET') j++;
    if ((i > 0 && t[i - 1] === 'EN') || (j < n && t[j] === 'EN')) for (let k = i; k < j; k++) t[k] = 'EN';
    i = j;
  }
  // W6: the other separators and terminators are neutral. W7: European numbers in left-to-right context are L.
  strong = sos;
  for (let i = 0; i < n; i++) {
    const c = t[i]!;
    if (c === 'ES' || c === 'CS' || c === 'ET') t[i] = 'ON';
    else if (c === 'L' || c === 'R') strong = c;
    else if (c === 'EN' && strong === 'L') t[i] = 'L';
  }
  // N0: a pair of brackets takes the paragraph's direction when it holds text of that direction ("ليلى (12 jaar)"),
  // else the other direction when it holds text of that direction and follows it.
  const strongOf = (c: BidiClass): 'L' | 'R' | null => (c === 'L' ? 'L' : c === 'R' || c === 'EN' || c === 'AN' ? 'R' : null);
  for (const [open, close] of bracketPairs(units, t)) {
    let inside: 'L' | 'R' | null = null;
    for (let k = open + 1; k < close && inside !== sos; k++) inside = strongOf(t[k]!) ?? inside;
    if (!inside) continue;
    let before: 'L' | 'R' = sos === 'L' ? 'L' : 'R';
    for (let k = open - 1; k >= 0; k--) {
      const d = strongOf(t[k]!);
      if (d) {
        before = d;
        break;
      }
    }
    t[open] = t[close] = inside === sos || before === sos ? sos : inside;
  }
  // N1, N2: neutrals between two runs of the same direction take it (numbers count as R); other neutrals the paragraph's.
  const direction = (c: BidiClass | undefined): 'L' | 'R' => (c === undefined ? sos === 'L' ? 'L' : 'R' : c === 'L' ? 'L' : 'R');
  for (let i = 0; i < n; ) {
    if (t[i] !== 'WS' && t[i] !== 'ON') {
      i++;
      continue;
    }
    let j = i;
    while (j < n && (t[j] === 'WS' || t[j] === 'ON')) j++;
    const before = direction(i > 0 ? t[i - 1] : undefined);
    const after = direction(j < n ? t[j] : undefined);
    const resolved = before === after ? before : sos;
    for (let k = i; k < j; k++) t[k] = resolved;
    i = j;
  }
  // I1, I2.
  return t.map((c) => (base === 0 ? (c === 'R' ? 1 : c === 'EN' || c === 'AN' ? 2 : 0) : c === 'R' ? 1 : 2));
}

/** The script of a grapheme, as far as it decides how fontkit shapes a piece; null for digits, punctuation and spaces. */
function scriptOf(g: string): string | null {
  const cp = g.codePointAt(0) ?? 0x20;
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) ? 'other' : null;
  const ch = String.fromCodePoint(cp);
  if (/\p{Nd}/u.test(ch) || NO_SCRIPT.test(ch)) return null;
  if (/\p{Script=Arabic}/u.test(ch)) return 'arab';
  if (/\p{Script=Hebrew}/u.test(ch)) return 'hebr';
  return 'other';
}

/** Whether fontkit reverses a text when it lays it out: when the first character with a script has a right-to-left script. */
function fontkitReverses(text: string): boolean {
  for (const ch of text) if (!NO_SCRIPT.test(ch)) return RTL_SCRIPT.test(ch);
  return false;
}

/** A piece's text as the font must get it to show it in visual order (see the top of this file). */
function arranged(units: string[], rtl: boolean): string {
  const mirrored = rtl ? units.map((g) => MIRRORED[g] ?? g) : units;
  const text = mirrored.join('');
  return rtl === fontkitReverses(text) ? text : mirrored.slice().reverse().join('');
}

/**
 * A paragraph (no line breaks in it; runs of white space count as one space) laid out on lines of at most `width`
 * points. An empty paragraph is one empty line.
 */
export function layoutParagraph(text: string, width: number, measure: Measure): Paragraph {
  const units = graphemes(text.trim().replace(/\s+/gu, ' '));
  const firstStrong = units.map(bidiClass).find((c) => c === 'L' || c === 'R' || c === 'AL');
  const base = firstStrong === 'R' || firstStrong === 'AL' ? 1 : 0;
  const level = levels(units, base);
  const script = units.map(scriptOf);
  const widths = new Map<string, number>();
  const widthOf = (s: string) => {
    let w = widths.get(s);
    if (w === undefined) widths.set(s, (w = measure(s)));
    return w;
  };

  /** The runs of graphemes [from, to) in logical order: one level and one script each. */
  const runs = (from: number, to: number) => {
    const out: { from: number; to: number; level: number }[] = [];
    let current: string | null = null;
    for (let i = from; i < to; i++) {
      const s = script[i]!;
      const last = out.at(-1);
      if (last && last.level === level[i] && !(s && current && s !== current)) {
        last.to = i + 1;
        current ??= s;
      } else {
        out.push({ from: i, to: i + 1, level: level[i]! });
        current = s;
      }
    }
    return out;
  };
  /**
   * The width of graphemes [from, to) of one run: the sum of its words' and spaces' widths. The font substitutes
   * glyphs (ligatures, Arabic joining forms) only within a word, and pdf-lib places glyphs by their advance widths
   * alone, so this is the width the run takes when it is drawn, and the words' widths are measured once.
   */
  const runWidth = (from: number, to: number) => {
    let sum = 0;
    for (let i = from; i < to; ) {
      let j = i;
      while (j < to && (units[j] === ' ') === (units[i] === ' ')) j++;
      sum += units[i] === ' ' ? (j - i) * widthOf(' ') : widthOf(units.slice(i, j).join(''));
      i = j;
    }
    return sum;
  };
  const piecesOf = (from: number, to: number): (Piece & { level: number })[] =>
    runs(from, to).map((r) => {
      const rtl = r.level % 2 === 1;
      return { text: arranged(units.slice(r.from, r.to), rtl), width: runWidth(r.from, r.to), rtl, level: r.level };
    });
  const lineWidth = (from: number, to: number) => runs(from, to).reduce((sum, r) => sum + runWidth(r.from, r.to), 0);

  /**
   * The end of the longest stretch of graphemes from `from` to at most `end` that fits on a line (at least one
   * grapheme): found by doubling, then halving, so that a very long word is measured in pieces of about a line.
   */
  const fitting = (from: number, end: number) => {
    let fits = from + 1;
    let over = end + 1;
    for (let step = 1; fits < end; step *= 2) {
      const probe = Math.min(end, fits + step);
      if (lineWidth(from, probe) > width) {
        over = probe;
        break;
      }
      fits = probe;
    }
    while (over - fits > 1) {
      const middle = (fits + over) >> 1;
      if (lineWidth(from, middle) <= width) fits = middle;
      else over = middle;
    }
    return fits;
  };

  // Lines as ranges of graphemes, breaking at spaces; a word wider than the line is broken between graphemes.
  const ranges: [number, number][] = [];
  let line: [number, number] | null = null;
  for (let start = 0; start < units.length; ) {
    let end = start;
    while (end < units.length && units[end] !== ' ') end++;
    if (line && lineWidth(line[0], end) <= width) line[1] = end;
    else {
      if (line) ranges.push(line);
      let from = start;
      if (lineWidth(from, end) > width) {
        for (let to = fitting(from, end); to < end; to = fitting(from, end)) {
          ranges.push([from, to]);
          from = to;
        }
      }
      line = [from, end];
    }
    start = end + 1;
  }
  ranges.push(line ?? [0, 0]);

  return {
    rtl: base === 1,
    lines: ranges.map(([from, to]) => {
      const pieces = piecesOf(from, to);
      // L2: from the highest level down to the lowest odd one, reverse every sequence of pieces at that level or higher.
      const highest = Math.max(0, ...pieces.map((p) => p.level));
      for (let lvl = highest; lvl >= 1; lvl--) {
        for (let i = 0; i < pieces.length; ) {
          if (pieces[i]!.level < lvl) {
            i++;
            continue;
          }
          let j = i;
          while (j < pieces.length && pieces[j]!.level >= lvl) j++;
          pieces.splice(i, j - i, ...pieces.slice(i, j).reverse());
          i = j;
        }
      }
      return { pieces: pieces.map(({ text, width, rtl }) => ({ text, width, rtl })), width: pieces.reduce((sum, p) => sum + p.width, 0) };
    }),
  };
}
