import { describe, expect, it } from 'vitest';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, type PDFObject, type StandardFonts } from 'pdf-lib';
import { composeLetter, type LetterData } from '../../src/core/parents/letters.js';
import { letterPdf } from '../../src/core/parents/pdf.js';
import { DEMO_LETTER } from '../helpers/letter-data.js';

const PAGE_WIDTH = 595.28;
const MARGIN = 64;

/** A piece of text as the PDF shows it: where it starts, its width, and its characters in visual order (left to right). */
interface Shown {
  page: number;
  x: number;
  y: number;
  width: number;
  text: string;
}

/** WinAnsi's characters for 0x80–0x9F (Node's TextDecoder reads "windows-1252" as Latin-1). */
const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** How a font of the PDF turns the bytes of a `Tj` into characters and widths (in thousandths of the size). */
interface FontReader {
  /** Type0 with a font file (an embedded Unicode font), or the name of a standard font. */
  kind: 'embedded-unicode' | string;
  decode(hex: string): { text: string; width: number };
}

/**
 * The text of a PDF as a reader's copy-and-search sees it: each `Tj` of each page, with where it starts and its
 * width. An embedded Unicode font (Type0, Identity-H) is read through its ToUnicode map and its widths (/W); a
 * standard font (what the letters used before) through WinAnsi and its built-in metrics.
 */
async function shownText(pdf: Uint8Array): Promise<{ shown: Shown[]; fonts: string[] }> {
  const doc = await PDFDocument.load(pdf);
  const metrics = await PDFDocument.create();
  const bytesOf = (o: PDFObject | undefined) => {
    const stream = o ? doc.context.lookup(o) : undefined;
    if (!(stream instanceof PDFRawStream)) throw new Error('expected a stream');
    return Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
  };
  const utf16 = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  const reader = async (font: PDFDict): Promise<FontReader> => {
    if (font.get(PDFName.of('Subtype')) !== PDFName.of('Type0')) {
      const name = font.lookup(PDFName.of('BaseFont'), PDFName).decodeText();
      const standard = await metrics.embedStandardFont(name as StandardFonts);
      return {
        kind: name,
        decode: (hex) => {
          const text = Array.from(Buffer.from(hex, 'hex'), (b) => (b >= 0x80 && b < 0xa0 ? CP1252[b - 0x80]! : String.fromCharCode(b))).join('');
          return { text, width: standard.widthOfTextAtSize(text, 1000) };
        },
      };
    }
    expect(font.get(PDFName.of('Encoding'))).toBe(PDFName.of('Identity-H'));
    const cid = doc.context.lookup(font.lookup(PDFName.of('DescendantFonts'), PDFArray).get(0), PDFDict);
    const embedded = cid.lookup(PDFName.of('FontDescriptor'), PDFDict).get(PDFName.of('FontFile2')) !== undefined;
    const toUnicode = new Map<number, string>();
    for (const [, glyph, unicode] of bytesOf(font.get(PDFName.of('ToUnicode'))).matchAll(/<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>/g)) {
      toUnicode.set(parseInt(glyph!, 16), utf16(unicode!));
    }
    const widths = new Map<number, number>();
    const w = cid.lookup(PDFName.of('W'), PDFArray).asArray().map((o) => doc.context.lookup(o));
    for (let i = 0; i < w.length; i += 2) {
      const first = (w[i] as PDFNumber).asNumber();
      (w[i + 1] as PDFArray).asArray().forEach((o, k) => widths.set(first + k, (o as PDFNumber).asNumber()));
    }
    return {
      kind: embedded ? 'embedded-unicode' : 'not-embedded',
      decode: (hex) => {
        const glyphs = (hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16));
        return { text: glyphs.map((g) => toUnicode.get(g) ?? '\uFFFD').join(''), width: glyphs.reduce((sum, g) => sum + (widths.get(g) ?? 1000), 0) };
      },
    };
  };

  const shown: Shown[] = [];
  const kinds = new Set<string>();
  for (const [index, page] of doc.getPages().entries()) {
    const fonts = new Map<string, FontReader>();
    for (const [name, ref] of page.node.Resources()!.lookup(PDFName.of('Font'), PDFDict).entries()) {
      const font = await reader(doc.context.lookup(ref, PDFDict));
      fonts.set(name.asString(), font);
      kinds.add(font.kind);
    }
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray() : [page.node.get(PDFName.of('Contents'))];
    let font: FontReader | undefined;
    let size = 0;
    let x = 0;
    let y = 0;
    for (const m of streams.map(bytesOf).join('\n').matchAll(/(\/\S+) ([\d.]+) Tf|([-\d.]+) ([-\d.]+) Tm|<([0-9a-fA-F]*)> Tj/g)) {
      if (m[1]) {
        font = fonts.get(m[1]);
        size = Number(m[2]);
      } else if (m[3]) [x, y] = [Number(m[3]), Number(m[4])];
      else {
        if (!font) throw new Error('text without a font');
        const { text, width } = font.decode(m[5]!);
        shown.push({ page: index, x, y, width: (width * size) / 1000, text });
      }
    }
  }
  return { shown, fonts: [...kinds] };
}

/** The lines of a PDF: the pieces on one height joined from left to right. */
function linesOf(shown: Shown[]): string[] {
  const lines = new Map<string, Shown[]>();
  for (const s of shown) lines.set(`${s.page}:${s.y}`, [...(lines.get(`${s.page}:${s.y}`) ?? []), s]);
  return [...lines.values()].map((pieces) => pieces.sort((a, b) => a.x - b.x).map((p) => p.text).join(''));
}

/** Text in visual order, as a right-to-left name stands on the page: its characters from left to right. */
const visual = (rtl: string) => Array.from(new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(rtl), (s) => s.segment).reverse().join('');

