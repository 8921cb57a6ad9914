/**
 * Conversations several suites type as a person would, in the demo school: one place, so that a change
 * to a dialog is mended once.
 */

/** Tessa (vakdocent) reports that L1001 (class 1A, mentor Marloes) is bullied by L1002 and L1003; ends with "ja". */
export const SIGNAL = [
  'pesten melden',
  'Het is pesten',
  'L1001',
  'L1002, l1003',
  'geen',
  'In de les',
  'vandaag',
  '1, 4',
  'Binnen de klas',
  'nee',
  'Uitgelachen tijdens de les.',
  'ja',
];

/** Marloes (mentor of 1A) asks an exception for L1001 (diabetes, glucose app), up to the check; then "Indienen". */
export const EXCEPTION_REQUEST = [
  'uitzondering aanvragen',
  'L1001',
  'Medisch',
  'Medische app (bijvoorbeeld glucosemeting)',
  'Diabetes type 1; sensor stuurt waarden naar de telefoon',
  'Aanwezig',
  'Niet van toepassing',
  'Aanwezig',
  'Volgt nog',
  'Als mijn suiker zakt moet ik het meteen zien',
  'dossier in Magister',
  'Ook in toetsweken',
  'alle lessen',
  'glucose-app, alleen meldingen en waarden',
  'Meldingen bekijken en er meteen op reageren',
  '1, 4',
  '2',
];
