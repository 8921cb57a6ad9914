import { z } from 'zod';
import { TurnContext, type ConversationReference } from 'botbuilder';
import type { Clock, Store, VersionedRecord } from '../../core/kernel/ports.js';
import { KEEP, writeRecord } from '../../core/kernel/records.js';
import type { SchoolDirectory } from '../../core/people/school.js';
import { KERNTEAM_CHANNEL } from '../../core/exceptions/service.js';
import type { InboundActivity } from './activity.js';

/** Where a staff member (or the kernteam channel) can be reached proactively in Teams. */
export interface TeamsReference extends VersionedRecord {
  schoolId: string;
  /** A staff id, or `channel:kernteam`. */
  staffId: string;
  /** The Bot Framework conversation reference, as JSON text. */
  reference: string;
  /** Set on a 403: the person blocked or removed the app. */
  unreachable: boolean;
  updatedAt: number;
}

/** How long a person's Teams user id is kept in memory. */
const USER_ID_TTL_MS = 5 * 60_000;

export class TeamsReferences {
  private readonly userIds = new Map<string, { id: string | null; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly directory: SchoolDirectory,
    private readonly clock: Clock,
  ) {}

  private get refs() {
    return this.store.collection('conversationRefs');
  }

  /** Remembers where this activity came from: the person's 1:1 chat, or the kernteam channel. */
  async remember(activity: InboundActivity): Promise<void> {
    // Without the message's own id (it changes with every message, and a proactive post does not
    // answer a message): the stored reference changes only when the conversation does.
    const { activityId: _activityId, ...reference } = TurnContext.getConversationReference(activity as never) as ConversationReference;
    const channelId = activity.channelData?.channel?.id ?? activity.conversation.id;
    const kernteamChannel = this.directory.school.kernteam.teamsChannel;
    const sender = activity.from.aadObjectId ? this.directory.findStaff('teams', activity.from.aadObjectId) : null;
    if (sender && kernteamChannel && (channelId === kernteamChannel || activity.conversation.id.startsWith(kernteamChannel))) {
      // Only from a known member of staff, and without who sent it: the reference says where the
      // channel is, not who spoke there. Post into the channel itself, not into the message's thread.
      const { user: _user, ...where } = reference;
      await this.save(KERNTEAM_CHANNEL, { ...where, conversation: { ...reference.conversation, id: kernteamChannel } });
    }
    if (activity.conversation.conversationType === 'personal' && activity.from.aadObjectId) {
      const staff = this.directory.findStaff('teams', activity.from.aadObjectId);
      if (staff) await this.save(staff.id, reference);
    }
  }

  /**
   * True the first time for a conversation: Teams sends both conversationUpdate and installationUpdate
   * on an install. Only for known staff: someone Zorgpad does not know (a student, a stranger in the
   * tenant) leaves no trace in the store, and is welcomed on each install event instead.
   */
  firstWelcome(activity: InboundActivity): Promise<boolean> {
    const known = activity.from.aadObjectId ? this.directory.findStaff('teams', activity.from.aadObjectId) : null;
    if (!known) return Promise.resolve(true);
    return this.store.idempotency.claim(`teams:welcome:${activity.conversation.id}`, this.clock.now());
  }

  /** A person's stored reference, parsed; null when there is none or it is not one Zorgpad can use. */
  async get(staffId: string): Promise<{ record: TeamsReference; reference: ConversationReference } | null> {
    const record = await this.refs.get(this.id(staffId));
    if (!record) return null;
    const parsed = storedReferenceSchema.safeParse(safeJson(record.reference));
    return parsed.success ? { record, reference: parsed.data as unknown as ConversationReference } : null;
  }

  /**
   * A card's `refresh.userIds` name staff; Teams wants its own user ids (from the people's 1:1
   * conversations). Staff who never talked to the bot are left out.
   */
  async forTeams<T>(card: T): Promise<T> {
    const refresh = (card as { refresh?: { userIds?: unknown } }).refresh;
    if (!refresh || !Array.isArray(refresh.userIds)) return card;
    const ids: string[] = [];
    for (const staffId of refresh.userIds as string[]) {
      const id = await this.teamsUserId(staffId);
      if (id) ids.push(id);
    }
    return { ...card, refresh: { ...refresh, userIds: ids.slice(0, 60) } };
  }

  /**
   * A person's Teams user id, read once and then kept for a few minutes: every kernteam card carries
   * the ids of all members, and reading them all from the store for every refresh is most of its cost.
   * The id of a person's account does not change; someone who installs later appears within minutes.
   */
  private async teamsUserId(staffId: string): Promise<string | null> {
    const now = this.clock.now();
    const cached = this.userIds.get(staffId);
    if (cached && now - cached.at < USER_ID_TTL_MS) return cached.id;
    const found = await this.get(staffId);
    const id = found?.reference.user?.id ?? null;
    this.userIds.set(staffId, { id, at: now });
    return id;
  }

  /**
   * A 403 on this reference: the person blocked or removed the app. Decided on the reference as stored:
   * when the person installed again meanwhile (another conversation), the new reference stays usable.
   */
  async markUnreachable(record: TeamsReference): Promise<void> {
    await writeRecord(this.refs, record.id, (current) =>
      current && current.reference === record.reference && !current.unreachable ? { ...current, unreachable: true, updatedAt: this.clock.now() } : KEEP,
    );
  }

  private id(staffId: string): string {
    return `teams:${this.directory.school.id}:${staffId}`;
  }

  private async save(staffId: string, reference: Partial<ConversationReference>): Promise<void> {
    this.userIds.delete(staffId);
    const id = this.id(staffId);
    const fields = { schoolId: this.directory.school.id, staffId, reference: JSON.stringify(reference), unreachable: false, updatedAt: this.clock.now() };
    await writeRecord(this.refs, id, (current) => (current && current.reference === fields.reference && !current.unreachable ? KEEP : { ...current, id, ...fields }));
  }
}

/** What Zorgpad stores of a Bot Framework conversation reference, as it is read back: where to post, and to which conversation. */
const storedReferenceSchema = z
  .object({
    serviceUrl: z.string().url(),
    channelId: z.string().optional(),
    conversation: z.object({ id: z.string().min(1) }).loose(),
    bot: z.object({ id: z.string() }).loose().optional(),
    user: z.object({ id: z.string() }).loose().optional(),
  })
  .loose();

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
