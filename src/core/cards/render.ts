import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { CONTROL_PREFIX, formInputId, type FormQuestion } from '../protocol/engine.js';
import { translator, type Locale } from '../i18n/index.js';
import { escapeMarkdown, mapCardTexts } from './markdown.js';
import type { Question } from '../protocol/engine.js';

/** An Adaptive Card as JSON, ready to send. */
export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string } & Record<string, unknown>;

export class CardTemplateError extends Error {
  override name = 'CardTemplateError';
}

/** Single choices with at most this many options become buttons; longer lists a drop-down. */
const MAX_BUTTONS = 5;

/** How many expanded cards are kept (least recently used goes first); a few MB at most. */
const RECENT_CARDS = 500;

/**
 * Expands the templates of `cards/` with data. Pure once loaded. The texts of the result are plain
 * text escaped as markdown (see markdown.ts): whatever the data holds shows as written, never as a
 * link, emphasis, heading or mention.
 */
export class CardRenderer {
  /** Expanded cards by template and data, as JSON text (callers get their own copy). */
  private readonly recent = new Map<string, string>();

  constructor(private readonly templates: ReadonlyMap<string, unknown>) {}

  static load(dir: string): CardRenderer {
    const templates = new Map<string, unknown>();
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    } catch {
      throw new CardTemplateError(`${dir}: cards directory cannot be read`);
    }
    for (const name of names) {
      try {
        templates.set(name.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dir, name), 'utf8')));
      } catch (error) {
        throw new CardTemplateError(`${join(dir, name)}: not valid JSON: ${(error as Error).message}`);
      }
    }
    return new CardRenderer(templates);
  }

  get names(): string[] {
    return [...this.templates.keys()];
  }

  render(name: string, data: Record<string, unknown>): AdaptiveCardJson {
    const template = this.templates.get(name);
    if (!template) throw new CardTemplateError(`card template "${name}" does not exist`);
    // Expanding parses every expression of the template again, which dominates a turn's CPU time.
    // Expansion is pure, and the same questions and menus come back all day: keep recent results.
    const key = `${name}\u0000${JSON.stringify(data)}`;
    const cached = this.recent.get(key);
    if (cached) {
      this.recent.delete(key);
      this.recent.set(key, cached);
      return JSON.parse(cached) as AdaptiveCardJson;
    }
    const card = new ACData.Template(template).expand({ $root: data }) as AdaptiveCardJson;
    // Every text a host reads as markdown comes from data, much of it typed by people (parents,
    // motivations, notes): all of it is plain text, escaped here for every card and every caller.
    mapCardTexts(card, escapeMarkdown);
    const text = JSON.stringify(card);
    this.recent.set(key, text);
    if (this.recent.size > RECENT_CARDS) this.recent.delete(this.recent.keys().next().value!);
    return JSON.parse(text) as AdaptiveCardJson;
  }

  /**
   * A text to copy and paste elsewhere (Magister, a letter, a link for parents): the title, then the text
   * alone in a monospace block with the id `copy-text`, an optional note, and link buttons. The block is
   * what a host offers to copy: Slack shows it as preformatted text (a triple click selects it whole),
   * the playground gives it a copy button; Teams shows it apart, in its own font, to select.
   */
  copyText(title: string, text: string, options: { note?: string; links?: Array<{ title: string; url: string }> } = {}): AdaptiveCardJson {
    return this.render('copy-text', { title, text, note: options.note ?? '', links: options.links ?? [] });
  }

  /** A text with link buttons (Action.OpenUrl: Slack link buttons); the links stay in the text for hosts without cards. */
  links(text: string, links: Array<{ title: string; url: string }>): AdaptiveCardJson {
    return this.render('link', { text, links });
  }

  /**
   * The card that asks a dialog question, with the same answers as typing would give, and a row of
   * buttons that always work: back to the previous question, stop, help. They send no inputs, so a
   * required field never stands in their way.
   */
  question(question: Question, locale: Locale): AdaptiveCardJson {
    const card = this.questionCard(question, locale);
    const t = translator(locale);
    const control = (title: string, word: string) => {
      const data = { zorgpad: { flowId: question.flowId, stepId: question.stepId, value: `${CONTROL_PREFIX}${word}` } };
      return { type: 'Action.Execute', title, verb: 'zorgpad.answer', data, associatedInputs: 'none', fallback: { type: 'Action.Submit', title, data, associatedInputs: 'none' } };
    };
    const controls = { type: 'ActionSet', id: 'zorgpad-controls', actions: [control(t('card.back'), 'terug'), control(t('card.stop'), 'stop'), control(t('card.help'), 'help')] };
    return { ...card, body: [...((card.body as unknown[] | undefined) ?? []), controls] };
  }

  private questionCard(question: Question, locale: Locale): AdaptiveCardJson {
    const t = translator(locale);
    if (question.form) return this.formCard(question, question.form, locale);
    const common = {
      flowId: question.flowId,
      stepId: question.stepId,
      prompt: question.prompt,
      sendLabel: t('card.send'),
      requiredMessage: t('card.required'),
    };
    switch (question.type) {
      case 'choice':
      case 'staff':
      case 'pick':
      case 'yesno': {
        const asButtons = !question.multiple && question.options.length <= MAX_BUTTONS;
        return this.render(asButtons ? 'question-buttons' : 'question-select', {
          ...common,
          options: question.options,
          multiple: question.multiple,
        });
      }
      case 'date':
        return this.render('question-date', { ...common, placeholder: t('card.datePlaceholder') });
      case 'text':
      case 'student':
        return this.render('question-text', {
          ...common,
          optional: question.optional,
          maxLength: question.maxLength,
          placeholder: t('card.textPlaceholder'),
          skipLabel: t('card.skip'),
        });
    }
  }

  /**
   * A form: one input per field (a text box, or a choice set that is a multi-select where the field takes
   * several), filled in with what is known, and one send button that sends them all (`form: true`).
   */
  private formCard(question: Question, form: FormQuestion, locale: Locale): AdaptiveCardJson {
    const t = translator(locale);
    return this.render('question-form', {
      flowId: question.flowId,
      stepId: question.stepId,
      title: form.title,
      problem: form.problem ?? '',
      sendLabel: t('card.send'),
      requiredMessage: t('card.required'),
      placeholder: t('card.textPlaceholder'),
      typeHint: t('form.typeInstead'),
      fields: form.fields.map((field) => ({
        id: formInputId(field.key),
        kind: field.type === 'text' ? 'text' : 'choice',
        label: field.label,
        optional: field.optional,
        maxLength: field.maxLength,
        multiple: field.multiple,
        style: field.multiple || field.options.length <= MAX_BUTTONS ? 'expanded' : 'compact',
        value: field.value,
        options: field.options,
        error: field.error ?? '',
      })),
    });
  }
}
