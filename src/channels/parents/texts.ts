// Longer than 350 lines: the parents' pages' texts in every language: a catalogue, its length is the number
// of texts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
/**
 * Every text parents and students read, in plain language (B1): short sentences, everyday words, "u"
 * for the parents. Dutch first; English second. A school may add a human translation in another home
 * language by adding a locale with the same keys (`PageTexts`); Zorgpad does not machine-translate.
 * test/parents/plain-language.test.ts holds every text, filled with the demo school, to a B1 budget.
 */
const text = z.string().min(1).max(400);
const lines = z.array(text).min(1).max(10);

/** The texts of the parents' pages, in one language; a school's own translation must match this exactly. */
export const pageTextsSchema = z.strictObject({
  lang: z.string().regex(/^[a-z]{2,3}$/, 'expected a language code such as tr or ar'),
  langName: text,
  /** Right to left (Arabic, Hebrew, Farsi). */
  dir: z.enum(['ltr', 'rtl']).default('ltr'),
  /** Who translated it: a person, never a machine. Required for a school's own translation. */
  translatedBy: z.string().min(2).max(100).optional(),
  info: z.strictObject({
    title: text,
    intro: lines,
    whoTitle: text,
    who: lines,
    stepsTitle: text,
    steps: z.array(z.strictObject({ title: text, text })).length(4),
    checklistTitle: text,
    checklist: lines,
    checklistNote: text,
    privacyTitle: text,
    privacy: lines,
    contactTitle: text,
    contact: text,
    contactNone: text,
    email: text,
    phone: text,
  }),
  form: z.strictObject({
    title: text,
    intro: lines,
    need: z.strictObject({ label: text, hint: text }),
    words: z.strictObject({ label: text, hint: text }),
    documentsTitle: text,
    documentsHint: text,
    documents: z.strictObject({ verwijsbrief: text, opp: text, diagnose: text, motivatie: text }),
    states: z.strictObject({ aanwezig: text, volgt: text, nvt: text }),
    where: z.strictObject({ label: text, hint: text }),
    consent: text,
    send: text,
    errorsTitle: text,
    errors: z.strictObject({ need: text, words: text, consent: text, documents: text }),
    optional: text,
  }),
  result: z.strictObject({
    doneTitle: text,
    done: lines,
    usedTitle: text,
    used: lines,
    /**
     * Another form was sent with the same link first (two people at once): these answers were not
     * taken. Optional so that a school's translation from before this page still loads; it then shows
     * the Dutch text (`TAKEN_FALLBACK`).
     */
    takenTitle: text.optional(),
    taken: lines.optional(),
    expiredTitle: text,
    expired: lines,
    unknownTitle: text,
    unknown: lines,
    csrfTitle: text,
    csrf: lines,
    busyTitle: text,
    busy: lines,
    errorTitle: text,
    error: lines,
  }),
  infoLink: text,
});
export type PageTexts = z.input<typeof pageTextsSchema>;

const TAKEN_NL = {
  title: 'Uw antwoorden zijn niet opgeslagen',
  lines: [
    'Iemand had het formulier met deze link net al verstuurd. Misschien was dat iemand anders bij u thuis.',
    'De school heeft dus niet wat u nu invulde.',
    'Wilt u iets toevoegen of veranderen? Neem dan contact op met de school.',
  ],
};

/** The `taken` page for a translation that does not have it yet: in Dutch. */
export const TAKEN_FALLBACK: { title: string; lines: string[] } = TAKEN_NL;

