import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlows, parseFlowFiles, type SourceFile } from '../../src/core/protocol/loader.js';
import { shippedReferences } from '../helpers/shipped.js';

/**
 * The safeguard for sexual images of minors as a property of the dialog graph: the loader walks every
 * path of every dialog and refuses one where advice to keep or capture evidence can follow an answer
 * that may involve such an image without the safeguard first.
 */
const KNOWN = { commands: new Map([['meld', []], ['meld-veilig', []]]), passSafeguard: new Set(['meld-veilig']), cards: new Set(['info']) };

const STEPS = {
  safeguard: `
  veilig:
    type: message
    advice: safeguard
    text: { nl: "Niet kopiëren, niet bewaren, niet doorsturen.", en: "Do not copy, keep or forward." }
    next: bewijs`,
  evidence: `
  bewijs:
    type: message
    advice: evidence
    text: { nl: "Maak screenshots en bewaar alles.", en: "Take screenshots and keep everything." }
    next: einde
  einde:
    type: end`,
};

/** A flow file: its header (typed by its id) and its steps. */
function flowFile(id: string, start: string, steps: string): string {
  return `
id: ${id}
title: { nl: ${id}, en: ${id} }
triggers: { nl: [${id}], en: [${id}-en] }
roles: staff
start: ${start}
steps:
${steps}`;
}

/**
 * A cyberbullying advice: messages go to the evidence advice once the person said no image is
 * involved; the sexual kind goes to `route`.
 */
function advice(route: string): string {
  return flowFile('advies', 'soort', `  soort:
    type: choice
    key: soort
    prompt: { nl: Wat gebeurde er?, en: What happened? }
    options:
      - { value: berichten, label: { nl: Berichten, en: Messages }, goto: vraag }
      - { value: beeld, label: { nl: Een naaktbeeld gedeeld, en: A nude image shared }, raises: sexual-image, goto: ${route} }
  vraag:
    type: choice
    key: misschien
    prompt: { nl: Zit er een naaktfoto bij?, en: Is there a nude photo? }
    options:
      - { value: ja, label: { nl: Ja, en: Yes }, raises: sexual-image, goto: veilig }
      - { value: nee, label: { nl: Nee, en: No }, rulesOut: sexual-image, goto: bewijs }
${STEPS.safeguard}
${STEPS.evidence}
`);
}

const load = (...texts: string[]) => parseFlowFiles(texts.map((text, i): SourceFile => ({ name: `dialogs/f${i}.yaml`, text })), KNOWN);

