// Longer than 350 lines: Adaptive Card → Block Kit, one element kind per function, within Slack's limits: one
// conversion.
/**
 * Adaptive Card → Block Kit. Cards are authored once (cards/); Slack gets a translation of the subset
 * Zorgpad uses (TextBlock, FactSet, Container, ActionSet, Input.Text/ChoiceSet/Date, Action.Execute /
 * Submit / OpenUrl), never an image of a card. A monospace TextBlock is a text to copy (for Magister, a
 * letter, a link for parents): it becomes preformatted text, which a triple click selects whole; an
 * Action.OpenUrl becomes a link button. Slack's limits are enforced here: long texts are split,
 * long labels shortened with "…", and a card that needs more blocks than a surface allows is split into
 * several messages or, in a modal, cut short with a note that says where the rest is.
 */

import type {
  ActionsBlock,
  Button,
  ContextBlock,
  Datepicker,
  DividerBlock,
  HeaderBlock,
  InputBlock,
  MrkdwnElement,
  MultiStaticSelect,
  PlainTextElement,
  PlainTextInput,
  PlainTextOption,
  SectionBlock,
  StaticSelect,
} from '@slack/types';
import { ESCAPED_CHARACTER, unescapeMarkdown } from '../../core/cards/markdown.js';

export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  fieldText: 2000,
  fieldsPerSection: 10,
  buttonText: 75,
  buttonValue: 2000,
  actionsPerBlock: 25,
  optionText: 75,
  options: 100,
  labelText: 2000,
  placeholderText: 150,
  contextElements: 10,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  blockId: 255,
  fallbackText: 40000,
} as const;

/**
 * A type of @slack/types with some fields narrowed to what Zorgpad builds and relies on (a button always
 * has an action_id, a select its options, a section mrkdwn text): still assignable to the library's type,
 * so blocks go to the Web API as they are, and a plain object type, so tests can read them as records.
 */
type Narrowed<T, N extends Partial<T> = Record<never, never>> = Omit<T, keyof N> & N;

export type SlackMrkdwn = Narrowed<MrkdwnElement>;
export type SlackOption = Narrowed<PlainTextOption, { value: string }>;
export type SlackButton = Narrowed<Button, { action_id: string }>;
export type SlackInputElement =
  | Narrowed<PlainTextInput, { action_id: string }>
  | Narrowed<Datepicker, { action_id: string }>
  /** `initial_option(s)`: what is chosen already (a form filled in with what is known). */
  | Narrowed<StaticSelect, { action_id: string; options: SlackOption[]; initial_option?: SlackOption }>
  | Narrowed<MultiStaticSelect, { action_id: string; options: SlackOption[]; initial_options?: SlackOption[] }>;
export type SlackBlock =
  | Narrowed<HeaderBlock>
  | Narrowed<SectionBlock, { text?: SlackMrkdwn; fields?: SlackMrkdwn[]; accessory?: SlackButton }>
  | Narrowed<ContextBlock, { elements: SlackMrkdwn[] }>
  | Narrowed<DividerBlock>
  | Narrowed<ActionsBlock, { elements: SlackButton[] }>
  | Narrowed<InputBlock, { block_id: string; optional: boolean; element: SlackInputElement }>;

/** Where blocks are shown: limits and what inputs do differ. */
export type Surface = 'message' | 'modal' | 'home';

export interface TranslateOptions {
  /** Leave the card's inputs out (the kernteam card in a channel: votes ask their motivation in a modal). */
  inputs?: boolean;
  /** Said when blocks had to be left out (a modal or home tab holds at most 100). */
  moreNote?: string;
}

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Shortens to `max` characters, ending with "…" when something was cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Slack's mrkdwn needs &, < and > escaped; Adaptive Cards' **bold** becomes *bold*. */
export function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\*\*(.+?)\*\*/g, '*$1*');
}

/**
 * A card's text as Slack mrkdwn. Card texts are Adaptive Cards markdown in which the renderer escaped
 * everything written (src/core/cards/markdown.ts): an escaped character is what someone typed and shows
 * as typed (`\[x\](…)` stays "[x](…)", `\*\*vet\*\*` stays "**vet**", `\<!channel\>` is escaped for Slack);
 * only unescaped `**bold**` becomes Slack's `*bold*`.
 */
export function cardMrkdwn(text: string): string {
  const typed: string[] = [];
  // Private-use placeholders stand for the escaped characters while the markup is converted.
  const marked = text.replace(/\uE000/g, '\uFFFD').replace(ESCAPED_CHARACTER, (_, c: string) => {
    typed.push(c);
    return '\uE000';
  });
  let i = 0;
  return mrkdwn(marked).replace(/\uE000/g, () => slackText(typed[i++]!));
}

