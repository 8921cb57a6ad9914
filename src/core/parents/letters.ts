import { translator, type MessageKey } from '../i18n/index.js';
import { sentence } from '../text/record-text.js';

/**
 * Letters to parents, drafted from the record in plain language (B1), for a member of staff to read,
 * change and send themselves. A letter is built from named fields only: who asked, the decision, why in
 * general words (the kind of ground, never a diagnosis), what is allowed and where, the date and whom to
 * ask. The kernteam's motivations are for the kernteam: they have no field here. A letter about bullying
 * never names the other student.
 */
export const LETTER_KINDS = ['exception-received', 'exception-granted', 'exception-rejected', 'exception-review', 'exception-paused', 'exception-revoked', 'bullying-bullied', 'bullying-bully'] as const;
export type LetterKind = (typeof LETTER_KINDS)[number];
export type LetterLang = 'nl' | 'en';
export type LetterApplicant = 'parents' | 'mentor' | 'school';

export interface LetterData {
  /** How the letter names the child: the initials the school file has. */
  student: string;
  school: string;
  /** Who signs. */
  staff: string;
  /** Whom parents can ask, e.g. "A. Jansen (zorgcoördinator), 010 123 45 67". */
  contact: string;
  /** Who asked for the exception: the parents (with the parents' form), the class mentor, or someone else at school. */
  applicant?: LetterApplicant;
  /** The request's ground (exceptions/model.ts GROUNDS), told in general words without health details. */
  ground?: string | null;
  /** Why, for a rejection, a pause or an end: a place the member of staff fills in in plain words. */
  reason?: string;
  /** What the child may do with the phone, in parents' words. */
  allowed?: string[];
  /** Where it applies, in parents' words. */
  where?: string;
  /** A date, as written out. */
  date?: string;
  /** The school days the kernteam has to decide (the school file's decision term). */
  days?: string;
}

type Template = { subject: string; body: string[] };

const NL: Record<LetterKind, Template> = {
  'exception-received': {
    subject: 'De telefoon in de les: de school kijkt naar de vraag',
    body: [
      'Beste ouders of verzorgers van {student},',
      'De school kreeg de vraag om een uitzondering te maken: uw kind wil de telefoon in de les gebruiken. Het zorgteam van school kijkt nu naar die vraag.',
      'Binnen {days} schooldagen besluit de school. Dat is uiterlijk {date}.',
      'U hoort dan wat de school besluit, en waarom.',
      'Heeft u vragen? Neem contact op met {contact}.',
      'Met vriendelijke groet,\n{staff}\n{school}',
    ],
  },
  'exception-granted': {
    subject: 'De telefoon in de les: de school zegt ja',
    body: [
      'Beste ouders of verzorgers van {student},',
      '{asked} Het antwoord is ja.',
      'Waarom: {ground}',
      'Wat mag: {allowed}.',
      'Wanneer: {where}.',
      'De docenten weten wat uw kind mag. Zij weten niet waarom.',
      'Rond {date} kijken we samen of het goed gaat. U krijgt daarvoor een uitnodiging.',
      'Heeft u vragen? Neem contact op met {contact}.',
      'Met vriendelijke groet,\n{staff}\n{school}',
    ],
  },
  'exception-rejected': {
    subject: 'De telefoon in de les: de school zegt nee',
    body: [
      'Beste ouders of verzorgers van {student},',
      '{asked} Het antwoord is nee.',
      'Waarom: {reason}',
      'Bent u het er niet mee eens? Of verandert er iets? Praat er dan over met {contact}. U mag altijd opnieuw een vraag doen.',
      'Met vriendelijke groet,\n{staff}\n{school}',
    ],
  },
  'exception-review': {
    subject: 'Uitnodiging: hoe gaat het met de telefoon in de les?',
    body: [
      'Beste ouders of verzorgers van {student},',
      'Uw kind mag de telefoon in de les gebruiken. We willen samen kijken hoe dat gaat. Helpt het? Is het nog nodig? Moet er iets anders?',
      'Wij nodigen u en uw kind uit voor een gesprek rond {date}.',
      'Past dat niet? Neem dan contact op met {contact}.',
      'Met vriendelijke groet,\n{staff}\n{school}',
    ],
  },
  'exception-paused': {
    subject: 'De telefoon in de les: we stoppen even',
    body: [
      'Beste ouders of verzorgers van {student},',
      'Het gebruik van de telefoon in de les ging niet zoals we hadden afgesproken. Daarom stopt de uitzondering even, tot en met {date}.',
      'Waarom: {reason}',
      'Heeft uw kind de telefoon nodig voor de gezondheid? Dan regelen we samen met u wat er in die tijd nodig is.',
      'Heeft u vragen? Neem contact op met {contact}.',
      'Met vriendelijke groet,\n{staff}\n{school}',
    ],
  },
  'exception-revoked': {
    subject: 'De telefoon in de les: de uitzondering stopt',
    body: [
      'Beste ouders of verzorgers van {student},',
      'De school stopt de uitzondering voor de telefoon in de les.',
      'Waarom: {reason}',
      'Wilt u erover praten? Neem dan contact op met {contact}.',
      'Met vriendelijke groet,\n{staff}\n{school}',
    ],
  },
  'bullying-bullied': {
    subject: 'Uw kind wordt gepest: wat de school doet',
    body: [
      'Beste ouders of verzorgers van {student},',
      'Wij hebben gezien dat uw kind op school wordt gepest. Dat vinden wij heel vervelend. Wij willen dat het stopt.',
      'Wat doet de school? De mentor praat met uw kind. De mentor praat ook met de leerling die pest. Daarna maken we afspraken. Na een tijd kijken we of het pesten is gestopt.',
      'Wat kunt u doen? Praat thuis met uw kind. Vraag hoe het gaat. Merkt u dat het niet stopt? Laat het ons dan meteen weten.',
      'Heeft u vragen? Neem contact op met {contact}.',
      'Met vriendelijke groet,\n{staff}\n{school}',
    ],
  },
  'bullying-bully': {
    subject: 'Uw kind en pesten: wat de school doet',
    body: [
      'Beste ouders of verzorgers van {student},',
      'Wij hebben gezien dat uw kind op school een andere leerling pest. Wij willen dat het stopt. Daar hebben we uw hulp bij nodig.',
      'Wat doet de school? De mentor praat met uw kind. We maken afspraken. Na een tijd kijken we of het pesten is gestopt. Gaat het pesten door? Dan volgen er maatregelen.',
      'Wat kunt u doen? Praat thuis met uw kind. Vraag wat er is gebeurd. Leg uit waarom pesten pijn doet.',
      'Heeft u vragen? Neem contact op met {contact}.',
      'Met vriendelijke groet,\n{staff}\n{school}',
    ],
  },
};

