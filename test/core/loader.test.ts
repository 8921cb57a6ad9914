import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlows, parseFlowFiles } from '../../src/core/protocol/loader.js';
import { KNOWN, SAMPLE_FLOW } from '../helpers/engine.js';
import { shippedReferences } from '../helpers/shipped.js';

const parse = (text: string, name = 'dialogs/proef.yaml') => parseFlowFiles([{ name, text }], KNOWN);

describe('dialog files', () => {
  it('loads the shipped dialogs without errors', () => {
    const { flows } = loadFlows('dialogs', shippedReferences());
    expect([...flows.keys()].sort()).toEqual([
      'account-koppelen',
      'afspraak-controle',
      'afspraken',
      'alle-ouders',
      'audit',
      'brief-ouders',
      'cyberpesten',
      'escaleren',
      'evaluatie',
      'gesprek-gepeste',
      'gesprek-pester',
      'kernteambesluit',
      'leerling-gegevens',
      'leerling-wissen',
      'meedenken',
      'menu',
      'menu-pesten',
      'menu-telefoon',
      'mijn-aanvragen',
      'mijn-herinneringen',
      'mijn-meldingen',
      'mijn-zaken',
      'misbruik-melden',
      'misbruik-opvolgen',
      'mislukte-berichten',
      'onbekende-accounts',
      'ouderformulier',
      'ouders',
      'overdragen',
      'overzicht',
      'overzicht-uitzonderingen',
      'pestcijfers',
      'pesten-melden',
      'pester-toevoegen',
      'plagen-of-pesten',
      'rollen',
      'sanctie',
      'sanctie-besluit',
      'sluiten',
      'stap-vastleggen',
      'uitzondering-aanvragen',
      'uitzondering-check',
      'uitzondering-route',
      'wacht-op-jou',
      'zaak',
      'zaak-geschiedenis',
    ]);
  });

  it('names the file and step when a step points at a step that does not exist', () => {
    expect(() => parse(SAMPLE_FLOW.replace('next: leerling', 'next: leering'))).toThrow(
      'dialogs/proef.yaml: step "naam": "leering" is not a step of this flow',
    );
  });

  it('names the file, step and field when a text is missing a language', () => {
    expect(() => parse(SAMPLE_FLOW.replace('prompt: { nl: Welke leerling?, en: Which student? }', 'prompt: { nl: Welke leerling? }'))).toThrow(
      'dialogs/proef.yaml: step "leerling": prompt.en: expected an English text',
    );
  });

  it('refuses a text that YAML split at an unquoted comma, naming the stray words', () => {
    expect(() => parse(SAMPLE_FLOW.replace('prompt: { nl: Welke leerling?, en: Which student? }', 'prompt: { nl: Welke, leerling?, en: Which student? }'))).toThrow(
      'dialogs/proef.yaml: step "leerling": prompt: Unrecognized key: "leerling?"',
    );
  });

  it('names the step with an unknown step type', () => {
    expect(() => parse(SAMPLE_FLOW.replace('type: student', 'type: leerling'))).toThrow(/^dialogs\/proef\.yaml: step "leerling": type: /);
  });

  it('refuses an unknown command', () => {
    expect(() => parse(SAMPLE_FLOW.replace('command: assign-role', 'command: delete-everything'))).toThrow(
      'dialogs/proef.yaml: step "opslaan": unknown command "delete-everything"',
    );
  });

  it('refuses a card step whose template does not exist', () => {
    expect(() => parse(SAMPLE_FLOW.replace('template: info', 'template: infoo'))).toThrow(
      'dialogs/proef.yaml: step "samenvatting": card template "infoo" does not exist in cards/',
    );
  });

  it('refuses a start step that does not exist and broken YAML', () => {
    expect(() => parse(SAMPLE_FLOW.replace('start: naam', 'start: begin'))).toThrow('dialogs/proef.yaml: start "begin" is not a step of this flow');
    expect(() => parse('id: [unclosed')).toThrow(/^dialogs\/proef\.yaml: not valid YAML: /);
  });

  it('refuses two files with the same flow id', () => {
    expect(() =>
      parseFlowFiles(
        [
          { name: 'a.yaml', text: SAMPLE_FLOW },
          { name: 'b.yaml', text: SAMPLE_FLOW },
        ],
        KNOWN,
      ),
    ).toThrow('b.yaml: flow id "proef" is already used by a.yaml');
  });

  it('warns, without failing, about a menu option whose flow is not installed', () => {
    const { warnings } = parse(
      `id: menu\ntitle: { nl: M, en: M }\ntriggers: { nl: [], en: [] }\nroles: staff\nstart: k\nsteps:\n  k:\n    type: choice\n    key: k\n    prompt: { nl: K, en: K }\n    options:\n      - { value: x, label: { nl: X, en: X }, flow: ontbreekt }\n`,
    );
    expect(warnings).toEqual(['dialogs/proef.yaml: step "k": flow "ontbreekt" is not installed; its option is hidden']);
  });

  describe('the answers a command needs', () => {
    const shipped = (change: (name: string, text: string) => string) =>
      readdirSync('dialogs')
        .filter((n) => n.endsWith('.yaml'))
        .map((n) => ({ name: `dialogs/${n}`, text: change(n, readFileSync(join('dialogs', n), 'utf8')) }));

    it('refuses a dialog whose question key was renamed away from what its command reads', () => {
      // pesten-melden asks "vormen" (the forms of bullying); record-signal cannot work without it.
      const renamed = shipped((name, text) => (name === 'pesten-melden.yaml' ? text.replace('key: vormen', 'key: soorten') : text));
      expect(() => parseFlowFiles(renamed, shippedReferences())).toThrow(
        /dialogs\/pesten-melden\.yaml: step "\w+": command "record-signal" needs the answer "vormen", which not every path to this step collects/,
      );
    });

    it('refuses a command step that one path reaches without the answer (a branch that skips the question)', () => {
      const flow = `id: kort\ntitle: { nl: K, en: K }\ntriggers: { nl: [kort], en: [short] }\nroles: staff\nstart: vraag\nsteps:
  vraag: { type: yesno, key: zeker, prompt: { nl: Zeker?, en: Sure? }, yes: naam, no: opslaan }
  naam: { type: text, key: staff, prompt: { nl: Wie?, en: Who? }, next: opslaan }
  opslaan: { type: command, command: assign-role, next: klaar }
  klaar: { type: end }
`;
      const needsStaff = { commands: new Map([['assign-role', ['staff']]]), cards: new Set<string>() };
      expect(() => parseFlowFiles([{ name: 'dialogs/kort.yaml', text: flow }], needsStaff)).toThrow(
        'dialogs/kort.yaml: step "opslaan": command "assign-role" needs the answer "staff", which not every path to this step collects',
      );
      const always = flow.replace('no: opslaan', 'no: naam');
      expect(() => parseFlowFiles([{ name: 'dialogs/kort.yaml', text: always }], needsStaff)).not.toThrow();
    });

    it('refuses a flow opened from a case menu when the option does not hand over the case', () => {
      const withoutCarry = shipped((name, text) => (name === 'zaak.yaml' ? text.replace(/flow: escaleren, carry: \[caseId\]/, 'flow: escaleren') : text));
      expect(withoutCarry.find((f) => f.name === 'dialogs/zaak.yaml')!.text).not.toContain('flow: escaleren, carry');
      expect(() => parseFlowFiles(withoutCarry, shippedReferences())).toThrow(/dialogs\/zaak\.yaml: step "\w+": flow "escaleren" is given "caseId", which this step does not hand over/);
    });

    it('refuses given answers on a flow that can be started by typing', () => {
      const typed = `id: getypt\ntitle: { nl: G, en: G }\ntriggers: { nl: [getypt], en: [typed] }\nroles: staff\nstart: klaar\ngiven: [caseId]\nsteps:\n  klaar: { type: end }\n`;
      expect(() => parse(typed)).toThrow('dialogs/proef.yaml: a flow that can be started by typing cannot be given answers (caseId)');
    });
  });

  describe('form steps', () => {
    const formFlow = (fields: string, draft = true) => `id: formulier\ntitle: { nl: F, en: F }\ntriggers: { nl: [formulier], en: [form] }\nroles: staff\n${draft ? 'draft: exception-request\n' : ''}start: samen\nsteps:
  samen:
    type: form
    prompt: { nl: Samen, en: Together }
    fields:
${fields}
    next: opslaan
  opslaan: { type: command, command: assign-role }
`;
    const soort = '      - { type: choice, key: soort, audience: kernteam, prompt: { nl: Soort?, en: Kind? }, options: [{ value: a, label: { nl: A, en: A } }] }';
    const uitleg = (audience: string) => `      - { type: text, key: uitleg, ${audience}prompt: { nl: Uitleg?, en: Explanation? } }`;

    it('needs an audience for every field in a flow with a draft, and never lets typed text reach the teachers', () => {
      expect(() => parse(formFlow(`${soort}\n${uitleg('')}`))).toThrow('dialogs/proef.yaml: step "samen": field "uitleg": a question of a flow with a draft needs an audience');
      expect(() => parse(formFlow(`${soort}\n${uitleg('audience: teachers, ')}`))).toThrow('dialogs/proef.yaml: step "samen": field "uitleg": free text cannot have the audience teachers');
      expect(parse(formFlow(`${soort}\n${uitleg('audience: kernteam, ')}`)).flows.has('formulier')).toBe(true);
    });

    it('counts the fields a form always stores for the commands after it, not an optional text', () => {
      const needs = (key: string) => ({ commands: new Map([['assign-role', [key]]]), cards: new Set<string>() });
      const text = formFlow(`${soort}\n      - { type: text, key: uitleg, optional: true, prompt: { nl: Uitleg?, en: Explanation? } }`, false);
      expect(() => parseFlowFiles([{ name: 'dialogs/f.yaml', text }], needs('soort'))).not.toThrow();
      expect(() => parseFlowFiles([{ name: 'dialogs/f.yaml', text }], needs('uitleg'))).toThrow(/command "assign-role" needs the answer "uitleg"/);
    });

    it('refuses two fields with one key', () => {
      expect(() => parse(formFlow(`${soort}\n${soort}`))).toThrow(/step "samen": fields: expected every field to have a key of its own/);
    });
  });
});