/**
 * A message's `text` as Slack must get it: &, < and > escaped, so that what someone typed ("<!channel>",
 * "<@U123>", "<https://x|klik>") shows as typed and never notifies a channel or hides a link.
 */
export function slackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A text to copy as Slack preformatted text (a code block), in sections of at most `max` characters. Read
 * as typed: the card's escapes undone, &, < and > escaped for Slack; a run of three backticks (which would
 * end the block) becomes three apostrophes.
 */
export function preformatted(markdown: string, max: number = LIMITS.sectionText): string[] {
  const text = unescapeMarkdown(markdown).replace(/`{3,}/g, (run) => "'".repeat(run.length));
  const fence = (piece: string) => `\`\`\`${slackText(piece)}\`\`\``;
  const out: string[] = [];
  const add = (piece: string, room: number): void => {
    if (fence(piece).length <= max || room < 2) {
      out.push(fence(piece));
      return;
    }
    // &, < and > grow when escaped: split again, smaller, until each piece fits.
    for (const part of splitText(piece, Math.floor(room / 2))) add(part, Math.floor(room / 2));
  };
  for (const piece of splitText(text.trim(), max - 6)) add(piece, max - 6);
  return out;
}

const plain = (text: string, max: number): PlainTextElement => ({ type: 'plain_text', text: clip(text || ' ', max), emoji: true });

/** Splits a long text into pieces of at most `max` characters, at a line break or space where possible. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  pieces.push(rest);
  return pieces.filter((p) => p.length > 0);
}

/** The data a button sends back: the card action's data (inputs are added from the state on click). */
export interface ButtonData {
  data: unknown;
  /** False for `associatedInputs: none` (skip, details): the inputs are not sent with it. */
  withInputs: boolean;
}

export function encodeButton(button: ButtonData): string {
  return JSON.stringify(button.withInputs ? { d: button.data } : { d: button.data, n: 1 });
}

export function decodeButton(value: string): ButtonData | null {
  try {
    const parsed = JSON.parse(value) as { d?: unknown; n?: unknown };
    if (!parsed || typeof parsed !== 'object' || !('d' in parsed)) return null;
    return { data: parsed.d, withInputs: parsed.n !== 1 };
  } catch {
    return null;
  }
}

export interface Translation {
  blocks: SlackBlock[];
  /** The primary action of a card with inputs: in a modal it becomes the Submit button. */
  submit: { title: string; data: ButtonData } | null;
  /** The card's text, for notifications and clients that show no blocks. */
  text: string;
}

/** Translates one card's body and actions into blocks, without applying a surface's block limit. */
export function translateCard(card: Json, surface: Surface, options: TranslateOptions = {}): Translation {
  const blocks: SlackBlock[] = [];
  const texts: string[] = [];
  let inputCount = 0;
  const withInputs = options.inputs !== false;

  // Card texts are markdown with what people typed escaped: plain text reads the escapes, mrkdwn converts them.
  const addText = (markdown: string, kind: 'header' | 'section' | 'context') => {
    const text = unescapeMarkdown(markdown);
    if (!text.trim()) return;
    texts.push(text);
    if (kind === 'header' && [...text].length <= LIMITS.headerText) {
      blocks.push({ type: 'header', text: plain(text, LIMITS.headerText) });
      return;
    }
    for (const piece of splitText(cardMrkdwn(markdown), LIMITS.sectionText)) {
      if (kind === 'context') blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: piece }] });
      else blocks.push({ type: 'section', text: { type: 'mrkdwn', text: kind === 'header' ? `*${piece}*` : piece } });
    }
  };

  const walk = (element: Json): void => {
    if (element.isVisible === false) return;
    switch (element.type) {
      case 'TextBlock': {
        if (element.fontType === 'Monospace') {
          const text = unescapeMarkdown(str(element.text));
          if (!text.trim()) return;
          texts.push(text);
          for (const piece of preformatted(str(element.text))) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: piece } });
          return;
        }
        const big = element.weight === 'Bolder' && (element.size === 'Medium' || element.size === 'Large' || element.size === 'ExtraLarge');
        addText(str(element.text), big ? 'header' : element.isSubtle === true ? 'context' : 'section');
        return;
      }
      case 'FactSet': {
        const facts = (Array.isArray(element.facts) ? element.facts : []) as Json[];
        const fields = facts.map((f) => {
          texts.push(`${unescapeMarkdown(str(f.title))}: ${unescapeMarkdown(str(f.value))}`);
          return { type: 'mrkdwn' as const, text: clip(`*${cardMrkdwn(str(f.title))}*\n${cardMrkdwn(str(f.value))}`, LIMITS.fieldText) };
        });
        for (let i = 0; i < fields.length; i += LIMITS.fieldsPerSection) {
          blocks.push({ type: 'section', fields: fields.slice(i, i + LIMITS.fieldsPerSection) });
        }
        return;
      }
      case 'Container':
        for (const item of (element.items as Json[] | undefined) ?? []) walk(item);
        return;
      case 'ColumnSet':
        for (const column of (element.columns as Json[] | undefined) ?? []) for (const item of (column.items as Json[] | undefined) ?? []) walk(item);
        return;
      case 'ActionSet':
        addActions((element.actions as Json[] | undefined) ?? []);
        return;
      case 'Input.Text':
      case 'Input.Date':
      case 'Input.ChoiceSet':
        if (withInputs) {
          const input = inputBlock(element);
          if (input && input.type === 'input') texts.push(input.label.text);
          if (input) {
            inputCount++;
            blocks.push(input);
          }
        }
        return;
      default:
        // Images and anything else we do not author: nothing (Slack never gets pictures of cards).
        return;
    }
  };

  let submit: Translation['submit'] = null;
  let buttonIndex = 0;
  const addActions = (actions: Json[]) => {
    const buttons: SlackButton[] = [];
    for (const action of actions) {
      const type = str(action.type);
      const title = str(action.title);
      if (type === 'Action.OpenUrl') {
        buttons.push({ type: 'button', action_id: `zp.url.${buttonIndex++}`, text: plain(title, LIMITS.buttonText), url: str(action.url) });
        continue;
      }
      if (type !== 'Action.Execute' && type !== 'Action.Submit') continue;
      const data: ButtonData = { data: action.data ?? {}, withInputs: action.associatedInputs !== 'none' };
      // In a modal with inputs, the card's first button that sends them is the modal's Submit.
      if (surface === 'modal' && inputCount > 0 && data.withInputs && !submit) {
        submit = { title, data };
        continue;
      }
      const value = encodeButton(data);
      if (value.length > LIMITS.buttonValue) throw new Error(`card button "${title}" carries more than ${LIMITS.buttonValue} characters of data`);
      buttons.push({
        type: 'button',
        action_id: `zp.${buttonIndex++}`,
        text: plain(title, LIMITS.buttonText),
        value,
        ...(buttonIndex === 1 && data.withInputs && inputCount > 0 ? { style: 'primary' as const } : {}),
      });
    }
    for (let i = 0; i < buttons.length; i += LIMITS.actionsPerBlock) {
      blocks.push({ type: 'actions', elements: buttons.slice(i, i + LIMITS.actionsPerBlock) });
    }
  };

  for (const element of (card.body as Json[] | undefined) ?? []) walk(element);
  addActions((card.actions as Json[] | undefined) ?? []);
  return { blocks, submit, text: texts.join('\n') };
}

