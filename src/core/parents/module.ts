/** The parents' side as a module of the assistant: the form's link and letters to parents, asked for in chat. */
import { defineModule } from '../app/registry.js';
import { PARENT_COMMANDS, type ParentCommandDeps } from './commands.js';

export type ParentModuleDeps = ParentCommandDeps;

export const parentsModule = defineModule<ParentModuleDeps>({ name: 'parents', commands: PARENT_COMMANDS });
