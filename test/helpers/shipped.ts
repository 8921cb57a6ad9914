import { COMMAND_ANSWERS, COMMANDS_PASSING_SAFEGUARD } from '../../src/core/app/commands.js';
import { CardRenderer } from '../../src/core/cards/render.js';
import type { FlowReferences } from '../../src/core/protocol/loader.js';

/** What the shipped dialogs may refer to: the real commands and the templates in cards/. */
export function shippedReferences(): FlowReferences {
  return { commands: COMMAND_ANSWERS, passSafeguard: COMMANDS_PASSING_SAFEGUARD, cards: new Set(CardRenderer.load('cards').names) };
}
