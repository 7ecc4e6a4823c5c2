// Accuracy of the place matching on the national data set (issue #18): seeded typo sets and the
// town-hall set, run through the resolution in process.
//   npx tsx bench/typos.bench.ts            (BENCH_TYPOS=1500 per set, BENCH_SEED=18, BENCH_EDITS=1 typos per name)
// Data: the GV100AD 2025 edition, the postcode mapping and the demo authorities, loaded once into a
// PGlite folder (BENCH_TYPOS_DB, default /tmp/bv-typos-db) that later runs reuse.
// Sets:
//   town hall      every municipality's town-hall postcode (GV100AD) and its name (before the comma)
//   typo+postcode  one typo (swap, drop, double or replace one letter) in the name, town-hall postcode
//   typo alone     one typo in the name, no postcode
// A typo that spells another real municipality or locality is left out (it is not a typo to us).
// Counts: exact (RESOLVED to the right AGS), listed (AMBIGUOUS with the right AGS among the
// candidates), ambiguous (without it), not found, WRONG (RESOLVED to another AGS).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPglite } from '../src/db/client.js';
import { systemClock } from '../src/lib/clock.js';
import { decodeText, splitLines } from '../src/lib/text-file.js';
import { cityKey } from '../src/modules/addresses/normalize.js';
import { generateDemoAuthorities } from '../src/modules/authorities/demo-authorities.js';
import type { DirectoryIndex } from '../src/modules/directory/directory-index.js';
import { loadDirectoryIndex } from '../src/modules/directory/load-index.js';
import { lookupOne } from '../src/modules/jurisdictions/lookup.js';
import type { LookupResult } from '../src/modules/jurisdictions/resolution/index.js';
import { importPostcodes } from '../src/modules/postcodes/postcodes.import.js';
import { importGv100ad } from '../src/modules/regions/gv100ad.import.js';
import { parseGv100ad } from '../src/modules/regions/gv100ad.parser.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const shared = process.env.BV_SHARED_DATA ?? path.resolve(here, '../../shared/data');
const EDITION = path.join(shared, 'gv100ad/GV100AD_30112025.txt');
const POSTCODES = path.join(shared, 'postcodes/zuordnung_plz_ort.csv');
const DB_DIR = process.env.BENCH_TYPOS_DB ?? '/tmp/bv-typos-db';
const N = Number(process.env.BENCH_TYPOS ?? 1500);
const SEED = Number(process.env.BENCH_SEED ?? 18);
const EDITS = Number(process.env.BENCH_EDITS ?? 1);
export const AT = '2026-11-22';
const actor = { id: 'bench' };

export interface Municipality {
  ags: string;
  /** the name people write: the official name before the comma */
  city: string;
  townHallPostcode: string | null;
}

export interface Case {
  ags: string;
  city: string;
  postalCode?: string;
}

/** The national index, from the PGlite folder (filled on the first run). */
async function nationalIndex(): Promise<DirectoryIndex> {
  const fresh = !fs.existsSync(path.join(DB_DIR, 'PG_VERSION'));
  const db = await openPglite({ dir: DB_DIR, purpose: 'typos bench' });
  try {
    if (fresh) {
      await db.migrate();
      await importGv100ad(db.db, systemClock, { bytes: fs.readFileSync(EDITION), fileName: 'GV100AD_30112025.txt', actor });
      await importPostcodes(db.db, systemClock, { bytes: fs.readFileSync(POSTCODES), fileName: 'zuordnung_plz_ort.csv', actor });
      await generateDemoAuthorities(db.db, systemClock, { at: AT, actor });
    }
    return await loadDirectoryIndex(db.db);
  } finally {
    await db.close();
  }
}

/** Every municipality of the edition with its town-hall postcode. */
export function municipalitiesOf(editionFile: string): Municipality[] {
  const { text } = decodeText(fs.readFileSync(editionFile), undefined, editionFile);
  return parseGv100ad(splitLines(text), editionFile)
    .records.filter((r) => r.level === 'MUNICIPALITY')
    .map((r) => ({ ags: r.ags!, city: r.name.split(',')[0]!.trim(), townHallPostcode: r.townHallPostcode }));
}

