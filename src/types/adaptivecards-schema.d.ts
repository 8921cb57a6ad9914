// adaptivecards-templating's type declarations import a TypeScript source file of the adaptivecards
// package, which does not compile under our settings. Its one used type is a plain card object.
export type IAdaptiveCard = Record<string, unknown>;
