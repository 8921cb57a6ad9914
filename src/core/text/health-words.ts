/**
 * Words about health — illnesses, diagnoses, care, medicines, devices — that an output for parents or
 * colleagues must not carry. They are matched by stem, anywhere inside a word and in any case, so
 * compounds are caught too ("glucosesensor", "insulinepomp", "diabetesverpleegkundige", "faalangst").
 * The lists are data: add a stem, an abbreviation or an ordinary word here, not code.
 */

/** Stems matched anywhere inside a word (Dutch and English). */
export const HEALTH_STEMS = [
  // diabetes and its devices
  'diabet', 'insulin', 'glucose', 'bloedsuiker', 'suikerziek', 'suikerwaarde', 'suikerspiegel', 'hypoglyc', 'hyperglyc', 'dexcom', 'omnipod',
  // other conditions
  'epilep', 'adhd', 'autism', 'autist', 'angst', 'anxiet', 'stoornis', 'disorder', 'syndroom', 'syndrome', 'depressi', 'dyslex', 'dyslect', 'dyscalc',
  'migrain', 'astma', 'asthma', 'allergie', 'allergisch', 'allergy', 'allergic', 'allergen', 'hartritm', 'trauma', 'psychos', 'anorex', 'boulim',
  'paniekaanval', 'burn-out', 'burnout', 'zelfbeschadig', 'self-harm', 'suïcid', 'suicid', 'zelfmoord', 'handicap', 'ziekte',
  // care, diagnosis and medicines
  'medisch', 'medic', 'diagnos', 'psychiat', 'psychisch', 'psycholo', 'therap', 'ziekenhuis', 'hospital', 'verpleegkund', 'nurse',
  'ritalin', 'medikinet', 'methylfenid',
] as const;

/** Short words matched only as a whole word (or one part of a hyphenated word): inside a longer word they are ordinary letters. */
export const HEALTH_ABBREVIATIONS = ['asd', 'ptss', 'ptsd', 'pdd', 'hypo'] as const;

/**
 * Ordinary words (or word parts) that happen to contain a stem: masked before the stems are looked for.
 * A leading `^` only masks at the start of a word (or of a hyphenated part): "langste" is ordinary,
 * "faalangst" is not.
 */
export const ORDINARY_WORDS = [
  // angst: ontvangst, vervangster, belangstelling, langste, toegangsticket, zangster, hangstoel, gangster…
  'vangst', 'belangst', 'handlangst', 'allerlangst', '^langst', 'bangst', 'zangst', 'hangst', 'wangst', 'wrangst', 'gangster', 'gangsta',
  'toegangst', 'ingangst', 'overgangst', 'omgangst', 'angstraat',
  // astma: vastmaken, gastmaal, koelkastmagneet, toastmaster
  'vastma', 'gastma', 'kastma', 'lastma', 'toastma', 'eastma',
  // and the rest
  'insulinde', 'flautist', 'depressing', 'comedic', 'nurser', 'hospitalit', 'angstrom', 'disorderl',
] as const;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ORDINARY = new RegExp(ORDINARY_WORDS.map((w) => (w.startsWith('^') ? `(?<=^|[-'’])${escape(w.slice(1))}` : escape(w))).join('|'), 'gu');
/** A word: letters and digits, hyphenated parts and an apostrophe ("ADHD'er") kept together. */
const WORD = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu;

/** Whether one word is about health. */
export function isHealthWord(word: string): boolean {
  const lower = word.normalize('NFC').toLocaleLowerCase('nl');
  if (lower.split(/[-'’]/).some((part) => (HEALTH_ABBREVIATIONS as readonly string[]).includes(part))) return true;
  const masked = lower.replace(ORDINARY, (m) => '·'.repeat(m.length));
  return HEALTH_STEMS.some((stem) => masked.includes(stem));
}

/** The health words in a text, as written, each once. */
export function healthWordsIn(text: string): string[] {
  return [...new Set((text.normalize('NFC').match(WORD) ?? []).filter(isHealthWord))];
}

/** The text with every health word replaced (by "[…]" unless told otherwise), and the words taken out, lower-case, each once. */
export function withoutHealthWords(text: string, replacement = '[…]'): { text: string; removed: string[] } {
  const removed = new Set<string>();
  const out = text.normalize('NFC').replace(WORD, (word) => {
    if (!isHealthWord(word)) return word;
    removed.add(word.toLocaleLowerCase('nl'));
    return replacement;
  });
  return { text: out, removed: [...removed] };
}
