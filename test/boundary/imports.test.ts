import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

describe('boundaries', () => {
  it('keeps the core free of platform and database packages', () => {
    const forbidden = /^(botbuilder|botframework-|@slack\/|mongodb|better-sqlite3)/;
    const offenders = filesUnder('src/core').flatMap((file) =>
      importsOf(file)
        .filter((spec) => forbidden.test(spec))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the core from importing channels, stores or the composition root', () => {
    const offenders = filesUnder('src/core').flatMap((file) =>
      importsOf(file)
        .filter((spec) => /\/(channels|store|http|config)\//.test(spec) || /\.\.\/(app|main)\.js$/.test(spec))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps botbuilder inside src/channels/teams, @slack inside src/channels/slack, and the channels away from the stores and each other', () => {
    const channel = (file: string) => /^src[\\/]channels[\\/]([^\\/]+)/.exec(file)?.[1];
    const offenders = filesUnder('src').flatMap((file) =>
      importsOf(file)
        .filter(
          (spec) =>
            (/^(botbuilder|botframework-)/.test(spec) && !file.startsWith(join('src', 'channels', 'teams'))) ||
            (/^@slack\//.test(spec) && !file.startsWith(join('src', 'channels', 'slack'))) ||
            (file.startsWith(join('src', 'channels')) && /\/store\//.test(spec)) ||
            // A channel never reaches into another channel's folder.
            (channel(file) !== undefined && /^\.\.\/(teams|slack|playground)\//.test(spec) && !spec.startsWith(`../${channel(file)}/`)),
        )
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
    expect(filesUnder('src/channels/teams').some((f) => importsOf(f).includes('botbuilder'))).toBe(true);
    expect(filesUnder('src/channels/slack').some((f) => importsOf(f).includes('@slack/bolt'))).toBe(true);
  });

  it('keeps src/http free of the channels: the HTTP server knows no channel', () => {
    const channels = resolve('src', 'channels');
    const offenders = filesUnder(join('src', 'http')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => {
          if (!spec.startsWith('.')) return false;
          const target = relative(channels, resolve(dirname(file), spec));
          return target === '' || (!target.startsWith('..') && !/^[\\/]/.test(target));
        })
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
    expect(filesUnder(join('src', 'http')).length).toBeGreaterThan(0);
  });

  it('reads process.env in one place only', () => {
    const readers = filesUnder('src').filter((file) => readFileSync(file, 'utf8').includes('process.env'));
    expect(readers).toEqual([join('src', 'config', 'env.ts')]);
  });

  it('finds the imports it looks for (the check itself works)', () => {
    expect(importsOf('src/store/mongo.ts')).toContain('mongodb');
  });

  it('keeps every permission rule in src/core/permissions.ts: no role checks anywhere else', () => {
    // The engine reads a dialog's own role conditions (data), the decision rule counts the roles of
    // votes, and the school directory and the role book work out who holds a role; none of them
    // decides who may see or change a record.
    const allowed = new Set([
      'src/core/permissions.ts',
      join('src', 'core', 'protocol', 'engine.ts'),
      join('src', 'core', 'exceptions', 'decision.ts'),
      join('src', 'core', 'people', 'school.ts'),
      join('src', 'core', 'people', 'role-book.ts'),
    ]);
    const check = /\broles\.(has|some|includes)\(|\.has\('(mentor|clz|directie|zorgcoordinator|orthopedagoog|vakdocent|beheerder|anti-pestcoordinator)'\)/;
    const offenders = filesUnder('src').flatMap((file) =>
      allowed.has(file) ? [] : readFileSync(file, 'utf8').split('\n').flatMap((line, i) => (check.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
