/**
 * The message that takes a settled notice's place (settle.ts): what the notice was about, what was
 * done, when and by whom, without buttons; in the school's language.
 */
import type { AdaptiveCardJson } from '../../cards/render.js';
import { translator, type MessageKey, type Translate } from '../../i18n/index.js';
import { dayIn } from '../../kernel/time.js';
import { formatDate } from '../../protocol/answers.js';
import { rungName } from '../ladder.js';
import type { BullyingCase } from '../model.js';
import type { Doer, SettleEvent, SettledNotice } from '../results.js';
import { stepKey, type CaseView } from './case-text.js';
import { signalTitle } from './signals.js';

/** How the recipient reads who did it. */
const DOER: Record<Doer, MessageKey> = {
  you: 'case.settled.byYou',
  mentor: 'case.settled.byMentor',
  clz: 'case.settled.byClz',
  directie: 'case.settled.byDirectie',
  colleague: 'case.settled.byColleague',
};

/** What a settled notice is. */
export interface Settled {
  notice: SettledNotice;
  event: SettleEvent;
  by: Doer;
  /** When it was done. */
  at: number;
  /** The case is still open ("more in the case"). */
  open: boolean;
}

/** A notice's title, as the notice showed it. */
function title(t: Translate, notice: SettledNotice): string {
  switch (notice.kind) {
    case 'signal':
      return signalTitle(t, notice.signal);
    case 'escalated':
      return t('case.notify.escalatedTitle');
    case 'proposal':
      return t('case.notify.proposalTitle');
    case 'mt':
      return t('case.notify.mtTitle');
    case 'consulted':
      return t('case.notify.consultedTitle');
  }
}

/** What was done, when and by whom. */
function line(x: CaseView, t: Translate, c: BullyingCase, s: Settled): string {
  const date = formatDate(dayIn(x.school.timeZone, s.at), x.school.locale);
  const who = t(DOER[s.by]);
  const { event } = s;
  switch (event.kind) {
    case 'step':
      return t('case.settled.step', { date, who, step: t(stepKey(event.step)) });
    case 'escalated':
      return t('case.settled.escalated', { date, who });
    case 'decided':
    case 'declined':
      return t(event.kind === 'decided' ? 'case.settled.decided' : 'case.settled.declined', {
        date,
        who,
        rung: rungName(c, event.proposal.rung, x.school.locale),
        students: (event.proposal.studentRefs ?? []).join(', '),
      });
    case 'closed':
      return t('case.settled.closed', { date, who });
  }
}

/** The replacement of a settled notice: its title, the case, what was done, and (while open) where to find more. */
export function settledNotice(x: CaseView, c: BullyingCase, s: Settled): { text: string; card: AdaptiveCardJson } {
  const t = translator(x.school.locale);
  const heading = t('case.settled.title', { title: title(t, s.notice) });
  const text = [t('case.settled.about', { student: c.studentRef, cls: c.classId }), line(x, t, c, s), ...(s.open ? [t('case.settled.more')] : [])].join('\n\n');
  return { text: `${heading}\n${text}`, card: x.deps.cards.render('info', { title: heading, text }) };
}