function inputBlock(element: Json): SlackBlock | null {
  const id = clip(str(element.id), LIMITS.blockId);
  if (!id) return null;
  const label = plain(str(element.label) || str(element.placeholder) || id, LIMITS.labelText);
  const optional = element.isRequired !== true;
  const placeholder = str(element.placeholder) ? { placeholder: plain(str(element.placeholder), LIMITS.placeholderText) } : {};
  const block = { type: 'input' as const, block_id: id, label, optional };
  switch (element.type) {
    case 'Input.Text': {
      const maxLength = typeof element.maxLength === 'number' ? element.maxLength : Number(element.maxLength);
      return {
        ...block,
        element: {
          type: 'plain_text_input',
          action_id: id,
          multiline: element.isMultiline === true,
          ...(Number.isFinite(maxLength) && maxLength > 0 ? { max_length: Math.min(maxLength, 3000) } : {}),
          ...placeholder,
          ...(str(element.value) ? { initial_value: str(element.value) } : {}),
        },
      };
    }
    case 'Input.Date':
      return { ...block, element: { type: 'datepicker', action_id: id, ...placeholder } };
    case 'Input.ChoiceSet': {
      const choices = ((element.choices as Json[] | undefined) ?? []).slice(0, LIMITS.options);
      const multiple = element.isMultiSelect === true || element.isMultiSelect === 'true';
      const options = choices.map((c) => ({ text: plain(str(c.title), LIMITS.optionText), value: clip(str(c.value), 150) }));
      const chosen = str(element.value) ? options.filter((o) => str(element.value).split(',').includes(o.value)) : [];
      const initial = chosen.length === 0 ? {} : multiple ? { initial_options: chosen } : { initial_option: chosen[0]! };
      return {
        ...block,
        element: { type: multiple ? 'multi_static_select' : 'static_select', action_id: id, options, ...placeholder, ...initial },
      };
    }
    default:
      return null;
  }
}