describe('the letter as a PDF', () => {
  it('shows a Turkish, an Arabic and a Hebrew name with their own characters, from an embedded subset font', async () => {
    const pdf = await letterPdf(
      'Demo College (fictief)',
      '8 februari 2027',
      'Brief over Selin Yılmaz',
      'Beste ouders van Selin Yılmaz,\n\nDit gaat ook naar de ouders van ليلى en van שרה כהן.\nŁódź, İstanbul, ğ ş ç ö ü — „zo” €',
    );
    const { shown, fonts } = await shownText(pdf);
    const lines = linesOf(shown);
    expect(lines).toContain('Brief over Selin Yılmaz');
    expect(lines).toContain('Beste ouders van Selin Yılmaz,');
    // The right-to-left names stand right to left: read from left to right, their letters come last to first.
    expect(lines).toContain(`Dit gaat ook naar de ouders van ${visual('ليلى')} en van ${visual('שרה כהן')}.`);
    expect(lines).toContain('Łódź, İstanbul, ğ ş ç ö ü — „zo” €');
    expect(lines.join('\n')).not.toMatch(/[?\uFFFD]/);
    expect(fonts).toEqual(['embedded-unicode']);
    // A subset: the whole of DejaVu Sans and its bold would be well over a megabyte.
    expect(pdf.length).toBeLessThan(60_000);
  });

  it.each([
    ['Selin Yılmaz', 'Selin Yılmaz'],
    ['ليلى', visual('ليلى')],
  ])('prints a letter to the parents of %s with the name as the school file has it', async (student, onThePage) => {
    const data: LetterData = { ...DEMO_LETTER, student };
    const letter = composeLetter('exception-granted', data, 'nl');
    expect(letter.text).toContain(`Beste ouders of verzorgers van ${student},`);
    const { shown, fonts } = await shownText(await letterPdf(data.school, '8 februari 2027', letter.subject, letter.text));
    const lines = linesOf(shown);
    expect(lines).toContain(`Beste ouders of verzorgers van ${onThePage},`);
    // The rest of the letter is all there too, broken between words.
    expect(lines.slice(3).join(' ')).toBe(letter.text.replace(/\n+/g, ' ').replace(student, onThePage));
    expect(lines.join('\n')).not.toContain('\uFFFD');
    expect(fonts).toEqual(['embedded-unicode']);
  });

  it('puts a right-to-left name in visual order within a Dutch sentence, and a right-to-left paragraph on the right', async () => {
    const pdf = await letterPdf('Demo', '8 februari 2027', 'Onderwerp', 'Leerling: ليلى حسن (12 jaar), klas 1A.\nKlas: ليلى 12 حسن.\nA ليلى שרה B\nمرحبا بكم (جدا)');
    const { shown } = await shownText(pdf);
    const lines = linesOf(shown);
    expect(lines).toContain(`Leerling: ${visual('ليلى حسن')} (12 jaar), klas 1A.`);
    // A number in right-to-left text reads left to right, in its place; two right-to-left scripts follow each other.
    // (The order a browser gives, the Unicode Bidirectional Algorithm's.)
    expect(lines).toContain(`Klas: ${visual('حسن')} 12 ${visual('ليلى')}.`);
    expect(lines).toContain(`A ${visual('שרה')} ${visual('ليلى')} B`);
    // Brackets in right-to-left text are mirrored, so that they still open towards their words.
    expect(lines).toContain(`(${visual('جدا')}) ${visual('مرحبا بكم')}`);
    const arabic = shown.find((s) => s.text.includes(visual('مرحبا')))!;
    expect(arabic.x + arabic.width).toBeCloseTo(PAGE_WIDTH - MARGIN, 1);
  });

  it('breaks a word longer than a line, so that every line stays within the margins', async () => {
    const word = 'Ab'.repeat(30) + 'cdefghijkl'.repeat(6); // 120 characters, wider than a line
    const arabicWord = 'ليلى'.repeat(60);
    expect(word).toHaveLength(120);
    const pdf = await letterPdf('Demo', '8 februari 2027', word, `Zie ${word} voor meer.\n${arabicWord}`);
    const { shown } = await shownText(pdf);
    for (const s of shown) {
      expect(s.x, s.text).toBeGreaterThanOrEqual(MARGIN - 0.01);
      expect(s.x + s.width, s.text).toBeLessThanOrEqual(PAGE_WIDTH - MARGIN + 0.01);
    }
    const lines = linesOf(shown);
    // Nothing of the word is lost: the subject's lines and the text's lines give it back whole.
    const subject = lines.slice(2, lines.findIndex((l) => l.startsWith('Zie')));
    expect(subject.length).toBeGreaterThan(1);
    expect(subject.join('')).toBe(word);
    const text = lines.slice(lines.findIndex((l) => l.startsWith('Zie')));
    expect(text[0]).toBe('Zie');
    expect(text.slice(1).join('')).toContain(`${word} voor meer.`);
    expect(text.filter((l) => /[\u0600-\u06ff]/.test(l)).length).toBeGreaterThan(1);
  });

  it('keeps letters made at the same time apart', async () => {
    const names = ['Selin Yılmaz', 'ليلى', 'שרה כהן', 'Zoë Kowalczyk', 'Ömer Şahin'];
    const pdfs = await Promise.all(names.map((name) => letterPdf('Demo', '8 februari 2027', `Over ${name}`, `Beste ouders van ${name}.`)));
    for (const [i, pdf] of pdfs.entries()) {
      const name = /[\u0590-\u06ff]/.test(names[i]!) ? visual(names[i]!) : names[i]!;
      expect(linesOf((await shownText(pdf)).shown)).toEqual(['Demo', '8 februari 2027', `Over ${name}`, `Beste ouders van ${name}.`]);
    }
  });
});
