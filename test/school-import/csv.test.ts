import { describe, expect, it } from 'vitest';
import { CsvError, readCsv } from '../../src/core/people/import/csv.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('reading an export (CSV)', () => {
  it('reads a Dutch Excel export: byte order mark, ";" and CRLF', () => {
    const table = readCsv(bytes('\ufeffStamnr;Klas;Leerjaar\r\n200001;1A;1\r\n200002;2B;2\r\n'));
    expect(table).toMatchObject({ delimiter: ';', encoding: 'utf-8', header: ['Stamnr', 'Klas', 'Leerjaar'] });
    expect(table.rows).toEqual([
      { line: 2, fields: ['200001', '1A', '1'] },
      { line: 3, fields: ['200002', '2B', '2'] },
    ]);
  });

  it('finds "," as the delimiter when the header has more commas than semicolons', () => {
    const table = readCsv(bytes('Leerlingnummer,Stamgroep,Opmerking\n200001,1A,"met; puntkomma"\n'));
    expect(table.delimiter).toBe(',');
    expect(table.rows[0]!.fields).toEqual(['200001', '1A', 'met; puntkomma']);
  });

  it('keeps delimiters, doubled quotes and line breaks inside quoted fields, and counts the lines they span', () => {
    const table = readCsv(bytes('naam;functie\n"Vries; de";"Docent, ""mentor"""\n"twee\nregels";x\nlaatste;y'));
    expect(table.rows).toEqual([
      { line: 2, fields: ['Vries; de', 'Docent, "mentor"'] },
      { line: 3, fields: ['twee\nregels', 'x'] },
      { line: 5, fields: ['laatste', 'y'] },
    ]);
  });

  it('skips blank lines and lines of delimiters only, and keeps the line numbers of the rest', () => {
    const table = readCsv(bytes('a;b\n\n1;2\n;;\n3;4\n'));
    expect(table.rows.map((r) => r.line)).toEqual([3, 5]);
  });

  it('reads an older export in Windows-1252 and one in UTF-16 with its mark', () => {
    const ansi = Uint8Array.from([...bytes('naam;rol\nZo'), 0xeb, ...bytes(';co'), 0xf6, ...bytes('rdinator\n')]);
    expect(readCsv(ansi)).toMatchObject({ encoding: 'windows-1252', rows: [{ fields: ['Zoë', 'coördinator'] }] });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('naam\trol\nÖmer\tdocent\n', 'utf16le')]);
    expect(readCsv(utf16)).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', rows: [{ fields: ['Ömer', 'docent'] }] });
  });

  it('names the line where a quoted field opens and is never closed', () => {
    expect(() => readCsv(bytes('a;b\n1;2\n"open;3\n4;5\n'))).toThrow(new CsvError('a quoted field opened on line 3 is never closed', 3));
  });
});
