import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { translator, type Locale } from '../i18n/index.js';
import type { Question } from '../protocol/engine.js';

/** An Adaptive Card as JSON, ready to send. */
export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string } & Record<string, unknown>;

export class CardTemplateError extends Error {
  override name = 'CardTemplateError';
}

/** Single choices with at most this many options become buttons; longer lists a drop-down. */
const MAX_BUTTONS = 5;

/** Expands the templates of `cards/` with data. Pure once loaded. */
export class CardRenderer {
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
    return new ACData.Template(template).expand({ $root: data }) as AdaptiveCardJson;
  }

  /** The card that asks a dialog question, with the same answers as typing would give. */
  question(question: Question, locale: Locale): AdaptiveCardJson {
    const t = translator(locale);
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
}
