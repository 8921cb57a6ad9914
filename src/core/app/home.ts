import type { AdaptiveCardJson, CardRenderer } from '../cards/render.js';
import type { Locale, Translate } from '../i18n/index.js';
import type { RoleBook } from '../people/role-book.js';
import type { Platform, SchoolDirectory } from '../people/school.js';
import { mayStartFlow } from '../protocol/engine.js';
import type { Flow } from '../protocol/schema.js';
import type { HomeList, OverviewItem, Registry } from './registry.js';

export type { HomeList, OverviewItem } from './registry.js';

export interface Overview {
  /** Everything that waits for this person, most pressing kind first (registry.ts `defineWaiting`). */
  waiting: OverviewItem[];
  /** The flows a home screen offers that this person may start, each as a button that starts it. */
  procedures: OverviewItem[];
  /** The home screen's lists (registry.ts `defineHomeList`), in order, each with its title. */
  lists: HomeList[];
}

export interface HomeDeps {
  directory: SchoolDirectory;
  roleBook: RoleBook;
  flows: ReadonlyMap<string, Flow>;
  /** What the installed modules put on a home screen. */
  registry: Pick<Registry, 'waiting' | 'homeLists' | 'homeProcedures'>;
}

/**
 * What a person has open, for a channel's home screen (Slack's App Home): what waits for them, the
 * procedures they may start and the lists the modules define (their cases, their drafts, …). Null for a
 * stranger. Each item carries the card data that opens it, so the channel needs no knowledge of flows;
 * this file names no module either: it asks the registry.
 */
export async function overview(deps: HomeDeps, platform: Platform, userId: string, locale: Locale): Promise<Overview | null> {
  const { directory, roleBook, flows, registry } = deps;
  const actor = directory.findStaff(platform, userId);
  if (!actor) return null;
  const roles = await roleBook.rolesOf(actor.id);
  const who = { actor: { staffId: actor.id, roles }, locale };
  const procedures = registry.homeProcedures.flatMap((flowId) => {
    const flow = flows.get(flowId);
    return flow && mayStartFlow(flow, roles) ? [{ label: flow.title[locale], data: { zorgpad: { start: flowId } } }] : [];
  });
  const lists = await registry.homeLists(who);
  return { waiting: await registry.waiting(who), procedures, lists };
}

/** What waits for a person as one card: a count, then each item with a button that opens it (`cards/waiting.json`). */
export function waitingCard(cards: CardRenderer, t: Translate, items: readonly OverviewItem[]): AdaptiveCardJson {
  return cards.render('waiting', {
    title: t('waiting.title'),
    text: t('waiting.count', { count: items.length }),
    items: items.map((item) => ({ label: item.label, button: t('waiting.open'), data: item.data })),
  });
}
