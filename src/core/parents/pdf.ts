import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont } from 'pdf-lib';
import { graphemes, layoutParagraph } from './pdf-text.js';

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 64;
const SIZE = 11;
const LEADING = 16;

/**
 * DejaVu Sans, regular and bold, from the `dejavu-fonts-ttf` package: one family that has Latin with every accent a
 * Dutch school meets (Turkish "ı", "ş", "ğ"; Polish "ł", "ż"…), Arabic (with the forms to join its letters) and
 * Hebrew. Embedded as a subset: only the glyphs a letter uses go into the PDF.
 */
interface Face {
  bytes: Uint8Array;
  /**
   * The same font, parsed once, to know which characters it has and to measure words. pdf-lib parses a copy of its
   * own for each letter: a parsed font shared between letters shares fontkit's glyph cache, and making one letter's
   * subset puts glyphs without their characters in it (the parts of composite glyphs, such as the "c" of "ç"), which
   * then go missing from the next letter's ToUnicode map.
   */
  font: fontkit.Font;
  /** Widths of the words letters used, in font units: the same words come back in every letter. */
  widths: Map<string, number>;
}

const KEEP_WIDTHS = 20_000;

/** The width in points of a text in a face at a size, as pdf-lib draws it (the glyphs' advances after shaping). */
function widthIn(face: Face, text: string, size: number): number {
  let units = face.widths.get(text);
  if (units === undefined) {
    units = face.font.layout(text).glyphs.reduce((sum, g) => sum + g.advanceWidth, 0);
    if (face.widths.size >= KEEP_WIDTHS) face.widths.clear();
    face.widths.set(text, units);
  }
  return (units * size) / face.font.unitsPerEm;
}

let faces: Promise<{ regular: Face; bold: Face }> | null = null;

function loadFaces(): Promise<{ regular: Face; bold: Face }> {
  faces ??= (async () => {
    const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const face = async (file: string): Promise<Face> => {
      const bytes = new Uint8Array(await readFile(join(dir, file)));
      return { bytes, font: fontkit.create(bytes), widths: new Map() };
    };
    const [regular, bold] = await Promise.all([face('DejaVuSans.ttf'), face('DejaVuSans-Bold.ttf')]);
    return { regular, bold };
  })().catch((e: unknown) => {
    faces = null;
    throw e;
  });
  return faces;
}

/**
 * The text as the font can show it: composed (NFC); invisible format and control characters (direction marks,
 * zero-width joiners, soft hyphens) taken out, since pdf-lib would give them the width of a space; a character the
 * font does not have (an emoji) becomes one "?" for its whole cluster, so a letter never fails to print.
 */
function printable(text: string, face: Face): string {
  return text
    .normalize('NFC')
    .split('\n')
    .map((paragraph) =>
      graphemes(paragraph.replace(/[\p{Cf}\p{Cc}]/gu, (c) => (/\s/u.test(c) ? ' ' : '')))
        .map((g) => (Array.from(g).every((c) => face.font.hasGlyphForCodePoint(c.codePointAt(0)!)) ? g : '?'))
        .join(''),
    )
    .join('\n');
}

/** A letter as a PDF on the school's name: the school at the top, the date, the subject, the text. */
export async function letterPdf(school: string, date: string, subject: string, text: string): Promise<Uint8Array> {
  const { regular: regularFace, bold: boldFace } = await loadFaces();
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  // Document information is stored as UTF-16 text: any character goes there as it is.
  doc.setTitle(subject);
  doc.setAuthor(school);
  doc.setProducer('Zorgpad');
  const regular = await doc.embedFont(regularFace.bytes, { subset: true });
  const bold = await doc.embedFont(boldFace.bytes, { subset: true });
  const faceOf = (font: PDFFont) => (font === bold ? boldFace : regularFace);
  let page = doc.addPage([A4.width, A4.height]);
  let pageFont: PDFFont | null = null;
  let y = A4.height - MARGIN;
  const width = A4.width - 2 * MARGIN;
  /** Paragraphs (one a line of `text`), broken to the width; each line in visual order, a right-to-left paragraph on the right. */
  const draw = (text: string, font: PDFFont, size = SIZE) => {
    const face = faceOf(font);
    for (const paragraph of printable(text, face).split('\n')) {
      const laidOut = layoutParagraph(paragraph, width, (piece) => widthIn(face, piece, size));
      for (const line of laidOut.lines) {
        if (y < MARGIN) {
          page = doc.addPage([A4.width, A4.height]);
          pageFont = null;
          y = A4.height - MARGIN;
        }
        // Set on the page only when it changes: pdf-lib adds a font resource each time a font is set.
        if (pageFont !== font) page.setFont((pageFont = font));
        let x = laidOut.rtl ? MARGIN + width - line.width : MARGIN;
        for (const piece of line.pieces) {
          page.drawText(piece.text, { x, y, size, color: rgb(0.1, 0.1, 0.1) });
          x += piece.width;
        }
        y -= size === SIZE ? LEADING : size + 8;
      }
    }
  };
  draw(school, bold, 16);
  draw(date, regular);
  y -= LEADING;
  draw(subject, bold);
  y -= LEADING / 2;
  draw(text, regular);
  return doc.save();
}
