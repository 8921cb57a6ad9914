import type { CardRenderer } from '../cards/render.js';
import type { Outbox } from '../notify/outbox.js';
import type { RoleBook } from '../people/role-book.js';
import type { SchoolDirectory } from '../people/school.js';
import type { Clock, Store } from './ports.js';

/**
 * What every part of Zorgpad that works for the school is built with: the store, the school's people and
 * their roles, the outbox and the clock. app.ts makes each once; the domain cores, the scheduler and the
 * channels extend this with what they need besides.
 */
export interface SchoolServices {
  store: Store;
  directory: SchoolDirectory;
  roleBook: RoleBook;
  outbox: Outbox;
  clock: Clock;
}

/** The school's services with what the domains that record and word things need: cards and new ids. */
export interface DomainServices extends SchoolServices {
  cards: CardRenderer;
  newId: () => string;
}
