import type { Role } from './people/roles.js';
import type { Actor } from './turn.js';

/**
 * Need-to-know, in one place. Every read and write of a record asks `can(actor, permission, relation)`
 * on the server, whatever a dialog or card showed. `relation` says how the person stands to the record
 * (they reported it, own it, are the class mentor, asked for it). docs/privacy.md shows this table;
 * test/scenarios/permissions.test.ts checks that the document and this table say the same.
 */
export type Permission = keyof typeof RULES;

/** How the person stands to the record in question. */
export interface Relation {
  /** They own the case (the mentor, or the CLZ after escalation). */
  owner?: boolean;
  /** They are the mentor of the student's class. */
  classMentor?: boolean;
  /** They submitted the exception request (or drafted it). */
  requester?: boolean;
  /** A mentor recorded which CLZ they consulted (the protocol lets a mentor apply a measure only so). */
  consultedClz?: boolean;
  /** The school's protocol leaves this rung of the sanctions ladder to the CLZ (not to a mentor). */
  clzOnly?: boolean;
  /** Roles whose members vote in the kernteam (from the school file). */
  kernteamRoles?: readonly Role[];
}

interface Rule {
  /** Who, in words (Dutch first, English second), for the table in docs/privacy.md. */
  who: { nl: string; en: string };
  /** What is stored or shown, for the table. */
  what: { nl: string; en: string };
  allow: (actor: Actor, relation: Relation) => boolean;
}

const has = (actor: Actor, ...roles: Role[]) => roles.some((r) => actor.roles.has(r));
const mayWorkCase = (actor: Actor, rel: Relation): boolean => rel.owner === true || (rel.classMentor === true && has(actor, 'mentor')) || has(actor, 'clz', 'directie');
const inKernteam = (actor: Actor, rel: Relation): boolean => (rel.kernteamRoles ?? []).some((r) => actor.roles.has(r));

