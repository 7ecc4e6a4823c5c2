// The looser forms of place names that near-miss matching compares: people drop "Bad", write
// "St." for "Sankt", "a. d." for "an der", run words together or split them with hyphens, and
// write one half of a double name (Sorbian in Brandenburg and Sachsen: "Cottbus/Chóśebuz").
import { foldName } from '../../lib/fold.js';

/** Short linking words of official names, often abbreviated ("a. d.", "i. OPf."): left out. */
const LINKS = new Set(['a', 'am', 'an', 'b', 'bei', 'd', 'dem', 'den', 'der', 'i', 'im', 'in', 'o', 'ob', 'v', 'vor']);

/** States whose double names are bilingual (German/Sorbian): either half names the municipality. */
const BILINGUAL_STATES = new Set(['12', '14']);

/** A folded city key in its loose form: "bad neustadt a d saale" → "neustadtsaale", "sankt ingbert" → "stingbert". */
export function looseCityKey(folded: string): string {
  const words = folded.split(' ').filter(Boolean);
  if (words.length > 1 && words[0] === 'bad') words.shift();
  return words
    .map((w) => (w === 'sankt' ? 'st' : w))
    .filter((w, i) => i === 0 || !LINKS.has(w))
    .join('');
}

/** A street key in its loose form ("sanktgeorgstr" → "stgeorgstr"). */
export const looseStreetKey = (key: string) => key.replace(/sankt/g, 'st');

/**
 * Other names a municipality goes by, folded: the name without a parenthesis ("Lübben (Spreewald)"),
 * the first half of "X/Y" or "X - Y" ("Lauenburg/ Elbe" → "Lauenburg"), and in bilingual states the
 * other half too ("Chóśebuz"). A qualifier after "/" elsewhere ("Elbe", "Pfalz") is no name.
 */
export function nameAliases(officialName: string, ags: string): string[] {
  const city = officialName.split(',')[0]!;
  const out = new Set<string>();
  const plain = city.replace(/\s*\([^)]*\)/g, '');
  if (plain !== city) out.add(plain);
  const halves = plain.split(/\s*\/\s*|\s+-\s+/).filter((h) => h.trim());
  if (halves.length > 1) {
    out.add(halves[0]!);
    if (BILINGUAL_STATES.has(ags.slice(0, 2))) for (const h of halves.slice(1)) out.add(h);
  }
  return [...out].map(foldName).filter(Boolean);
}

/** The first half of an input written as a double name ("Bautzen/Budyšin", "Risum-Lindholm - Risem-Lunham"). */
export function firstHalf(city: string): string | undefined {
  const halves = city.split(/\s*\/\s*|\s+-\s+/);
  return halves.length > 1 && halves[0]!.trim() ? halves[0]!.trim() : undefined;
}
