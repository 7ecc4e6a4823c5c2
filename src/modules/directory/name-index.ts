// Near-miss lookup of city names across the country: every municipality name, locality and alias
// in its loose form, found by shared letter trigrams and then the edit distance. Built once per
// directory index, on the first lookup whose city the exact maps do not know.
import { looseCityKey } from '../addresses/name-variants.js';
import { editDistance, trigrams } from '../addresses/similarity.js';

/** Names longer than this are no place names; they are not compared (bounded work per lookup). */
export const MAX_NAME_LENGTH = 60;

/**
 * The documented threshold: how many edits (a letter dropped, doubled, replaced, or two swapped)
 * a near miss may be from the name. Short names get none country-wide: too many are one edit apart.
 */
export function allowedEdits(looseLength: number): number {
  return looseLength < 4 ? 0 : looseLength < 12 ? 1 : 2;
}

export interface NameHit {
  /** the city key as the directory's maps know it (municipality name or locality) */
  key: string;
  /** edits between the loose forms; 0 for a variant ("Salzuflen" for "Bad Salzuflen") */
  distance: number;
}

export class NameIndex {
  private readonly loose: string[] = [];
  private readonly targets: string[][] = [];
  private readonly ids = new Map<string, number>();
  private readonly postings = new Map<string, number[]>();

  /** A name (folded) for the city key it stands for (itself, or an alias of a municipality's key). */
  add(cityKey: string, name = cityKey): void {
    const l = looseCityKey(name);
    if (!l || l.length > MAX_NAME_LENGTH) return;
    let id = this.ids.get(l);
    if (id === undefined) {
      id = this.loose.length;
      this.ids.set(l, id);
      this.loose.push(l);
      this.targets.push([]);
      for (const g of trigrams(l)) {
        const list = this.postings.get(g);
        if (list) list.push(id);
        else this.postings.set(g, [id]);
      }
    }
    const t = this.targets[id]!;
    if (!t.includes(cityKey)) t.push(cityKey);
  }

  /**
   * The names nearest to the folded input within the allowed edits, and those one edit further (a
   * near miss is clearly best only without them): nearest first. None when nothing is near enough.
   */
  nearest(folded: string): NameHit[] {
    const l = looseCityKey(folded);
    if (!l || l.length > MAX_NAME_LENGTH) return [];
    const max = allowedEdits(l.length);
    const same = this.ids.get(l);
    const found: { id: number; d: number }[] = same === undefined ? [] : [{ id: same, d: 0 }];
    let best = same === undefined ? Infinity : 0;
    if (max > 0) {
      for (const id of this.candidates(l, max + 1)) {
        if (id === same) continue;
        const d = editDistance(l, this.loose[id]!, Math.min(max, best) + 1);
        if (d > Math.min(max, best) + 1) continue;
        best = Math.min(best, d);
        found.push({ id, d });
      }
    }
    if (best > max) return [];
    return found
      .filter((f) => f.d <= best + 1)
      .sort((a, b) => a.d - b.d)
      .flatMap((f) => this.targets[f.id]!.map((key) => ({ key, distance: f.d })));
  }

  /** The names fewer than `d` edits from the folded input (within the allowed edits): a cheaper question. */
  closerThan(folded: string, d: number): NameHit[] {
    const l = looseCityKey(folded);
    if (!l || l.length > MAX_NAME_LENGTH || d < 1) return [];
    const same = this.ids.get(l);
    const hits = same === undefined ? [] : this.targets[same]!.map((key) => ({ key, distance: 0 }));
    const max = Math.min(d - 1, allowedEdits(l.length));
    if (max < 1) return hits;
    for (const id of this.candidates(l, max)) {
      const dist = id === same ? max + 1 : editDistance(l, this.loose[id]!, max);
      if (dist <= max) for (const key of this.targets[id]!) hits.push({ key, distance: dist });
    }
    return hits;
  }

  /** Names sharing enough trigrams to be within `max` edits (each edit spoils at most four: a swap). */
  private candidates(l: string, max: number): number[] {
    const grams = trigrams(l);
    const need = Math.max(1, grams.length - 4 * max);
    const count = new Uint8Array(this.loose.length);
    const out: number[] = [];
    for (const g of grams) {
      for (const id of this.postings.get(g) ?? []) {
        if (++count[id]! === need && Math.abs(this.loose[id]!.length - l.length) <= max) out.push(id);
      }
    }
    return out;
  }
}
