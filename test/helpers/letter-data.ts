import type { LetterData } from '../../src/core/parents/letters.js';

/** A letter's fields as the demo school fills them (the parents applied, on medical grounds). */
export const DEMO_LETTER: LetterData = {
  student: 'B.M.',
  school: 'Demo College (fictief)',
  staff: 'Marloes de Vries',
  contact: 'A. Jansen (zorgcoördinator), 010 123 45 67, zorg@demo-school.example',
  applicant: 'parents',
  ground: 'medisch',
  reason: 'De telefoon ging in de les vaak voor andere dingen aan',
  allowed: ['meldingen op de telefoon bekijken en er meteen iets mee doen'],
  where: 'in de lessen, ook bij toetsen',
  date: '8 februari 2027',
};