const EN: Record<LetterKind, Template> = {
  'exception-received': {
    subject: 'Phones in class: the school is looking at the request',
    body: [
      'Dear parents or carers of {student},',
      'The school was asked to make an exception: your child would like to use the phone in class. The school care team is now looking at the request.',
      'The school decides within {days} school days. That is {date} at the latest.',
      'You will then hear what the school decides, and why.',
      'Do you have questions? Please contact {contact}.',
      'Kind regards,\n{staff}\n{school}',
    ],
  },
  'exception-granted': {
    subject: 'Phones in class: the school says yes',
    body: [
      'Dear parents or carers of {student},',
      '{asked} The answer is yes.',
      'Why: {ground}',
      'What is allowed: {allowed}.',
      'When: {where}.',
      'The teachers know what your child may do. They do not know why.',
      'Around {date} we will look together at how it goes. You will get an invitation.',
      'Do you have questions? Please contact {contact}.',
      'Kind regards,\n{staff}\n{school}',
    ],
  },
  'exception-rejected': {
    subject: 'Phones in class: the school says no',
    body: [
      'Dear parents or carers of {student},',
      '{asked} The answer is no.',
      'Why: {reason}',
      'Do you disagree? Or does something change? Then please talk to {contact}. You can always ask again.',
      'Kind regards,\n{staff}\n{school}',
    ],
  },
  'exception-review': {
    subject: 'Invitation: how is the phone in class going?',
    body: [
      'Dear parents or carers of {student},',
      'Your child may use the phone in class. We want to look together at how that goes. Does it help? Is it still needed? Should something change?',
      'We invite you and your child to a talk around {date}.',
      'Does that not suit you? Then please contact {contact}.',
      'Kind regards,\n{staff}\n{school}',
    ],
  },
  'exception-paused': {
    subject: 'Phones in class: a short stop',
    body: [
      'Dear parents or carers of {student},',
      'Using the phone in class did not go as we agreed. So the exception stops for a while, until and including {date}.',
      'Why: {reason}',
      'Does your child need the phone for their health? Then we will arrange with you what is needed in that time.',
      'Do you have questions? Please contact {contact}.',
      'Kind regards,\n{staff}\n{school}',
    ],
  },
  'exception-revoked': {
    subject: 'Phones in class: the exception ends',
    body: [
      'Dear parents or carers of {student},',
      'The school is ending the exception for the phone in class.',
      'Why: {reason}',
      'Would you like to talk about it? Then please contact {contact}.',
      'Kind regards,\n{staff}\n{school}',
    ],
  },
  'bullying-bullied': {
    subject: 'Your child is being bullied: what the school does',
    body: [
      'Dear parents or carers of {student},',
      'We have seen that your child is being bullied at school. We are very sorry about that. We want it to stop.',
      'What does the school do? The mentor talks with your child. The mentor also talks with the student who bullies. Then we make agreements. After a while we check whether the bullying has stopped.',
      'What can you do? Talk with your child at home. Ask how things are. Do you notice it does not stop? Then please tell us straight away.',
      'Do you have questions? Please contact {contact}.',
      'Kind regards,\n{staff}\n{school}',
    ],
  },
  'bullying-bully': {
    subject: 'Your child and bullying: what the school does',
    body: [
      'Dear parents or carers of {student},',
      'We have seen that your child bullies another student at school. We want it to stop. We need your help with that.',
      'What does the school do? The mentor talks with your child. We make agreements. After a while we check whether the bullying has stopped. Does the bullying go on? Then measures will follow.',
      'What can you do? Talk with your child at home. Ask what happened. Explain why bullying hurts.',
      'Do you have questions? Please contact {contact}.',
      'Kind regards,\n{staff}\n{school}',
    ],
  },
};

