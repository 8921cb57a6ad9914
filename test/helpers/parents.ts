/** The parents' form as parents fill it in completely (field names as the form sends them). */
export const FILLED = {
  need: 'Voor de app die haar suiker meet; die geeft een seintje als het te laag is.',
  words: 'Ik wil niet steeds naar de gang om te kijken.',
  where: 'Brief van de kinderarts ligt thuis.',
  consent: 'ja',
  'doc-verwijsbrief': 'aanwezig',
  'doc-opp': 'nvt',
  'doc-diagnose': 'volgt',
  'doc-motivatie': 'aanwezig',
};