export const nl: PageTexts = {
  lang: 'nl',
  langName: 'Nederlands',
  info: {
    title: 'Telefoon in de les: een uitzondering vragen',
    intro: [
      'In de les blijft de telefoon weg. Dat is de regel op school.',
      'Soms heeft een leerling de telefoon wel nodig. Bijvoorbeeld voor een app die bij een ziekte hoort. Dan kan de school een uitzondering maken.',
    ],
    whoTitle: 'Voor wie is dit?',
    who: [
      'Voor leerlingen die de telefoon nodig hebben voor hun gezondheid.',
      'Of voor leerlingen die zonder telefoon niet goed mee kunnen doen in de les. Denk aan diabetes, epilepsie, dyslexie of veel spanning.',
    ],
    stepsTitle: 'Zo gaat het',
    steps: [
      { title: 'Praten', text: 'U praat met de mentor of met de zorgcoördinator.' },
      { title: 'Formulier', text: 'U krijgt een link van school. U vult het formulier samen met uw kind in.' },
      { title: 'Besluit', text: 'Het zorgteam van school kijkt naar de vraag. Binnen {days} schooldagen hoort u wat de school besluit, en waarom.' },
      { title: 'Samen kijken', text: 'Na een paar weken kijken we samen of het goed gaat.' },
    ],
    checklistTitle: 'Wat is handig om te hebben?',
    checklist: [
      'Een brief van de dokter, de psycholoog of een begeleider.',
      'Het OPP (het plan van school voor uw kind), als uw kind dat heeft.',
      'Een verklaring, bijvoorbeeld voor dyslexie of ADHD.',
      'Een paar zinnen van uw kind zelf. Waarom helpt de telefoon?',
    ],
    checklistNote: 'U hoeft niets op te sturen. In het formulier schrijft u waar de papieren zijn.',
    privacyTitle: 'Wie leest wat?',
    privacy: [
      'Wat u invult, leest alleen het zorgteam van school.',
      'Docenten horen alleen wat zij in de les moeten weten. Zij horen nooit waarom.',
    ],
    contactTitle: 'Vragen?',
    contact: 'U kunt altijd bellen of mailen met {name}, {role}.',
    contactNone: 'U kunt altijd terecht bij de mentor van uw kind.',
    email: 'Mail',
    phone: 'Telefoon',
  },
  form: {
    title: 'Een uitzondering vragen voor de telefoon',
    intro: [
      'Vul dit formulier samen met uw kind in. Het kost ongeveer tien minuten.',
      'U kunt het formulier één keer versturen. Daarna werkt de link niet meer.',
    ],
    need: { label: 'Waarvoor heeft uw kind de telefoon nodig op school?', hint: 'Schrijf het in uw eigen woorden. Bijvoorbeeld: voor de app die de suiker meet.' },
    words: { label: 'Wat zegt uw kind zelf?', hint: 'Laat uw kind vertellen waarom de telefoon helpt. Schrijf het op zoals uw kind het zegt.' },
    documentsTitle: 'Welke papieren zijn er?',
    documentsHint: 'Kies bij elk papier wat klopt.',
    documents: {
      verwijsbrief: 'Een brief van de dokter, de psycholoog of een begeleider',
      opp: 'Het OPP (het plan van school voor uw kind)',
      diagnose: 'Een verklaring, bijvoorbeeld voor dyslexie of ADHD',
      motivatie: 'Een eigen uitleg van uw kind',
    },
    states: { aanwezig: 'Ja, dat is er', volgt: 'Dat komt nog', nvt: 'Niet nodig' },
    where: { label: 'Waar zijn deze papieren?', hint: 'Bijvoorbeeld: bij de huisarts, of de school heeft ze al. U hoeft niets mee te sturen.' },
    consent: 'Wij vinden het goed dat het zorgteam van school dit leest.',
    send: 'Versturen',
    errorsTitle: 'Er mist nog iets',
    errors: {
      need: 'Schrijf op waarvoor uw kind de telefoon nodig heeft.',
      words: 'Schrijf op wat uw kind zelf zegt.',
      consent: 'Zet een vinkje als u het goed vindt dat het zorgteam dit leest.',
      documents: 'Kies bij elk papier wat klopt.',
    },
    optional: '(mag leeg blijven)',
  },
  result: {
    doneTitle: 'Dank u wel',
    done: ['De school heeft uw antwoorden.', 'De mentor of de zorgcoördinator neemt contact met u op.', 'Binnen {days} schooldagen hoort u wat de school besluit.'],
    usedTitle: 'Deze link is al gebruikt',
    used: ['Het formulier is al verstuurd. De school heeft de antwoorden.', 'Wilt u iets veranderen? Neem dan contact op met de school.'],
    takenTitle: TAKEN_NL.title,
    taken: TAKEN_NL.lines,
    expiredTitle: 'Deze link werkt niet meer',
    expired: ['De link is te oud.', 'Vraag de school om een nieuwe link.'],
    unknownTitle: 'Deze link klopt niet',
    unknown: ['Kijk of u de hele link heeft gekopieerd.', 'Lukt het niet? Vraag de school om een nieuwe link.'],
    csrfTitle: 'Het formulier kon niet worden verstuurd',
    csrf: ['Er ging iets mis. Er is niets opgeslagen.', 'Open de link opnieuw en probeer het nog een keer.'],
    busyTitle: 'Even wachten',
    busy: ['U heeft het vaak geprobeerd.', 'Wacht tien minuten en probeer het dan opnieuw.'],
    errorTitle: 'Er ging iets mis',
    error: ['Het lukte de school even niet om uw antwoorden te verwerken.', 'Ga terug en druk over een paar minuten nog een keer op Versturen.'],
  },
  infoLink: 'Lees hoe het werkt',
};

