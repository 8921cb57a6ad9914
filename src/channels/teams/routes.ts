import type { SchoolServices } from '../../core/kernel/services.js';
import { SharedNotes } from '../../core/kernel/transient.js';
import type { OutboundMessage } from '../../core/turn.js';
import type { Activity } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { TeamsConfig } from '../../config/env.js';
import type { Assistant } from '../../core/app/assistant.js';
import type { Background } from '../../core/kernel/background.js';
import type { WorkLoop } from '../../core/work/loop.js';
import type { AccountLinks } from '../../core/people/accounts.js';
import type { Logger } from '../../core/kernel/ports.js';
import { HttpError, readJson, sendJson, type HttpServer } from '../../http/server.js';
import { activitySchema, isLoopback } from './activity.js';
import { createAdapter } from './adapter.js';
import { TokenPrecheck } from './token-check.js';
import { TeamsBot } from './bot.js';
import { TeamsDelivery } from './delivery.js';
import { TeamsReferences } from './references.js';

export interface TeamsDeps extends SchoolServices {
  config: Exclude<TeamsConfig, { mode: 'off' }>;
  assistant: Assistant;
  log: Logger;
  /** True when a person can be reached on another channel (so Teams does not report them unreachable). */
  reachableElsewhere?: (staffId: string) => boolean;
  /** How often the outbox is delivered to Teams. */
  deliveryIntervalMs: number;
  /** Where delivery rounds are counted (a stopping process lets them finish). */
  background: Background;
  /** The process's work loop: the Teams deliveries of the outbox are one of its sources. */
  work: WorkLoop;
  /** Finds a member of staff the school file lists by e-mail only. */
  accounts?: AccountLinks;
}

export interface TeamsChannel {
  delivery: TeamsDelivery;
}

/** `POST /api/messages` on the shared server, and the outbox delivery loop. */
export function mountTeams(http: HttpServer, deps: TeamsDeps): TeamsChannel {
  const { config, log } = deps;
  const adapter = createAdapter(config);
  const precheck = config.mode === 'authenticated' ? new TokenPrecheck(config) : null;
  const references = new TeamsReferences(deps.store, deps.directory, deps.clock);
  // A reply the connector did not take goes to the outbox, addressed to the person, and is retried in order.
  const later = async (aadObjectId: string, messages: OutboundMessage[]) => {
    const staff = deps.directory.findStaff('teams', aadObjectId);
    if (staff) await deps.outbox.queueReplies(staff.id, messages);
  };
  // A week is longer than any question waits for its answer.
  const bot = new TeamsBot(deps.assistant, references, log, later, new SharedNotes(deps.store, 'teams-question', 7 * 86_400_000), deps.accounts);
  const appId = config.mode === 'authenticated' ? config.appId : '';
  const delivery = new TeamsDelivery(adapter, appId, deps.outbox, references, deps.directory, deps.roleBook, log, deps.background, deps.clock, deps.reachableElsewhere);

  http.route('POST', '/api/messages', async (req, res) => {
    const parsed = activitySchema.safeParse(await readJson(req, 256 * 1024));
    if (!parsed.success) throw new HttpError(400, 'not a valid activity');
    const activity = parsed.data;
    // Without authentication the bot would POST wherever an activity points: loopback only.
    if (config.mode === 'unauthenticated' && !isLoopback(activity.serviceUrl)) {
      throw new HttpError(400, 'serviceUrl must be loopback while TEAMS_ALLOW_UNAUTHENTICATED is on');
    }
    const authHeader = req.headers.authorization ?? '';
    if (config.mode === 'authenticated' && !authHeader) throw new HttpError(401, 'missing authorization');
    if (precheck && !(await precheck.passes(authHeader))) {
      log.warn('teams.unauthorized', { reason: 'token' });
      throw new HttpError(401, 'unauthorized');
    }
    // Whatever fails before our turn starts is the token check (botbuilder throws several error
    // kinds for bad signatures and expired tokens): that is a 401, not a 500.
    let turnStarted = false;
    try {
      const invoke = await adapter.run(authHeader, activity as unknown as Activity, (context) => {
        turnStarted = true;
        return bot.onTurn(context, activity);
      });
      if (invoke) sendJson(res, invoke.status, invoke.body ?? {});
      else {
        res.writeHead(200);
        res.end();
      }
    } catch (error) {
      if (error instanceof AuthenticationError || !turnStarted) {
        log.warn('teams.unauthorized', { reason: error instanceof Error ? error.name : 'unknown' });
        throw new HttpError(401, 'unauthorized');
      }
      throw error;
    }
    delivery.afterTurn();
  });

  delivery.runIn(deps.work, deps.deliveryIntervalMs);
  return { delivery };
}
