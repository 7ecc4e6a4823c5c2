// The CSV resolution on worker threads (issue #17) writes the same bytes as in the main thread: rows
// in order across many batches, malformed rows, formula-like cells, AGS rows and errors, on the demo
// seed; and a run whose worker cannot start fails instead of writing a partial file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadDemoSeed } from '../seed/load.js';
import type { Database } from '../src/db/client.js';
import { buildDirectoryIndex, readDirectorySnapshot, type DirectorySnapshot } from '../src/modules/directory/load-index.js';
import { resolveCsv, type BulkOptions } from '../src/modules/jurisdictions/bulk-csv.js';
import { CsvWorkers } from '../src/modules/jurisdictions/bulk-csv.workers.js';
import { engines } from './helpers/engines.js';
import { clock, testActor } from './helpers/fixtures.js';

let database: Database;
let snapshot: DirectorySnapshot;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-csv-workers-'));
const input = path.join(dir, 'in.csv');
const NOW = new Date('2026-11-22T10:00:00Z');

/** Rows of every kind, repeated past many batches (a batch is 500 rows). */
function inputText(rows: number): string {
  const kinds = [
    (i: number) => `${i},Mittelstraße,${i % 90},32657,Lemgo,,`,
    (i: number) => `${i},"Hauptstraße, Hinterhaus",3,22113,,,`,
    (i: number) => `${i},Bahnhofstr.,1,22113,Oststeinbek,,2026-01-01`,
    (i: number) => `${i},Dorfstraße,1,1234X,Nirgendwo,,`,
    (i: number) => `${i},,,,,05766020,`,
    (i: number) => `${i},=cmd|' /C calc'!A0,1,32756,Detmold,,`,
    (i: number) => `${i},Markt,1,32756,Detmold,,,too,many`,
    (i: number) => `${i},"unclosed,1,32756,Detmold\n${i},Lange Straße,7,32756,Detmold,,`,
    (i: number) => `${i},Am Wall,2,32756,Nowhere,,`,
  ];
  const lines = ['id,street,houseNumber,postalCode,city,ags,at'];
  for (let i = 0; i < rows; i++) lines.push(kinds[i % kinds.length]!(i));
  return lines.join('\n') + '\n';
}

async function run(o: Omit<BulkOptions, 'input' | 'output' | 'today'>) {
  const chunks: Buffer[] = [];
  const output = new PassThrough();
  output.on('data', (d: Buffer) => chunks.push(d));
  const summary = await resolveCsv({ input, output, today: '2026-11-22', now: NOW, messageType: '100', ...o });
  return { summary, bytes: Buffer.concat(chunks) };
}

beforeAll(async () => {
  database = await engines().find((e) => e.name === 'pglite')!.open();
  expect(await loadDemoSeed(database.db, clock(), testActor)).toBe('seeded');
  snapshot = await readDirectorySnapshot(database.db);
  fs.writeFileSync(input, inputText(4321));
});
afterAll(async () => {
  await database?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('two workers write byte for byte what the main thread writes, rows in order', async () => {
  const alone = await run({ index: buildDirectoryIndex(snapshot) });
  const pool = await CsvWorkers.start(2, { snapshot, settings: { today: '2026-11-22', now: NOW, messageType: '100' } });
  try {
    const parallel = await run({ resolveBatch: pool.resolve, inFlight: 4 });
    expect(parallel.summary).toEqual(alone.summary);
    expect(parallel.bytes.equals(alone.bytes)).toBe(true);
  } finally {
    await pool.close();
  }
  expect(alone.summary.rows).toBeGreaterThan(4000);
  expect(Object.keys(alone.summary.byStatus).length).toBeGreaterThan(2);
  const lines = alone.bytes.toString('utf8').split('\n');
  expect(lines[1]).toMatch(/^0,Mittelstraße,0,32657,Lemgo,,,/);
  expect(lines[6]).toMatch(/^5,'=cmd/);
});

it('a batch after the workers stopped fails the run', async () => {
  const pool = await CsvWorkers.start(1, { snapshot, settings: { today: '2026-11-22' } });
  await pool.close();
  await expect(run({ resolveBatch: pool.resolve, inFlight: 2 })).rejects.toThrow(/shut down|stopped/);
});
