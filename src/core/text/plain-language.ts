/**
 * A plain-language (B1) budget for texts parents and students read: short sentences, a reading-ease
 * score, and no jargon unless it is explained right away. Dutch texts are scored with Flesch–Douma,
 * English ones with Flesch reading ease; syllables are counted as groups of vowels, which is close
 * enough for a budget (not for a verdict on one word).
 */
export interface Readability {
  sentences: number;
  words: number;
  syllables: number;
  /** Words per sentence. */
  averageSentence: number;
  /** Words in the longest sentence. */
  longestSentence: number;
  /** Flesch–Douma (Dutch) or Flesch reading ease (English); higher is easier, 60+ is plain. */
  ease: number;
  /** Jargon used without an explanation in brackets right after it. */
  jargon: string[];
}

export const B1_BUDGET = { averageSentence: 15, longestSentence: 20, ease: 60 } as const;

/** Words parents should not meet unexplained (an explanation in brackets right after the word is fine). */
export const JARGON: Record<'nl' | 'en', readonly string[]> = {
  nl: ['kernteam', 'OPP', 'ontwikkelingsperspectief', 'uitzonderingsregel', 'samenwerkingsverband', 'multidisciplinair', 'Magister', 'CLZ', 'evaluatie', 'motivatie', 'protocol', 'sanctie'],
  en: ['kernteam', 'OPP', 'multidisciplinary', 'Magister', 'CLZ', 'evaluation', 'protocol', 'sanction'],
};

const VOWELS = /[aeiouyàáâäèéêëìíîïòóôöùúûü]+/gi;

/** Syllables in one word: groups of vowels; a letter with a diaeresis (coördinator) starts a new one. */
export function syllables(word: string): number {
  const groups = word.toLowerCase().replace(/([äëïöü])/g, ' $1').match(VOWELS) ?? [];
  return Math.max(1, groups.length);
}

function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => /\p{L}/u.test(s));
}

function wordsOf(sentence: string): string[] {
  return sentence.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')).filter((w) => /\p{L}/u.test(w));
}

export function readability(texts: readonly string[], locale: 'nl' | 'en'): Readability {
  const sentences = texts.flatMap(sentencesOf);
  const words = sentences.flatMap(wordsOf);
  const syl = words.reduce((n, w) => n + syllables(w), 0);
  const averageSentence = words.length / Math.max(1, sentences.length);
  const longestSentence = Math.max(0, ...sentences.map((s) => wordsOf(s).length));
  const perWord = syl / Math.max(1, words.length);
  const ease = locale === 'nl' ? 206.84 - 0.77 * (perWord * 100) - 0.93 * averageSentence : 206.835 - 1.015 * averageSentence - 84.6 * perWord;
  const all = texts.join('\n');
  const jargon = JARGON[locale].filter((term) => {
    const uses = [...all.matchAll(new RegExp(`\\b${term}\\b`, 'gi'))];
    return uses.some((m) => !/^\s*\(/.test(all.slice(m.index! + m[0].length)));
  });
  return { sentences: sentences.length, words: words.length, syllables: syl, averageSentence, longestSentence, ease, jargon };
}

/** Whether texts keep to the B1 budget. */
export function withinB1(r: Readability): boolean {
  return r.averageSentence <= B1_BUDGET.averageSentence && r.longestSentence <= B1_BUDGET.longestSentence && r.ease >= B1_BUDGET.ease && r.jargon.length === 0;
}
