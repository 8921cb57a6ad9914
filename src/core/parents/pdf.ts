import { PDFDocument, StandardFonts, rgb, type PDFFont } from 'pdf-lib';

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 64;
const SIZE = 11;
const LEADING = 16;

/** Lines of at most `width` points in `font`, breaking between words. */
function wrap(text: string, font: PDFFont, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(next, SIZE) > width && line) {
        out.push(line);
        line = word;
      } else line = next;
    }
    out.push(line);
  }
  return out;
}

/** Characters the standard PDF fonts cannot show are replaced, so a letter never fails to print. */
function printable(text: string): string {
  return text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/[^\n\x20-\x7e\xa0-\xff–—…€]/g, '?');
}

/** A letter as a PDF on the school's name: the school at the top, the date, the subject, the text. */
export async function letterPdf(school: string, date: string, subject: string, text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(printable(subject));
  doc.setAuthor(printable(school));
  doc.setProducer('Zorgpad');
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage([A4.width, A4.height]);
  let y = A4.height - MARGIN;
  const width = A4.width - 2 * MARGIN;
  const draw = (line: string, font: PDFFont, size = SIZE) => {
    if (y < MARGIN) {
      page = doc.addPage([A4.width, A4.height]);
      y = A4.height - MARGIN;
    }
    page.drawText(line, { x: MARGIN, y, size, font, color: rgb(0.1, 0.1, 0.1) });
    y -= size === SIZE ? LEADING : size + 8;
  };
  draw(printable(school), bold, 16);
  draw(printable(date), regular);
  y -= LEADING;
  for (const line of wrap(printable(subject), bold, width)) draw(line, bold);
  y -= LEADING / 2;
  for (const line of wrap(printable(text), regular, width)) draw(line, regular);
  return doc.save();
}