/** A small seeded generator (LCG): the same sets on every run. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzäöüß';

/** One typo at a letter position: swap with the next, drop, double, or replace. */
export function typo(name: string, rnd: () => number): string {
  const letters = [...name].map((c, i) => (/\p{L}/u.test(c) ? i : -1)).filter((i) => i >= 0);
  const chars = [...name];
  const i = letters[Math.floor(rnd() * letters.length)]!;
  const kind = Math.floor(rnd() * 4);
  if (kind === 0 && i + 1 < chars.length) [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
  else if (kind === 1) chars.splice(i, 1);
  else if (kind === 2) chars.splice(i, 0, chars[i]!);
  else chars[i] = LETTERS[Math.floor(rnd() * LETTERS.length)]!;
  return chars.join('');
}

/** Typo cases: a name that folds to a real municipality or locality is not a typo and is skipped. */
export function typoCases(ix: DirectoryIndex, all: Municipality[], n: number, seed: number, withPostcode: boolean, edits = 1): Case[] {
  const rnd = random(seed);
  const pool = all.filter((m) => !withPostcode || m.townHallPostcode);
  const out: Case[] = [];
  while (out.length < n) {
    const m = pool[Math.floor(rnd() * pool.length)]!;
    let city = m.city;
    for (let e = 0; e < edits; e++) city = typo(city, rnd);
    const k = cityKey(city);
    if (k === cityKey(m.city) || ix.municipalitiesByCity.has(k) || ix.postcodesByLocality.has(k)) continue;
    out.push(withPostcode ? { ags: m.ags, city, postalCode: m.townHallPostcode! } : { ags: m.ags, city });
  }
  return out;
}

export type Verdict = 'exact' | 'listed' | 'ambiguous' | 'notFound' | 'wrong';

export function verdict(c: Case, r: LookupResult): Verdict {
  if (r.status === 'RESOLVED' || (r.status === 'NO_JURISDICTION' && r.ags)) return r.ags === c.ags ? 'exact' : 'wrong';
  if (r.status === 'AMBIGUOUS') return r.candidates.some((x) => x.ags === c.ags) ? 'listed' : 'ambiguous';
  return 'notFound';
}

export function runCases(ix: DirectoryIndex, cases: Case[]) {
  const counts: Record<Verdict, number> = { exact: 0, listed: 0, ambiguous: 0, notFound: 0, wrong: 0 };
  const wrong: string[] = [];
  for (const c of cases) {
    const r = lookupOne(ix, { postalCode: c.postalCode ?? null, city: c.city, at: AT }, AT);
    const v = verdict(c, r);
    counts[v]++;
    if (v === 'wrong' && wrong.length < 20) wrong.push(`${c.postalCode ?? '-----'} ${c.city} (${c.ags}) → ${r.ags}: ${r.explanation.join(' | ')}`);
  }
  return { counts, wrong };
}

function report(name: string, total: number, r: ReturnType<typeof runCases>): void {
  const pct = (n: number) => `${n} (${((100 * n) / total).toFixed(1)} %)`;
  const c = r.counts;
  console.log(
    `${name.padEnd(14)} n=${total}: exact ${pct(c.exact)}, listed ${pct(c.listed)}, ambiguous ${pct(c.ambiguous)}, not found ${pct(c.notFound)}, WRONG ${pct(c.wrong)}`,
  );
  for (const w of r.wrong) console.log(`    wrong: ${w}`);
}

async function main() {
  for (const f of [EDITION, POSTCODES]) {
    if (!fs.existsSync(f)) {
      console.error(`needs ${f} (set BV_SHARED_DATA)`);
      process.exit(1);
    }
  }
  const ix = await nationalIndex();
  const all = municipalitiesOf(EDITION);
  const townHall = all.filter((m) => m.townHallPostcode).map((m) => ({ ags: m.ags, city: m.city, postalCode: m.townHallPostcode! }));
  const sets: [string, Case[]][] = [
    ['town hall', townHall],
    ['typo+postcode', typoCases(ix, all, N, SEED, true, EDITS)],
    ['typo alone', typoCases(ix, all, N, SEED + 1, false, EDITS)],
  ];
  for (const [name, cases] of sets) {
    const t0 = performance.now();
    const r = runCases(ix, cases);
    report(name, cases.length, r);
    console.log(`    ${((performance.now() - t0) / cases.length).toFixed(3)} ms per lookup`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
