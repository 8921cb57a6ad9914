import type { AdaptiveCardJson } from './cards/render.js';
import type { Role } from './people/roles.js';

/** Who acts: a staff member and the roles they hold now. */
export interface Actor {
  staffId: string;
  roles: ReadonlySet<Role>;
}

/** One message to a person: always a text (for notifications and plain clients), sometimes a card. */
export interface OutboundMessage {
  text: string;
  card?: AdaptiveCardJson;
  /** The message asks a dialog question: a channel remembers it, to settle it once it is answered. */
  question?: true;
}
