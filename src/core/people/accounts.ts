import type { Clock, Logger, Store } from '../kernel/ports.js';
import { KEEP, writeRecord } from '../kernel/records.js';
import type { Account } from './account-record.js';
import type { SchoolDirectory, StaffMember } from './school.js';

/** The platforms whose accounts are found by e-mail. */
export type AccountPlatform = 'teams' | 'slack';

/** Asks the platform for the e-mail address (or UPN) of an account; null when it has none or cannot say. */
export type EmailLookup = () => Promise<string | null>;

/** An account nobody matched is forgotten this long after it was last seen (it may be a student's address). */
const KEEP_UNKNOWN_MS = 30 * 86_400_000;
/** An unknown account is seen again at most this often in the store (its `lastSeenAt`). */
const SEEN_AGAIN_MS = 3_600_000;

/**
 * Finds the member of staff behind a platform account when the school file lists them by e-mail only
 * (issue: "accounts found by e-mail"). An id in the school file always wins. Otherwise the store's link
 * is used; without one the platform is asked for the account's e-mail address, and a member of staff with
 * that address (and no other account on that platform in the school file) is linked: stored, audited,
 * and remembered in this process (`SchoolDirectory.rememberAccount`). Someone without a match is kept as
 * an unknown account for the beheerders. Every process can resolve any account: the store holds the
 * links, this process only remembers what it read.
 */
