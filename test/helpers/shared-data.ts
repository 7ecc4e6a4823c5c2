// ../shared/data is optional: tests that need it skip with a visible message when it is absent.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// BV_SHARED_DATA points elsewhere (or nowhere, to check that the suite skips cleanly).
export const SHARED_DATA =
  process.env.BV_SHARED_DATA ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');

export function sharedFile(rel: string): string | undefined {
  const p = path.join(SHARED_DATA, rel);
  if (fs.existsSync(p)) return p;
  console.warn(`[shared-data] ${p} not found: tests that need it are SKIPPED`);
  return undefined;
}

export const EDITIONS = {
  2021: 'gv100ad/GV100AD_31122021.txt',
  2022: 'gv100ad/GV100AD_31122022.txt',
  2025: 'gv100ad/GV100AD_30112025.txt',
} as const;
export const POSTCODES = 'postcodes/zuordnung_plz_ort.csv';
