import type { Role } from '../people/roles.js';
import type { KernteamVote, VoteChoice } from './model.js';

/** How a school's kernteam decides; the defaults follow the school's guidance. */
export interface DecisionRule {
  /** The roles whose members may vote. */
  kernteamRoles: readonly Role[];
  /** How many different kernteam roles must have voted alike. */
  minRoles: number;
  /** A role that must be among the voters. */
  requiredRole: Role | null;
}

export const DEFAULT_RULE: DecisionRule = { kernteamRoles: ['zorgcoordinator', 'orthopedagoog'], minRoles: 2, requiredRole: 'zorgcoordinator' };

export type RuleOutcome = { state: 'open' } | { state: 'agenda' } | { state: 'decided'; outcome: 'granted' | 'rejected' };

/**
 * The decision rule: decided when enough different roles voted and all agree (the required role among
 * them); any "needs discussion", or approve and reject side by side, puts it on the kernteam agenda.
 */
export function evaluate(votes: readonly KernteamVote[], rule: DecisionRule): RuleOutcome {
  if (votes.some((v) => v.vote === 'discuss')) return { state: 'agenda' };
  const choices = new Set<VoteChoice>(votes.map((v) => v.vote));
  if (choices.size > 1) return { state: 'agenda' };
  const roles = new Set(votes.map((v) => v.role));
  if (roles.size < rule.minRoles) return { state: 'open' };
  if (rule.requiredRole && !roles.has(rule.requiredRole)) return { state: 'open' };
  return { state: 'decided', outcome: votes[0]!.vote === 'approve' ? 'granted' : 'rejected' };
}

/** The kernteam role a person votes in: the first of the rule's roles they hold, or null. */
export function kernteamRole(roles: ReadonlySet<Role>, rule: DecisionRule): Role | null {
  return rule.kernteamRoles.find((r) => roles.has(r)) ?? null;
}