export class AccountLinks {
  constructor(
    private readonly store: Store,
    private readonly directory: SchoolDirectory,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private get accounts() {
    return this.store.collection('accounts');
  }

  /** Remembers the links already in the store (at start): deliveries to people linked before find their account. */
  async load(): Promise<number> {
    const all = await this.accounts.findBy('schoolId', this.directory.school.id);
    let n = 0;
    for (const a of all) if (a.status === 'linked' && a.staffId && this.remember(a)) n++;
    return n;
  }

  /** The member of staff behind an account, linking it by e-mail on first contact; null for someone unknown. */
  async resolve(platform: AccountPlatform, account: string, lookup: EmailLookup): Promise<StaffMember | null> {
    const known = this.directory.findStaff(platform, account);
    if (known) return known;
    const id = `${platform}:${account}`;
    const stored = await this.accounts.get(id);
    if (stored?.status === 'linked' && stored.staffId && this.remember(stored)) return this.directory.staffById(stored.staffId);
    // Unknown and seen a moment ago: not asked again (a stranger typing does not call the platform each
    // time), unless the school file now lists the address it gave.
    const listedNow = stored?.email ? this.directory.staffByEmail(stored.email) : null;
    if (stored?.status === 'unknown' && !listedNow && this.clock.now() - stored.lastSeenAt < SEEN_AGAIN_MS) return null;
    const strangerSince = this.strangers.get(id);
    if (strangerSince !== undefined && this.clock.now() - strangerSince < SEEN_AGAIN_MS) return null;
    let email: string | null = null;
    try {
      email = (await lookup())?.trim().toLowerCase() || null;
    } catch (error) {
      this.log.warn('accounts.lookup-failed', { platform, error: error instanceof Error ? error.name : 'unknown' });
    }
    const staff = email ? this.directory.staffByEmail(email) : null;
    // Someone whose account on this platform the school file names, or who has a linked account there
    // already, is not linked to another account by e-mail (a beheerder decides that).
    if (staff && !staff.identities[platform] && !(await this.accountOf(staff.id, platform))) {
      const linked = await this.write(id, (current, now) => ({
        ...(current ?? { id, schoolId: this.directory.school.id, platform, account, firstSeenAt: now }),
        staffId: staff.id,
        email,
        status: 'linked' as const,
        via: 'email' as const,
        lastSeenAt: now,
      }));
      if (linked?.status === 'linked' && linked.staffId && this.remember(linked)) {
        await this.audit(linked, 'system', 'account.linked');
        this.log.info('accounts.linked', { platform, via: 'email' });
        return this.directory.staffById(linked.staffId);
      }
    }
    // Kept for the beheerders only when the address is at a domain the school's staff use: a student or a
    // stranger in the tenant (another domain, or no address) leaves no trace in the store.
    if (!email || !this.staffDomains().has(domainOf(email)) || looksLikeStudent(email, this.directory)) {
      this.log.info('accounts.stranger', { platform });
      this.rememberStranger(id);
      return null;
    }
    await this.write(id, (current, now) =>
      current?.status === 'linked'
        ? KEEP
        : { ...(current ?? { id, schoolId: this.directory.school.id, platform, account, firstSeenAt: now, via: null, staffId: null }), email, status: 'unknown' as const, lastSeenAt: now },
    );
    this.log.info('accounts.unknown', { platform, email: email ? 'given' : 'none' });
    return null;
  }

  /** The accounts nobody matched, first seen first: a number in the list stays the same when new ones arrive (for the beheerders). */
  async unknown(): Promise<Account[]> {
    const all = await this.accounts.findBy('schoolId', this.directory.school.id);
    return all.filter((a) => a.status === 'unknown').sort((a, b) => a.firstSeenAt - b.firstSeenAt || a.id.localeCompare(b.id));
  }

  /**
   * A beheerder links an unknown account to a member of staff. Refused (with the reason) when the
   * account is not an unknown one, or the member of staff already has an account on that platform.
   */
  async link(actorId: string, accountId: string, staffId: string, channel: string): Promise<'linked' | 'no-account' | 'no-staff' | 'has-account'> {
    const staff = this.directory.staffById(staffId);
    if (!staff) return 'no-staff';
    const current = await this.accounts.get(accountId);
    if (!current || current.status !== 'unknown') return 'no-account';
    const platform: AccountPlatform = current.platform === 'slack' ? 'slack' : 'teams';
    if (staff.identities[platform] || (await this.accountOf(staff.id, platform))) return 'has-account';
    const linked = await this.write(accountId, (now, at) =>
      now?.status === 'unknown' ? { ...now, staffId: staff.id, status: 'linked' as const, via: 'beheerder' as const, lastSeenAt: at } : KEEP,
    );
    if (!linked || linked.status !== 'linked' || linked.staffId !== staff.id) return 'no-account';
    this.remember(linked);
    await this.audit(linked, actorId, 'account.linked-by-beheerder', channel);
    return 'linked';
  }

  /** Forgets unknown accounts not seen for `KEEP_UNKNOWN_MS` (the daily upkeep); how many. */
  async sweepUnknown(): Promise<number> {
    const before = this.clock.now() - KEEP_UNKNOWN_MS;
    let removed = 0;
    for (const a of await this.unknown()) if (a.lastSeenAt < before && (await this.accounts.delete(a.id))) removed++;
    return removed;
  }

  /** A member of staff's account on a platform: from the school file, else a stored link (read again from the store). */
  async accountOf(staffId: string, platform: AccountPlatform): Promise<string | null> {
    const cached = this.directory.staffById(staffId)?.identities[platform] ?? this.directory.accountOf(staffId, platform);
    if (cached) return cached;
    const links = await this.accounts.findBy('staffId', staffId);
    const link = links.find((a) => a.platform === platform && a.status === 'linked' && a.schoolId === this.directory.school.id);
    return link && this.remember(link) ? link.account : null;
  }

  /**
   * Accounts seen lately that are no one's (no address, another domain, a student): not looked up on each
   * message. Only this process's shortcut: forgetting it costs one more lookup, nothing else.
   */
  private readonly strangers = new Map<string, number>();
  private rememberStranger(id: string): void {
    if (this.strangers.size > 10_000) this.strangers.clear();
    this.strangers.set(id, this.clock.now());
  }

  /** The domains of the school file's staff e-mail addresses. */
  private staffDomains(): Set<string> {
    return new Set(this.directory.staff.flatMap((m) => (m.email ? [domainOf(m.email)] : [])));
  }

  /**
   * Remembers a stored link in this process, when it still holds: the member of staff is in the school
   * file, the file gives the account to no one else, and a link made by e-mail still matches the address
   * the file lists for them (a corrected address undoes it).
   */
  private remember(a: Account): boolean {
    if (a.staffId === null) return false;
    if (a.via === 'email') {
      const listed = this.directory.staffById(a.staffId)?.email?.toLowerCase();
      if (!listed || listed !== a.email) return false;
    }
    return this.directory.rememberAccount(a.platform, a.account, a.staffId);
  }

  private async write(id: string, decide: (current: Account | null, now: number) => Omit<Account, 'version'> | typeof KEEP): Promise<Account | null> {
    const now = this.clock.now();
    const { record } = await writeRecord(this.accounts, id, (current) => decide(current, now));
    return record;
  }

  private audit(a: Account, actor: string, action: string, channel: string = a.platform): Promise<void> {
    return this.store.audit.append({ at: this.clock.now(), schoolId: a.schoolId, actor, action, recordKind: 'account', recordId: a.id, channel });
  }
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** An address whose local part is a student number of the school (students often have one at the school's domain). */
function looksLikeStudent(email: string, directory: SchoolDirectory): boolean {
  const local = email.slice(0, email.lastIndexOf('@'));
  return directory.findStudent(local) !== null || /^\d{4,}$/.test(local);
}
