import { createHash } from 'node:crypto';
import { readFileSync, statSync, unwatchFile, watch, watchFile } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { loadTranslations, TranslationError, type PageLanguages, type PageTexts } from './channels/parents/texts.js';
import type { LogFields, Logger } from './core/kernel/ports.js';
import { loadSchoolFile, SchoolFileError, type SchoolDirectory, type SchoolFile } from './core/people/school.js';
import { SchoolProtocolError, schoolFolder, withSchoolTerms, type ActiveProtocol, type SchoolProtocol } from './core/protocol/school-protocol.js';

/** One version of the school file and its translations, checked as at start. */
export interface SchoolVersion {
  school: SchoolFile;
  translations: PageTexts[];
  /** When the school file was written (its modification time, ms). */
  writtenAt: number;
}

/** The folder of the school's own translations, when the school file names one. */
function translationsDir(schoolFile: string, school: SchoolFile): string | null {
  const folder = school.parents.translations;
  return folder ? resolve(dirname(schoolFile), folder) : null;
}

/** Reads and checks the school file and its translations, with the same loaders as at start; throws on the first problem. */
export function readSchoolVersion(schoolFile: string): SchoolVersion {
  let writtenAt = 0;
  try {
    writtenAt = statSync(schoolFile).mtimeMs;
  } catch {
    // loadSchoolFile says it cannot be read
  }
  const school = loadSchoolFile(schoolFile);
  const dir = translationsDir(schoolFile, school);
  return { school, translations: dir ? loadTranslations(dir) : [], writtenAt };
}

/**
 * What is wrong with a file, for a log: file, line and path, and the problem without the values
 * themselves (no names, no student numbers; SchoolFileError.where is made for this).
 */
export function problemFields(error: unknown): LogFields {
  if (error instanceof SchoolFileError) return { ...error.where };
  if (error instanceof SchoolProtocolError) return { ...error.where } as LogFields;
  // A translation's messages name its file, the field and what is expected, never the texts.
  if (error instanceof TranslationError) return { problem: error.message };
  const e = error as { name?: unknown; code?: unknown; linePos?: Array<{ line: number }> };
  const line = e.linePos?.[0]?.line;
  return { problem: `${typeof e.name === 'string' ? e.name : 'error'}${typeof e.code === 'string' ? ` (${e.code})` : ''}`, ...(line ? { line } : {}) };
}