export const RULES = {
  'case.report': {
    who: { nl: 'iedere medewerker', en: 'any staff member' },
    what: { nl: 'een pestsignaal melden; daarna alleen zien of het is opgepakt (geen notities)', en: 'report a bullying signal; afterwards only whether it was picked up (no notes)' },
    allow: () => true,
  },
  'case.work': {
    who: { nl: 'eigenaar van de zaak, mentor van de klas, CLZ, directie', en: 'case owner, class mentor, CLZ, directie' },
    what: { nl: 'een zaak inzien met notities, stappen, afspraken en gesprekken vastleggen, escaleren, sluiten', en: 'read a case with notes, record steps, agreements and conversations, escalate, close' },
    allow: mayWorkCase,
  },
  'case.list': {
    who: { nl: 'mentor, CLZ, directie', en: 'mentor, CLZ, directie' },
    what: { nl: 'de lijst "mijn zaken" (alleen zaken die de persoon mag behandelen)', en: 'the "my cases" list (only cases the person may work)' },
    allow: (actor) => has(actor, 'mentor', 'clz', 'directie'),
  },
  'case.consulted': {
    who: { nl: 'CLZ', en: 'CLZ' },
    what: { nl: 'kan worden genoemd als de CLZ met wie een mentor over een maatregel overlegde', en: 'can be named as the CLZ a mentor consulted about a measure' },
    allow: (actor) => has(actor, 'clz'),
  },
  'case.overview': {
    who: { nl: 'anti-pestcoördinator, CLZ, directie', en: 'anti-bullying coordinator, CLZ, directie' },
    what: { nl: 'overzicht van zaken per fase, aantallen, zonder notities', en: 'overview of cases by stage, counts, no notes' },
    allow: (actor) => has(actor, 'anti-pestcoordinator', 'clz', 'directie'),
  },
  'case.sanction.apply': {
    who: { nl: 'CLZ, directie; de mentor van de zaak na overleg met de CLZ (niet bij een trede die de school aan de CLZ laat)', en: 'CLZ, directie; the case\'s mentor after consulting the CLZ (not for a rung the school leaves to the CLZ)' },
    what: { nl: 'maatregel voor een leerling die pest: gesprek met afspraken, MT/directie inschakelen (met motivatie)', en: 'measure for a student who bullies: conversation with agreements, involve management (with motivation)' },
    allow: (actor, rel) => mayWorkCase(actor, rel) && (has(actor, 'clz', 'directie') || (has(actor, 'mentor') && rel.consultedClz === true && rel.clzOnly !== true)),
  },
  'case.sanction.propose': {
    who: { nl: 'CLZ', en: 'CLZ' },
    what: { nl: 'schorsing of verwijdering voorstellen aan de directie (met motivatie)', en: 'propose suspension or expulsion to directie (with motivation)' },
    allow: (actor) => has(actor, 'clz'),
  },
  'case.sanction.decide': {
    who: { nl: 'directie', en: 'directie' },
    what: { nl: 'besluiten over schorsing en verwijdering, na horen van leerling en ouders; melding aan de Inspectie', en: 'decide on suspension and expulsion, after hearing student and parents; notice to the Inspectie' },
    allow: (actor) => has(actor, 'directie'),
  },
  'case.figures': {
    who: { nl: 'anti-pestcoördinator, directie', en: 'anti-bullying coordinator, directie' },
    what: { nl: 'jaarcijfers pesten per schooljaar, leerjaar, klas, vorm, fase en uitkomst (alleen aantallen)', en: 'yearly bullying figures per school year, year group, class, form, stage and outcome (counts only)' },
    allow: (actor) => has(actor, 'anti-pestcoordinator', 'directie'),
  },
  'exception.draft': {
    who: { nl: 'wie de aanvraag begon', en: 'whoever started the request' },
    what: { nl: 'een concept-aanvraag bewaren, hervatten, controleren en indienen', en: 'save, resume, check and submit a draft request' },
    allow: (_actor, rel) => rel.requester === true,
  },
  'exception.functional': {
    who: { nl: 'iedere medewerker', en: 'any staff member' },
    what: { nl: 'of een leerling een uitzondering heeft, en wat die praktisch inhoudt; nooit de grond', en: 'whether a student has an exception and what it means in practice; never the ground' },
    allow: () => true,
  },
  'parents.link': {
    who: { nl: 'mentor van de klas van de leerling, zorgcoördinator', en: "the student's class mentor, zorgcoördinator" },
    what: {
      nl: 'een persoonlijke formulierlink voor de ouders van één leerling maken (de school stuurt die zelf); de antwoorden komen in het eigen concept',
      en: "make a personal form link for one student's parents (the school sends it itself); the answers land in their own draft",
    },
    allow: (actor, rel) => (rel.classMentor === true && has(actor, 'mentor')) || has(actor, 'zorgcoordinator'),
  },
  'exception.vote': {
    who: { nl: 'leden van het kernteam (rollen uit het schoolbestand)', en: 'kernteam members (roles from the school file)' },
    what: {
      nl: 'de kernteamkaart zien (ververs, stem, details; elke keer in het logboek) en stemmen met motivatie; anderen krijgen een weigering zonder inhoud',
      en: 'see the kernteam card (refresh, vote, details; every time in the audit trail) and vote with a motivation; others get a refusal without content',
    },
    allow: inKernteam,
  },
  'exception.details': {
    who: { nl: 'kernteam, aanvrager', en: 'kernteam, requester' },
    what: { nl: 'toelichting, woorden van de leerling, vindplaats van documenten', en: 'explanation, the student\'s words, where the documents are' },
    allow: (actor, rel) => rel.requester === true || inKernteam(actor, rel),
  },
  'exception.manage': {
    who: { nl: 'aanvrager, mentor van de klas, zorgcoördinator', en: 'requester, class mentor, zorgcoördinator' },
    what: { nl: 'evaluaties vastleggen, misbruik opvolgen, pauzeren, intrekken', en: 'record reviews, follow up misuse, pause, revoke' },
    allow: (actor, rel) => rel.requester === true || rel.classMentor === true || has(actor, 'zorgcoordinator'),
  },
  'exception.joint': {
    who: { nl: 'zorgcoördinator', en: 'zorgcoördinator' },
    what: { nl: 'het gezamenlijke besluit van het kernteamoverleg vastleggen', en: 'record the joint decision of the kernteam meeting' },
    allow: (actor) => has(actor, 'zorgcoordinator'),
  },
  'exception.figures': {
    who: { nl: 'zorgcoördinator, anti-pestcoördinator, directie', en: 'zorgcoördinator, anti-bullying coordinator, directie' },
    what: { nl: 'cijfers per schooljaar, leerjaar en vak (alleen aantallen)', en: 'figures per school year, year group and subject (counts only)' },
    allow: (actor) => has(actor, 'zorgcoordinator', 'anti-pestcoordinator', 'directie'),
  },
  'roles.assign': {
    who: { nl: 'beheerder', en: 'administrator (beheerder)' },
    what: { nl: 'rollen toekennen en intrekken', en: 'grant and revoke roles' },
    allow: (actor) => has(actor, 'beheerder'),
  },
  'reminder.receive-handover': {
    who: { nl: 'mentor, zorgcoördinator', en: 'mentor, zorgcoördinator' },
    what: { nl: 'een herinnering overgedragen krijgen van een collega', en: 'receive a reminder handed over by a colleague' },
    allow: (actor) => has(actor, 'mentor', 'zorgcoordinator'),
  },
  'accounts.link': {
    who: { nl: 'beheerder', en: 'administrator (beheerder)' },
    what: { nl: 'onbekende Teams- en Slack-accounts zien (met het e-mailadres dat het platform gaf) en aan een collega koppelen', en: 'see unknown Teams and Slack accounts (with the e-mail address the platform gave) and link them to a colleague' },
    allow: (actor) => has(actor, 'beheerder'),
  },
  'deliveries.failed': {
    who: { nl: 'beheerder', en: 'administrator (beheerder)' },
    what: { nl: 'niet afgeleverde berichten (aan wie, niet wat)', en: 'undelivered messages (to whom, not what)' },
    allow: (actor) => has(actor, 'beheerder'),
  },
  'audit.read': {
    who: { nl: 'directie, beheerder', en: 'directie, administrator' },
    what: { nl: 'logboek van een leerling: wie wat wanneer inzag of wijzigde, via welk kanaal; geen inhoud', en: 'audit trail of a student: who read or changed what, when, through which channel; no content' },
    allow: (actor) => has(actor, 'directie', 'beheerder'),
  },
  'student.export': {
    who: { nl: 'beheerder', en: 'administrator (beheerder)' },
    what: { nl: 'alles over één leerling exporteren (inzageverzoek)', en: 'export everything about one student (access request)' },
    allow: (actor) => has(actor, 'beheerder'),
  },
  'student.erase': {
    who: { nl: 'beheerder', en: 'administrator (beheerder)' },
    what: { nl: 'alles over één leerling wissen (als de school besluit dat het recht op wissen geldt)', en: 'erase everything about one student (when the school decides the right to erasure applies)' },
    allow: (actor) => has(actor, 'beheerder'),
  },
} satisfies Record<string, Rule>;

/** The one question every service asks before reading or changing a record. */
export function can(actor: Actor, permission: Permission, relation: Relation = {}): boolean {
  return RULES[permission].allow(actor, relation);
}

/** The table for docs/privacy.md, generated from the rules so that it cannot drift. */
export function permissionTable(locale: 'nl' | 'en'): string {
  const head = locale === 'nl' ? '| recht | wie | wat |' : '| permission | who | what |';
  const rows = (Object.entries(RULES) as Array<[string, Rule]>).map(([name, rule]) => `| \`${name}\` | ${rule.who[locale]} | ${rule.what[locale]} |`);
  return [head, '|---|---|---|', ...rows].join('\n');
}
