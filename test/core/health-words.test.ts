import { describe, expect, it } from 'vitest';
import { healthWordsIn, isHealthWord, withoutHealthWords } from '../../src/core/text/health-words.js';

describe('health words, matched by stem', () => {
  it.each([
    'glucose', 'Glucosemeting', 'glucosesensor', 'GLUCOSE-APP', 'insulinepomp', 'insuline', 'diabetes', 'diabetesverpleegkundige', 'diabetisch',
    'epileptische', 'faalangst', 'angststoornis', 'examenangst', 'ADHD', "ADHD'er", 'adhd-medicatie', 'autistisch', 'dyslectisch', 'dyscalculie',
    'astma-aanval', 'inspanningsastma', 'medicijnen', 'Medisch', 'diagnose', 'kinderpsychiater', 'psychische', 'fysiotherapeut', 'ziekenhuisopname',
    'hartritmestoornis', 'PTSS', 'pdd-nos', 'hypo', 'hypoglycemie', 'suïcidaal', 'burn-out',
    'anxiety', 'insulin', 'diabetic', 'epilepsy', 'medication', 'psychiatrist', 'disorder', 'nurse',
  ])('catches "%s"', (word) => {
    expect(isHealthWord(word)).toBe(true);
  });

  it.each([
    // The words a letter to parents is made of.
    'afspraak', 'mentor', 'telefoon', 'leerling', 'lesrooster', 'les', 'toetsweek', 'meldingen', 'gezondheid', 'zorgteam', 'zorgcoördinator',
    'uitzondering', 'evaluatie', 'ouders', 'verzorgers', 'docenten', 'school', 'timer', 'planner', 'oortjes', 'muziek', 'rustig', 'tussenuren',
    // Ordinary words that hold a stem's letters.
    'ontvangst', 'ontvangstbevestiging', 'belangstelling', 'langste', 'toegangsticket', 'overgangstermijn', 'zangster', 'hangstoel', 'vervangster',
    'vastmaken', 'gastmaal', 'hypotheek', 'hyperlink', 'glasdeur', 'pasdag', 'gehoorzaam', 'medewerker', 'mediatheek', 'remedie', 'nautisch',
    'nursery', 'hospitality', 'depressing', 'angstrom', 'basisschool',
  ])('lets "%s" pass', (word) => {
    expect(isHealthWord(word)).toBe(false);
  });

  it('finds the words in a text and takes them out, compounds included', () => {
    const text = 'Medisch noodzakelijk: de glucosesensor en de insulinepomp; afspraak met de mentor over het lesrooster.';
    expect(healthWordsIn(text)).toEqual(['Medisch', 'glucosesensor', 'insulinepomp']);
    expect(withoutHealthWords(text)).toEqual({
      text: '[…] noodzakelijk: de […] en de […]; afspraak met de mentor over het lesrooster.',
      removed: ['medisch', 'glucosesensor', 'insulinepomp'],
    });
    expect(healthWordsIn('De telefoon helpt uw kind om goed mee te doen in de les.')).toEqual([]);
  });
});
