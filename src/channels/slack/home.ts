import type { HomeView } from '@slack/types';
import type { Overview } from '../../core/app/assistant.js';
import type { Translate } from '../../core/i18n/index.js';
import { clip, encodeButton, fitBlocks, LIMITS, mrkdwn, type SlackBlock } from './blocks.js';

/** At most this many items per list on the home tab; the rest is in "mijn zaken" / "mijn aanvragen". */
const MAX_ITEMS = 15;

/**
 * The App Home tab: what waits for this person ("wacht op jou"), the procedures they may start as
 * buttons, then the lists the modules define (their open cases, their exception drafts, the reviews they
 * are due to record, …), each under its title, each item with a button that opens it in a modal
 * (`zp.home.<list>.<n>`).
 */
export function homeView(overview: Overview | null, t: Translate): HomeView {
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: t('slack.home.title') } }];
  if (!overview) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: mrkdwn(t('slack.home.unknown')) } });
    return { type: 'home', blocks };
  }
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: mrkdwn(t('slack.home.intro')) } });
  // What waits for this person first: it is why most people open the tab.
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${mrkdwn(t('waiting.title'))}*` } });
  if (!overview.waiting.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(t('waiting.none')) }] });
  overview.waiting.slice(0, MAX_ITEMS).forEach((item, i) => {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(mrkdwn(item.label), LIMITS.sectionText) },
      accessory: {
        type: 'button',
        action_id: `zp.home.waiting.${i}`,
        text: { type: 'plain_text', text: clip(t('waiting.open'), LIMITS.buttonText) },
        value: encodeButton({ data: item.data, withInputs: false }),
        style: 'primary',
      },
    });
  });
  blocks.push({ type: 'divider' });
  if (overview.procedures.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${mrkdwn(t('slack.home.procedures'))}*` } });
    blocks.push({
      type: 'actions',
      block_id: 'procedures',
      elements: overview.procedures.map((p, i) => ({
        type: 'button' as const,
        action_id: `zp.home.start.${i}`,
        text: { type: 'plain_text' as const, text: clip(p.label, LIMITS.buttonText) },
        value: encodeButton({ data: p.data, withInputs: false }),
        ...(i === 0 ? { style: 'primary' as const } : {}),
      })),
    });
  }
  for (const { name, title, items } of overview.lists) {
    blocks.push({ type: 'divider' }, { type: 'section', text: { type: 'mrkdwn', text: `*${mrkdwn(title)}*` } });
    if (!items.length) {
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(t('slack.home.none')) }] });
      continue;
    }
    items.slice(0, MAX_ITEMS).forEach((item, i) => {
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: clip(mrkdwn(item.label), LIMITS.sectionText) },
        accessory: {
          type: 'button',
          action_id: `zp.home.${name}.${i}`,
          text: { type: 'plain_text', text: clip(t('slack.home.open'), LIMITS.buttonText) },
          value: encodeButton({ data: item.data, withInputs: false }),
        },
      });
    });
  }
  return { type: 'home', blocks: fitBlocks(blocks, t('slack.modal.more')) };
}