/**
 * A card as one or more messages of at most 50 blocks: buttons stay with the last part, so a long
 * card is split rather than cut.
 */
export function toMessages(card: Json, options: TranslateOptions = {}): Array<{ blocks: SlackBlock[]; text: string }> {
  const { blocks, text } = translateCard(card, 'message', options);
  const fallback = slackText(clip(text || ' ', LIMITS.fallbackText));
  const parts: Array<{ blocks: SlackBlock[]; text: string }> = [];
  for (let i = 0; i < blocks.length || parts.length === 0; i += LIMITS.messageBlocks) {
    parts.push({ blocks: blocks.slice(i, i + LIMITS.messageBlocks), text: fallback });
  }
  return parts;
}

/** Blocks for a modal or the home tab: at most 100; what does not fit is replaced by a note. */
export function fitBlocks(blocks: SlackBlock[], moreNote: string): SlackBlock[] {
  const max = LIMITS.modalBlocks;
  if (blocks.length <= max) return blocks;
  // Keep the inputs and buttons (the form must still work); cut the text before them.
  const keep = blocks.filter((b) => b.type === 'input' || b.type === 'actions');
  const room = max - 1 - keep.length;
  const text = blocks.filter((b) => b.type !== 'input' && b.type !== 'actions').slice(0, Math.max(room, 0));
  const note: SlackBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: clip(mrkdwn(moreNote), LIMITS.sectionText) }] };
  return [...text, note, ...keep].slice(0, max);
}

/** Checks blocks against Slack's limits; an empty list means they fit. Used by the tests on every card. */
export function limitProblems(blocks: SlackBlock[], surface: Surface): string[] {
  const problems: string[] = [];
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.modalBlocks;
  if (blocks.length > max) problems.push(`${blocks.length} blocks (at most ${max})`);
  const ids = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `block ${i} (${block.type})`;
    switch (block.type) {
      case 'header':
        if (block.text.text.length > LIMITS.headerText) problems.push(`${at}: header longer than ${LIMITS.headerText}`);
        break;
      case 'section':
        if (!block.text && !block.fields?.length) problems.push(`${at}: empty section`);
        if (block.text && block.text.text.length > LIMITS.sectionText) problems.push(`${at}: text longer than ${LIMITS.sectionText}`);
        if ((block.fields?.length ?? 0) > LIMITS.fieldsPerSection) problems.push(`${at}: more than ${LIMITS.fieldsPerSection} fields`);
        for (const f of block.fields ?? []) if (f.text.length > LIMITS.fieldText) problems.push(`${at}: field longer than ${LIMITS.fieldText}`);
        break;
      case 'context':
        if (block.elements.length > LIMITS.contextElements) problems.push(`${at}: too many elements`);
        for (const e of block.elements) if (e.text.length > LIMITS.sectionText) problems.push(`${at}: text longer than ${LIMITS.sectionText}`);
        break;
      case 'actions':
        if (block.elements.length > LIMITS.actionsPerBlock) problems.push(`${at}: more than ${LIMITS.actionsPerBlock} elements`);
        for (const e of block.elements) {
          if (e.type === 'button') {
            if ([...e.text.text].length > LIMITS.buttonText) problems.push(`${at}: button text longer than ${LIMITS.buttonText}`);
            if ((e.value?.length ?? 0) > LIMITS.buttonValue) problems.push(`${at}: button value longer than ${LIMITS.buttonValue}`);
            if (ids.has(e.action_id)) problems.push(`${at}: action_id ${e.action_id} used twice`);
            ids.add(e.action_id);
          }
        }
        break;
      case 'input': {
        if (surface === 'home') problems.push(`${at}: inputs do not belong on the home tab`);
        if (block.label.text.length > LIMITS.labelText) problems.push(`${at}: label longer than ${LIMITS.labelText}`);
        const e = block.element;
        if (e.type === 'static_select' || e.type === 'multi_static_select') {
          if (e.options.length === 0 || e.options.length > LIMITS.options) problems.push(`${at}: ${e.options.length} options (1 to ${LIMITS.options})`);
          for (const o of e.options) if ([...o.text.text].length > LIMITS.optionText) problems.push(`${at}: option text longer than ${LIMITS.optionText}`);
        }
        break;
      }
      default:
        break;
    }
  });
  return problems;
}