describe('the safeguard for sexual images in the dialog graph', () => {
  it('refuses a dialog that gives screenshot advice right after a sexual-image answer', () => {
    expect(() => load(advice('bewijs'))).toThrow(
      'dialogs/f0.yaml: step "bewijs": advice to keep or capture evidence is reachable after dialogs/f0.yaml: step "soort" = beeld without the safeguard for sexual images first',
    );
  });

  it('refuses evidence advice after the safeguard too: it would contradict it', () => {
    expect(() => load(advice('veilig'))).toThrow(/step "bewijs": advice to keep or capture evidence comes after the safeguard for sexual images/);
  });

  it('accepts a dialog whose raised path goes to the safeguard and never to the evidence advice', () => {
    const safe = advice('veilig').replace('next: bewijs', 'next: einde');
    expect(load(safe).flows.has('advies')).toBe(true);
  });

  it('refuses evidence advice on a path that never asked whether an image may be sexual (a hacked account can involve one)', () => {
    const unasked = advice('veilig').replace('next: bewijs', 'next: einde').replace('goto: vraag }', 'goto: bewijs }');
    expect(() => load(unasked)).toThrow(
      'dialogs/f0.yaml: step "bewijs": advice to keep or capture evidence is reachable without first asking whether a sexual image may be involved (an option with rulesOut: sexual-image on the way)',
    );
  });

  it('follows branches on the answers: a raised path sent to the safeguard by a branch is safe, one the branch misses is not', () => {
    const branched = (cases: string) => flowFile('advies', 'soort', `  soort:
    type: choice
    key: soort
    prompt: { nl: Wat gebeurde er?, en: What happened? }
    options:
      - { value: berichten, label: { nl: "Berichten, zonder naaktbeelden", en: "Messages, no nude images" }, rulesOut: sexual-image }
      - { value: beeld, label: { nl: Een naaktbeeld gedeeld, en: A nude image shared }, raises: sexual-image }
      - { value: afpersing, label: { nl: Afpersing met een foto, en: Extortion with a photo }, raises: sexual-image }
    next: kies
  kies:
    type: branch
    cases:
${cases}
    otherwise: bewijs
  veilig:
    type: message
    advice: safeguard
    text: { nl: "Niet kopiëren, niet bewaren, niet doorsturen.", en: "Do not copy, keep or forward." }
    next: einde
${STEPS.evidence}
`);
    const both = `      - { when: { answer: soort, equals: beeld }, goto: veilig }\n      - { when: { answer: soort, equals: afpersing }, goto: veilig }`;
    expect(load(branched(both)).flows.has('advies')).toBe(true);
    expect(() => load(branched(both.split('\n')[0]!))).toThrow(/step "bewijs": .* step "soort" = afpersing without the safeguard/);
  });

  it('follows a raised path into the flow an option starts', () => {
    const report = flowFile('melden', 'beeld', `  beeld:
    type: choice
    key: beeld
    prompt: { nl: Was er een naaktfoto bij?, en: Was there a nude photo? }
    options:
      - { value: ja, label: { nl: Ja, en: Yes }, raises: sexual-image, flow: advies }
      - { value: nee, label: { nl: Nee, en: No }, flow: advies }
`);
    // Said yes in the report, then no in the advice's own question: the first answer still stands.
    const advising = advice('veilig').replace('next: bewijs', 'next: einde');
    expect(() => load(report, advising)).toThrow(/dialogs\/f1\.yaml: step "bewijs": .* after dialogs\/f0\.yaml: step "beeld" = ja without the safeguard/);
  });

  it('refuses a command that notifies people after a raised answer unless it passes the safeguard on', () => {
    const flow = (command: string) => flowFile('melden', 'beeld', `  beeld:
    type: choice
    key: beeld
    prompt: { nl: Was er een naaktfoto bij?, en: Was there a nude photo? }
    options:
      - { value: ja, label: { nl: Ja, en: Yes }, raises: sexual-image }
      - { value: nee, label: { nl: Nee, en: No } }
    next: opslaan
  opslaan:
    type: command
    command: ${command}
`);
    expect(() => load(flow('meld'))).toThrow('dialogs/f0.yaml: step "opslaan": command "meld" runs after dialogs/f0.yaml: step "beeld" = ja but does not pass the safeguard for sexual images on to those it notifies');
    expect(load(flow('meld-veilig')).flows.has('melden')).toBe(true);
  });

  it('refuses a question about sexual images none of whose answers raises the concern, and screenshots in a step that does not say what advice it is', () => {
    expect(() => load(advice('veilig').replace(', raises: sexual-image', ''))).toThrow(
      'dialogs/f0.yaml: step "soort": its option "beeld" names sexual images: mark it raises: sexual-image (or rulesOut: sexual-image)',
    );
    expect(() => load(advice('veilig').replace('Zit er een naaktfoto bij?', 'Zit er een seksueel beeld bij?').replace('Yes }, raises: sexual-image, goto: veilig', 'Yes }, goto: veilig'))).toThrow(
      'dialogs/f0.yaml: step "vraag": it asks about sexual images, so an option must have raises: sexual-image',
    );
    expect(() => load(advice('veilig').replace('next: bewijs', 'next: einde').replace('    advice: evidence\n', ''))).toThrow(
      'dialogs/f0.yaml: step "bewijs": it speaks of screenshots: say what advice it is (advice: evidence or advice: safeguard)',
    );
  });

  describe('form steps', () => {
    /** A form whose fields are asked together, then `next`; `field` is one of its fields. */
    const formFlow = (field: string, next: string) => flowFile('advies', 'vragen', `  vragen:
    type: form
    prompt: { nl: Wat er gebeurde, en: What happened }
    fields:
      - type: text
        key: wie
        prompt: { nl: Wie was erbij?, en: Who was there? }
${field}
    next: ${next}
${STEPS.safeguard}
${STEPS.evidence}
`);
    const beeld = (marks: string) => `      - type: choice
        key: beeld
        prompt: { nl: Zit er een naaktfoto bij?, en: Is there a nude photo? }
        options:
          - { value: ja, label: { nl: Ja, en: Yes }${marks ? `, ${marks.split('|')[0]}` : ''} }
          - { value: nee, label: { nl: Nee, en: No }${marks ? `, ${marks.split('|')[1]}` : ''} }`;

    it('refuses evidence advice after a form one of whose fields may raise the concern, naming the field', () => {
      expect(() => load(formFlow(beeld('raises: sexual-image|rulesOut: sexual-image'), 'bewijs'))).toThrow(
        'dialogs/f0.yaml: step "bewijs": advice to keep or capture evidence is reachable after dialogs/f0.yaml: step "vragen" field "beeld" = ja without the safeguard for sexual images first',
      );
    });

    it('follows a branch on a field of a form: a raised answer sent to the safeguard is safe', () => {
      const branch = `kies
  kies:
    type: branch
    cases:
      - { when: { answer: beeld, equals: ja }, goto: veilig }
    otherwise: bewijs`;
      const flow = formFlow(beeld('raises: sexual-image|rulesOut: sexual-image'), branch).replace('    next: bewijs\n', '    next: einde\n');
      expect(load(flow).flows.has('advies')).toBe(true);
    });

    it('refuses a field that asks about sexual images without an answer that raises the concern, and a text field that asks it', () => {
      expect(() => load(formFlow(beeld(''), 'einde'))).toThrow('dialogs/f0.yaml: step "vragen": field "beeld": it asks about sexual images, so an option must have raises: sexual-image');
      const typed = `      - type: text
        key: beeld
        prompt: { nl: Beschrijf het naaktbeeld, en: Describe the nude image }`;
      expect(() => load(formFlow(typed, 'einde'))).toThrow('dialogs/f0.yaml: step "vragen": field "beeld": it asks about sexual images: ask it as a choice with an option that raises: sexual-image');
    });
  });

  describe('the shipped dialogs', () => {
    const files = () => readdirSync('dialogs').filter((n) => n.endsWith('.yaml')).map((n) => ({ name: join('dialogs', n), text: readFileSync(join('dialogs', n), 'utf8') }));
    const withChange = (file: string, from: string, to: string) =>
      files().map((f) => {
        if (f.name !== join('dialogs', file)) return f;
        expect(f.text).toContain(from);
        return { ...f, text: f.text.replace(from, to) };
      });

    it('pass the walk', () => {
      expect(loadFlows('dialogs', shippedReferences()).flows.size).toBeGreaterThan(30);
    });

    // The walk is not vacuous on the real files: each of these edits opens a path the issue found.
    it.each([
      ['cyberpesten.yaml', '      - { when: { answer: soort, equals: sextortion }, goto: beelden }\n', '', /step "bewijs": .*step "soort" = sextortion without the safeguard/],
      ['cyberpesten.yaml', '    otherwise: beeld\n', '    otherwise: bewijs\n', /cyberpesten\.yaml: step "bewijs": advice to keep or capture evidence is reachable without first asking/],
      ['cyberpesten.yaml', '      - { when: { answer: seksueelBeeld, equals: true }, goto: beelden }\n', '', /cyberpesten\.yaml: step "bewijs": .*pesten-melden\.yaml: step "beeld" = (ja|weet-niet)/],
      ['pesten-melden.yaml', '    advice: safeguard\n', '', /step "veilig"|cyberpesten\.yaml: step "bewijs"/],
    ])('refuse %s with %j removed', (file, from, to, error) => {
      expect(() => parseFlowFiles(withChange(file, from, to), shippedReferences())).toThrow(error);
    });
  });
});
