/**
 * Phone-ban exceptions, for the rest of Zorgpad: the shared core and what other parts of Zorgpad name
 * (the kernteam channel, the pause in force, the scopes, the figures' keys). The operations are called
 * from their own files (drafts, voting, reviews, misuse, listings) with the core first; what they
 * report is worded by presentation/.
 */
export { currentPauseEnd, ExceptionCore, KERNTEAM_CHANNEL, scopesOf, type ExceptionServiceDeps } from './context.js';
export { countKey } from './presentation/words.js';
export type * from './results.js';