const ALLOWED: Record<LetterLang, Record<string, string>> = {
  nl: {
    meldingen: 'meldingen op de telefoon bekijken en er meteen iets mee doen',
    'hulp-app': 'een app gebruiken die helpt, zoals een planner of een timer',
    communicatie: 'de telefoon gebruiken om te praten of te schrijven',
    contact: 'contact opnemen met een begeleider of met u',
    geluid: 'met oortjes geluid of muziek luisteren om rustig te blijven',
  },
  en: {
    meldingen: 'look at alerts on the phone and act on them straight away',
    'hulp-app': 'use an app that helps, such as a planner or a timer',
    communicatie: 'use the phone to speak or to write',
    contact: 'contact a counsellor or you',
    geluid: 'listen to sound or music with earphones to stay calm',
  },
};

const WHERE: Record<LetterLang, Record<string, string>> = {
  nl: { lessen: 'in de lessen', 'ook-toetsen': 'ook bij toetsen', 'ook-tussenuren': 'ook in tussenuren' },
  en: { lessen: 'in lessons', 'ook-toetsen': 'also in tests', 'ook-tussenuren': 'also in free periods' },
};

const ASKED: Record<LetterApplicant, MessageKey> = { parents: 'letter.asked.parents', mentor: 'letter.asked.mentor', school: 'letter.asked.school' };

/** A ground in general words: the kind of reason, without health details. */
const GROUND: Record<string, MessageKey> = {
  medisch: 'letter.ground.medisch',
  psychisch: 'letter.ground.psychisch',
  didactisch: 'letter.ground.didactisch',
  beperking: 'letter.ground.beperking',
};

/** The phone functions of a request in parents' words. */
export function allowedInWords(functions: readonly string[], lang: LetterLang): string[] {
  return functions.map((f) => ALLOWED[lang][f]).filter((s): s is string => !!s);
}

/** The scopes of a request in parents' words. */
export function whereInWords(scopes: readonly string[], lang: LetterLang): string {
  return scopes.map((s) => WHERE[lang][s]).filter(Boolean).join(', ');
}

/** A letter's subject and text, filled from the record; placeholders without data become "-". */
export function composeLetter(kind: LetterKind, data: LetterData, lang: LetterLang): { subject: string; text: string } {
  const template = (lang === 'en' ? EN : NL)[kind];
  const t = translator(lang);
  const values: Record<string, string> = {
    student: data.student,
    school: data.school,
    staff: data.staff,
    contact: data.contact,
    asked: t(ASKED[data.applicant ?? 'school']),
    ground: sentence(t(data.ground && Object.hasOwn(GROUND, data.ground) ? GROUND[data.ground]! : 'letter.ground.other')),
    reason: sentence(data.reason ?? '-'),
    allowed: (data.allowed ?? []).join('; ') || '-',
    where: data.where || '-',
    date: data.date ?? '-',
    days: data.days ?? '-',
  };
  const text = template.body.map((p) => p.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '-')).join('\n\n');
  return { subject: template.subject, text };
}