/** What a version holds, as one string: equal for equal content, whatever the comments or layout (the school's folder: its files as written). */
function contentOf(version: SchoolVersion, protocol?: SchoolProtocol | null): string {
  const folder = protocol ? protocol.files.map((file) => [file, safeRead(file)]) : [];
  return JSON.stringify([version.school, version.translations, folder]);
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export type ReloadReason = 'change' | 'signal' | 'job';
export type ReloadOutcome = 'reloaded' | 'unchanged' | 'failed';

export interface SchoolReloaderDeps {
  schoolFile: string;
  directory: SchoolDirectory;
  languages: PageLanguages;
  log: Logger;
  /** The version read at start. */
  current: SchoolVersion;
  /** The school's own protocol (its folder): read again with the school file, swapped in with it. */
  protocol?: ActiveProtocol;
  /** After a version is swapped in (e.g. plan the class-change check); failures are logged, the version stays. */
  applied(version: SchoolVersion): Promise<void>;
  /** How long after the last change event the file is read (editors write in steps). */
  settleMs?: number;
}

/**
 * Reads the school file (and its translations) again when it changes or on request (SIGHUP): checked
 * first with the loaders used at start; on success swapped in at once (SchoolDirectory.replace,
 * PageLanguages.replace); on an error Zorgpad keeps the version it has and logs what is wrong.
 *
 * The folder holding the file is watched, not the file: an editor that saves by writing a new file
 * and renaming it over the old one replaces the file a watch on it would follow. Where the platform
 * cannot watch, the file is polled.
 */
export class SchoolReloader {
  private stopSchool: () => void = () => undefined;
  private translations: { dir: string | null; stop: () => void } = { dir: null, stop: () => undefined };
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private current: SchoolVersion;
  /** What the version in use held when it was read (the folder's files as they were then). */
  private currentContent: string;
  private currentTag: string;

  constructor(private readonly deps: SchoolReloaderDeps) {
    this.current = deps.current;
    this.currentContent = contentOf(deps.current, deps.protocol?.current ?? null);
    this.currentTag = SchoolReloader.tagOf(this.currentContent);
  }

  /** A short tag of the version in use (a hash of its content; no personal data), e.g. for /healthz. */
  get tag(): string {
    return this.currentTag;
  }

  private static tagOf(content: string): string {
    return createHash('sha256').update(content).digest('base64url').slice(0, 12);
  }

  /** Starts watching the school file and its translations folder. */
  start(): void {
    this.stopped = false;
    const file = resolve(this.deps.schoolFile);
    this.stopSchool = this.watch(dirname(file), (name) => name === null || name === basename(file), file);
    // The school's own protocol: its folder next to the school file (protocol.yaml, texts.yaml, texts/).
    if (this.deps.protocol) {
      const folder = schoolFolder(file, this.deps.directory.school.id);
      const stopFile = this.stopSchool;
      let stopFolder: () => void = () => undefined;
      try {
        if (statSync(folder).isDirectory()) stopFolder = this.watch(folder, (name) => name === null || /\.ya?ml$|^texts$/.test(name), folder);
      } catch {
        // No folder (yet): a folder added later is read on SIGHUP or the school file's next change.
      }
      this.stopSchool = () => {
        stopFile();
        stopFolder();
      };
    }
    this.watchTranslations();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopSchool();
    this.translations.stop();
    this.translations = { dir: null, stop: () => undefined };
  }

  /** Reads the files now (one reload at a time, in order). */
  reload(reason: ReloadReason): Promise<ReloadOutcome> {
    const next = this.chain.then(() => this.reloadNow(reason));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private reloadNow(reason: ReloadReason): Promise<ReloadOutcome> | ReloadOutcome {
    const { schoolFile, directory, languages, log, protocol } = this.deps;
    let version: SchoolVersion;
    let nextProtocol: SchoolProtocol | null = null;
    try {
      version = readSchoolVersion(schoolFile);
      // The school's folder is checked against this version of the school file, before anything is swapped.
      nextProtocol = protocol ? protocol.read(schoolFile, version.school) : null;
      if (version.school.id !== directory.school.id) {
        throw new SchoolFileError(`${schoolFile}: id: the school's id changed`, {
          file: schoolFile,
          path: 'id',
          problem: "the school's id changed: another school needs a restart",
        });
      }
    } catch (error) {
      log.error('school.reload-failed', { reason, file: schoolFile, ...problemFields(error), kept: 'previous version' });
      return 'failed';
    }
    const content = contentOf(version, nextProtocol);
    if (content === this.currentContent) {
      this.current = version;
      (reason === 'signal' ? log.info : log.debug)('school.unchanged', { reason });
      return 'unchanged';
    }
    // The swap: each in one assignment; a turn running reads the one or the other.
    const { linksDropped } = directory.replace(nextProtocol ? withSchoolTerms(version.school, nextProtocol) : version.school);
    languages.replace(version.translations);
    // Its dialogs at once; new cases get its ladder, a case keeps the one it started under.
    if (protocol && nextProtocol) protocol.replace(nextProtocol);
    this.current = version;
    this.currentContent = content;
    this.currentTag = SchoolReloader.tagOf(content);
    this.watchTranslations();
    log.info('school.reloaded', {
      reason,
      staff: version.school.staff.length,
      classes: version.school.classes.length,
      students: version.school.students.length,
      translations: version.translations.length,
      linksDropped,
      version: this.currentTag,
    });
    return this.deps.applied(version).then(
      () => 'reloaded' as const,
      (error: unknown) => {
        log.warn('school.after-reload-failed', { error: error instanceof Error ? error.name : 'unknown' });
        return 'reloaded' as const;
      },
    );
  }

  /** A change seen: read the files once the writing has settled. */
  private changed(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload('change'), this.deps.settleMs ?? 200);
    this.timer.unref();
  }

  /** Watches a folder for changes to the names `relevant` accepts (or polls `pollTarget`); returns how to stop. */
  private watch(dir: string, relevant: (name: string | null) => boolean, pollTarget: string): () => void {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (relevant(name === null ? null : String(name))) this.changed();
      });
      // A folder that goes away ends its watch; the file's next version is read on SIGHUP.
      watcher.on('error', () => undefined);
      return () => watcher.close();
    } catch {
      // No file events here (some network and container file systems): look every two seconds.
      this.deps.log.debug('school.watch-polling', {});
      watchFile(pollTarget, { persistent: false, interval: 2000 }, () => this.changed());
      return () => unwatchFile(pollTarget);
    }
  }

  /** Watches the translations folder the current version names (again when it names another). */
  private watchTranslations(): void {
    const dir = translationsDir(this.deps.schoolFile, this.current.school);
    if (this.stopped || dir === this.translations.dir) return;
    this.translations.stop();
    this.translations = { dir, stop: dir ? this.watch(dir, (name) => name === null || /\.ya?ml$/.test(name), dir) : () => undefined };
  }
}
