// resolve: a CSV of addresses to a CSV of responsible authorities, as a stream.
import fs from 'node:fs';
import os from 'node:os';
import { systemClock, today } from '../../lib/clock.js';
import { buildDirectoryIndex, readDirectorySnapshot, type DirectorySnapshot } from '../../modules/directory/load-index.js';
import { fileSize, progressBar, resolveCsv, type BulkOptions, type BulkSummary, type ResolveSettings } from '../../modules/jurisdictions/bulk-csv.js';
import { MESSAGE_TYPES } from '../../modules/authorities/message-types.js';
import { CsvWorkers } from '../../modules/jurisdictions/bulk-csv.workers.js';
import type { Args } from '../args.js';
import type { Command } from '../commands.js';

type Request = Omit<BulkOptions, 'output' | 'onProgress'>;

/** Streams the results to `target`, or stdout without one. A target file appears only when complete:
 * the results go to a temporary file that is renamed at the end. */
async function resolveTo(target: string | undefined, request: Request): Promise<BulkSummary> {
  const tmp = target ? `${target}.partial-${process.pid}` : undefined;
  const output = tmp ? fs.createWriteStream(tmp) : process.stdout;
  const bar = progressBar(fileSize(request.input));
  try {
    const s = await resolveCsv({ ...request, output, onProgress: (p) => bar(p) });
    bar({ rows: s.rows, bytesRead: fileSize(request.input) }, true);
    if (tmp) {
      await new Promise<void>((resolve, reject) => (output as fs.WriteStream).end((e?: Error | null) => (e ? reject(e) : resolve())));
      fs.renameSync(tmp, target!);
    }
    return s;
  } catch (e) {
    if (tmp) {
      (output as fs.WriteStream).destroy();
      fs.rmSync(tmp, { force: true });
    }
    throw e;
  }
}

export const resolve: Command = {
  name: 'resolve',
  synopsis: '<addresses.csv> [--out results.csv] [--task CODE] [--at YYYY-MM-DD] [--message-type 100]',
  summary: [
    'Resolve a CSV of addresses (columns street, houseNumber, postalCode, city, or ags/ars) to a CSV',
    'of results, streaming, with a progress bar on stderr. Without --out the results go to stdout.',
  ],
  options: ['out', 'task', 'at', 'message-type', 'workers', 'json'],
  optionHelp: {
    task: 'task for rows without a task column (default VOLLSTRECKUNGSHILFE)',
    at: 'resolve as on this date, for rows without an at column (default today)',
    json: 'with --out, print the summary as JSON on stdout',
  },
  async run({ args, withDatabase }) {
    const input = args.existingFile('<addresses.csv>');
    const settings: ResolveSettings = { today: today(systemClock), task: args.string('task'), at: args.isoDate('at'), messageType: messageTypeOf(args) };
    const workers = workerCount(args);
    // One snapshot of the directory, read before any row; the database is closed by then.
    const snapshot = () => withDatabase((d) => readDirectorySnapshot(d.db));
    const out = args.string('out');
    const summary =
      workers === 0
        ? await resolveTo(out, { input, ...settings, index: buildDirectoryIndex(await snapshot()) })
        : await onWorkers(workers, snapshot, settings, (resolveBatch) => resolveTo(out, { input, ...settings, resolveBatch, inFlight: 2 * workers }));
    process.stderr.write(`${summary.rows} rows: ${Object.entries(summary.byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    if (args.json && args.string('out')) console.log(JSON.stringify(summary));
    return 0;
  },
};

/** The run on worker threads; the snapshot is theirs once they have started (the main thread keeps no index). */
async function onWorkers(
  workers: number,
  snapshot: () => Promise<DirectorySnapshot>,
  settings: ResolveSettings,
  run: (resolveBatch: CsvWorkers['resolve']) => Promise<BulkSummary>,
): Promise<BulkSummary> {
  const pool = await CsvWorkers.start(workers, { snapshot: await snapshot(), settings });
  try {
    // Two batches per worker in flight: each has the next one waiting while it works.
    return await run(pool.resolve);
  } finally {
    await pool.close();
  }
}

/** --message-type, checked before any row (a wrong one would otherwise make every row an ERROR). */
function messageTypeOf(args: Args): string | undefined {
  const raw = args.string('message-type')?.trim();
  if (raw !== undefined && !(MESSAGE_TYPES as readonly string[]).includes(raw)) args.fail(`--message-type "${raw}" is not an XAmtshilfe message type (${MESSAGE_TYPES.join(', ')})`);
  return raw;
}

/** --workers N (0 to 16), by default one per core; 0 resolves in the main thread. */
function workerCount(args: Args): number {
  const raw = args.string('workers');
  if (raw === undefined) return Math.min(os.availableParallelism(), 16);
  if (!/^\d{1,2}$/.test(raw) || Number(raw) > 16) args.fail(`--workers "${raw}" must be a number from 0 to 16`);
  return Number(raw);
}