export const en: PageTexts = {
  lang: 'en',
  langName: 'English',
  info: {
    title: 'Phones in class: asking for an exception',
    intro: [
      'Phones stay away during lessons. That is the rule at school.',
      'Sometimes a student does need the phone. For example for an app that goes with an illness. Then the school can make an exception.',
    ],
    whoTitle: 'Who is this for?',
    who: [
      'For students who need the phone for their health.',
      'Or for students who cannot take part well in class without it. Think of diabetes, epilepsy, dyslexia or a lot of stress.',
    ],
    stepsTitle: 'How it works',
    steps: [
      { title: 'Talk', text: 'You talk to the mentor or to the care coordinator.' },
      { title: 'Form', text: 'The school gives you a link. You fill in the form together with your child.' },
      { title: 'Decision', text: 'The school care team looks at the request. Within {days} school days you hear what the school decides, and why.' },
      { title: 'Look back', text: 'After a few weeks we look together at how it goes.' },
    ],
    checklistTitle: 'What is good to have?',
    checklist: [
      'A letter from the doctor, the psychologist or a counsellor.',
      "The OPP (the school's plan for your child), if your child has one.",
      'A statement, for example for dyslexia or ADHD.',
      'A few sentences from your child. Why does the phone help?',
    ],
    checklistNote: 'You do not need to send anything. In the form you write where the papers are.',
    privacyTitle: 'Who reads what?',
    privacy: ['Only the school care team reads what you fill in.', 'Teachers only hear what they need to know in class. They never hear why.'],
    contactTitle: 'Questions?',
    contact: 'You can always call or e-mail {name}, {role}.',
    contactNone: "You can always ask your child's mentor.",
    email: 'E-mail',
    phone: 'Phone',
  },
  form: {
    title: 'Asking for a phone exception',
    intro: ['Fill in this form together with your child. It takes about ten minutes.', 'You can send the form once. After that the link no longer works.'],
    need: { label: 'What does your child need the phone for at school?', hint: 'Write it in your own words. For example: for the app that measures blood sugar.' },
    words: { label: 'What does your child say?', hint: 'Let your child tell why the phone helps. Write it down the way your child says it.' },
    documentsTitle: 'Which papers are there?',
    documentsHint: 'For each paper, choose what is true.',
    documents: {
      verwijsbrief: 'A letter from the doctor, the psychologist or a counsellor',
      opp: "The OPP (the school's plan for your child)",
      diagnose: 'A statement, for example for dyslexia or ADHD',
      motivatie: 'An explanation by your child',
    },
    states: { aanwezig: 'Yes, we have it', volgt: 'It will follow', nvt: 'Not needed' },
    where: { label: 'Where are these papers?', hint: 'For example: at the family doctor, or the school already has them. You do not need to send anything.' },
    consent: 'We agree that the school care team reads this.',
    send: 'Send',
    errorsTitle: 'Something is still missing',
    errors: {
      need: 'Write down what your child needs the phone for.',
      words: 'Write down what your child says.',
      consent: 'Tick the box if you agree that the care team reads this.',
      documents: 'For each paper, choose what is true.',
    },
    optional: '(may stay empty)',
  },
  result: {
    doneTitle: 'Thank you',
    done: ['The school has your answers.', 'The mentor or the care coordinator will contact you.', 'Within {days} school days you hear what the school decides.'],
    usedTitle: 'This link has been used',
    used: ['The form was already sent. The school has the answers.', 'Do you want to change something? Please contact the school.'],
    takenTitle: 'Your answers were not saved',
    taken: [
      'Someone had just sent the form with this link. Maybe it was someone else in your home.',
      'So the school does not have what you filled in now.',
      'Do you want to add or change something? Please contact the school.',
    ],
    expiredTitle: 'This link no longer works',
    expired: ['The link is too old.', 'Ask the school for a new link.'],
    unknownTitle: 'This link is not right',
    unknown: ['Check that you copied the whole link.', 'Still not working? Ask the school for a new link.'],
    csrfTitle: 'The form could not be sent',
    csrf: ['Something went wrong. Nothing was saved.', 'Open the link again and try once more.'],
    busyTitle: 'Please wait',
    busy: ['You have tried many times.', 'Wait ten minutes and then try again.'],
    errorTitle: 'Something went wrong',
    error: ['The school could not handle your answers just now.', 'Go back and press Send again in a few minutes.'],
  },
  infoLink: 'Read how it works',
};

/**
 * The languages the parents' pages speak: Dutch and English, and any human translation the school
 * adds (a YAML file per language in the folder the school file names in `parents.translations`).
 */
export class PageLanguages {
  private byCode: Map<string, PageTexts>;

  constructor(extra: readonly PageTexts[] = []) {
    this.byCode = PageLanguages.build(extra);
  }

  /** The school's translations read again (the school file changed): swapped in at once. */
  replace(extra: readonly PageTexts[]): void {
    this.byCode = PageLanguages.build(extra);
  }

