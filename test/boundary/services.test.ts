import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The domain operations of cases and exceptions: they decide, write and report what happened. Texts and
 * cards, in the reader's language, are made by the domain's presentation files from what they report.
 */
const OPERATIONS = [
  'src/core/cases/signals.ts',
  'src/core/cases/steps.ts',
  'src/core/cases/sanctions.ts',
  'src/core/cases/listings.ts',
  'src/core/exceptions/drafts.ts',
  'src/core/exceptions/voting.ts',
  'src/core/exceptions/reviews.ts',
  'src/core/exceptions/misuse.ts',
  'src/core/exceptions/listings.ts',
];

interface ExportedFunction {
  name: string;
  params: string[];
  paramTypes: string[];
}

function exportedFunctions(file: string): ExportedFunction[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: ExportedFunction[] = [];
  for (const statement of source.statements) {
    if (!ts.isFunctionDeclaration(statement) || !statement.name) continue;
    if (!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    out.push({
      name: statement.name.text,
      params: statement.parameters.map((p) => p.name.getText(source)),
      paramTypes: statement.parameters.map((p) => p.type?.getText(source) ?? ''),
    });
  }
  return out;
}

/** What a file imports by value or by type, as `name from 'specifier'`. */
function importedNames(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) out.push(`${e.name.text} from '${statement.moduleSpecifier.text}'`);
  }
  return out;
}

describe('domain services', () => {
  it('are called directly: no forwarder facade (Rest<typeof fn>) anywhere in src/', () => {
    const facades = filesUnder('src').filter((file) => /Rest<typeof /.test(readFileSync(file, 'utf8')));
    expect(facades).toEqual([]);
  });

  it('take named arguments where an operation has more than three (after the shared core)', () => {
    const long = OPERATIONS.flatMap((file) => exportedFunctions(file).filter((f) => f.params.length > 4).map((f) => `${file}: ${f.name}(${f.params.join(', ')})`));
    expect(long).toEqual([]);
  });

  it('report what happened and leave the words to presentation: no locale, translator, card renderer or said-messages in an operation', () => {
    const offenders = OPERATIONS.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const found: string[] = [];
      for (const f of exportedFunctions(file)) if (f.params.includes('locale') || f.paramTypes.some((t) => /\bLocale\b/.test(t))) found.push(`${f.name} takes a locale`);
      for (const name of importedNames(file)) if (/^(translator|Translate|OutboundMessage|CardRenderer|AdaptiveCardJson) from/.test(name)) found.push(`imports ${name}`);
      if (/\bsaid\s*:/.test(text)) found.push('returns said-messages');
      if (/\.cards\.render\(/.test(text)) found.push('renders a card');
      return found.map((what) => `${file}: ${what}`);
    });
    expect(offenders).toEqual([]);
  });

  it('finds the operations it checks (the list above is not stale)', () => {
    for (const file of OPERATIONS) expect(exportedFunctions(file).length, file).toBeGreaterThan(0);
  });
});