  private static build(extra: readonly PageTexts[]): Map<string, PageTexts> {
    return new Map([nl, en, ...extra].map((t) => [t.lang, t]));
  }

  /** The texts in a language; Dutch for anything else. */
  get(lang: string | null | undefined): PageTexts {
    return this.byCode.get(lang ?? '') ?? nl;
  }

  /** The other languages, for the page's language links. */
  others(lang: string): Array<{ code: string; name: string }> {
    return [...this.byCode.values()].filter((t) => t.lang !== lang).map((t) => ({ code: t.lang, name: t.langName }));
  }
}

export class TranslationError extends Error {
  override name = 'TranslationError';
}

/** Reads a school's own translations; each must be complete, name its translator, and not replace Dutch or English. */
export function loadTranslations(dir: string): PageTexts[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    throw new TranslationError(`${dir}: the translations folder cannot be read`);
  }
  return names.map((name) => {
    const file = join(dir, name);
    const parsed = pageTextsSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new TranslationError(`${file}: ${issue.path.join('.') || 'file'}: ${issue.message}`);
    }
    if (!parsed.data.translatedBy) throw new TranslationError(`${file}: translatedBy is missing (a translation is made and checked by a person)`);
    if (parsed.data.lang === 'nl' || parsed.data.lang === 'en') throw new TranslationError(`${file}: ${parsed.data.lang} is built in`);
    return parsed.data;
  });
}

/**
 * The page a letter's PDF link answers when it gives no PDF. Read by staff (the member of staff who took
 * the letter), so in Dutch or English only, with "je"; never in the parents' own translations.
 */
export interface LetterLinkTexts {
  lang: 'nl' | 'en';
  langName: string;
  used: { title: string; lines: string[] };
  expired: { title: string; lines: string[] };
  unknown: { title: string; lines: string[] };
}

export const LETTER_LINK_TEXTS: Record<'nl' | 'en', LetterLinkTexts> = {
  nl: {
    lang: 'nl',
    langName: 'Nederlands',
    used: {
      title: 'Deze link is al gebruikt',
      lines: [
        'Met deze link is de brief al gedownload. Een link voor een brief werkt één keer.',
        'Kijk in de map Downloads op je computer. De tekst van de brief staat ook in je gesprek met Zorgpad.',
        'Heb je de PDF opnieuw nodig? Typ in Zorgpad "brief aan ouders" en maak de brief opnieuw.',
      ],
    },
    expired: {
      title: 'Deze link is verlopen',
      lines: [
        'Een link voor een brief werkt één uur. Dat uur is voorbij.',
        'De tekst van de brief staat nog in je gesprek met Zorgpad.',
        'Heb je de PDF nodig? Typ in Zorgpad "brief aan ouders" en maak de brief opnieuw.',
      ],
    },
    unknown: {
      title: 'Deze link werkt niet',
      lines: ['Zorgpad kent deze link niet. Misschien is hij niet helemaal gekopieerd.', 'Heb je de PDF nodig? Typ in Zorgpad "brief aan ouders" en maak de brief opnieuw.'],
    },
  },
  en: {
    lang: 'en',
    langName: 'English',
    used: {
      title: 'This link has been used',
      lines: [
        'The letter was already downloaded with this link. A link for a letter works once.',
        'Look in the Downloads folder on your computer. The text of the letter is also in your chat with Zorgpad.',
        'Do you need the PDF again? Type "letter to parents" in Zorgpad and make the letter again.',
      ],
    },
    expired: {
      title: 'This link has expired',
      lines: [
        'A link for a letter works for one hour. That hour is over.',
        'The text of the letter is still in your chat with Zorgpad.',
        'Do you need the PDF? Type "letter to parents" in Zorgpad and make the letter again.',
      ],
    },
    unknown: {
      title: 'This link does not work',
      lines: ['Zorgpad does not know this link. Perhaps it was not copied completely.', 'Do you need the PDF? Type "letter to parents" in Zorgpad and make the letter again.'],
    },
  },
};

/**
 * The language of a page for staff: `?lang=` when it names Dutch or English, otherwise the first of
 * them the browser asks for (Accept-Language, by weight), otherwise the school's.
 */
export function staffLanguage(query: string | null, acceptLanguage: string | undefined, fallback: 'nl' | 'en'): 'nl' | 'en' {
  const known = (code: string | null | undefined): 'nl' | 'en' | null => {
    const base = (code ?? '').trim().toLowerCase().split('-')[0];
    return base === 'nl' || base === 'en' ? base : null;
  };
  const asked = known(query);
  if (asked) return asked;
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [code, ...params] = part.split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { code: known(code), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((w): w is { code: 'nl' | 'en'; q: number; i: number } => w.code !== null && w.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return wanted[0]?.code ?? fallback;
}
