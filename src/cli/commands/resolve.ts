// resolve: a CSV of addresses to a CSV of responsible authorities, as a stream.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommandFailure } from '../../lib/errors.js';
import { systemClock, today } from '../../lib/clock.js';
import { buildDirectoryIndex, readDirectorySnapshot, type DirectorySnapshot } from '../../modules/directory/load-index.js';
import { fileSize, progressBar, resolveCsv, type BulkOptions, type BulkSummary, type ResolveSettings } from '../../modules/jurisdictions/bulk-csv.js';
import { MESSAGE_TYPES } from '../../modules/authorities/message-types.js';
import { CsvWorkers } from '../../modules/jurisdictions/bulk-csv.workers.js';
import type { Args } from '../args.js';
import type { Command } from '../commands.js';

type Request = Omit<BulkOptions, 'output' | 'onProgress'>;

/** --out: a regular file (or a new one) in an existing folder, never the input itself. */
function checkTarget(args: Args, target: string | undefined, input: string): void {
  if (target === undefined) return;
  const dir = path.dirname(path.resolve(target));
  if (!statOf(dir)?.isDirectory()) args.fail(`--out: folder ${dir} does not exist`);
  const stat = statOf(target);
  if (!stat) return;
  // A device (/dev/full), a pipe or a folder would be replaced by the rename at the end.
  if (!stat.isFile()) args.fail(`--out ${target} is not a regular file`);
  if (fs.realpathSync(target) === fs.realpathSync(input)) args.fail(`--out ${target} is the input file: the results would replace the addresses`);
}

/** The path's stat, or undefined where there is none to be had (missing, a file on the way, no access). */
function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Streams the results to `target`, or stdout without one. A target file appears only when complete:
 * the results go to a temporary file next to it that is renamed at the end, and is removed on any
 * failure, write error or interruption (Ctrl-C, SIGTERM).
 */
async function resolveTo(target: string | undefined, request: Request): Promise<BulkSummary> {
  if (!target) return resolveStreaming(process.stdout, request);
  const tmp = `${target}.partial-${process.pid}`;
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx');
  } catch (e) {
    throw new CommandFailure(`cannot write ${target}: ${(e as Error).message}`);
  }
  const output = fs.createWriteStream(tmp, { fd });
  let failed: Error | undefined;
  output.on('error', (e) => (failed ??= e)); // a write error mid-run (disk full) ends the run below
  const interrupted = (signal: NodeJS.Signals) => {
    fs.rmSync(tmp, { force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const s = await resolveStreaming(output, request, () => failed);
    await new Promise<void>((resolve, reject) => output.end((e?: Error | null) => (e ?? failed ? reject(e ?? failed) : resolve())));
    fs.renameSync(tmp, target);
    return s;
  } catch (e) {
    output.destroy();
    fs.rmSync(tmp, { force: true });
    // A file-system error (the write, the rename) is the target's problem; a bad row or file is not.
    const writing = failed ?? ((e as NodeJS.ErrnoException).syscall ? (e as Error) : undefined);
    throw writing ? new CommandFailure(`cannot write ${target}: ${writing.message}`) : e;
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
  }
}

async function resolveStreaming(output: NodeJS.WritableStream, request: Request, writeError?: () => Error | undefined): Promise<BulkSummary> {
  const bar = progressBar(fileSize(request.input));
  const s = await resolveCsv({ ...request, output, writeError, onProgress: (p) => bar(p) });
  bar({ rows: s.rows, bytesRead: fileSize(request.input) }, true);
  return s;
}

export const resolve: Command = {
  name: 'resolve',
  synopsis: '<addresses.csv> [--out results.csv] [--task CODE] [--at YYYY-MM-DD] [--message-type 100] [--encoding auto|utf-8|latin1]',
  summary: [
    'Resolve a CSV of addresses (columns street, houseNumber, postalCode, city, or ags/ars) to a CSV',
    'of results, streaming, with a progress bar on stderr. Without --out the results go to stdout.',
  ],
  options: ['out', 'task', 'at', 'message-type', 'workers', 'encoding', 'json'],
  optionHelp: {
    task: 'task for rows without a task column (default VOLLSTRECKUNGSHILFE)',
    encoding: "the file's encoding: auto (UTF-8, or ISO-8859-1 when it begins so), utf-8 or latin1",
    at: 'resolve as on this date, for rows without an at column (default today)',
    json: 'with --out, print the summary as JSON on stdout',
  },
  async run({ args, withDatabase }) {
    const input = args.existingFile('<addresses.csv>');
    const settings: ResolveSettings = { today: today(systemClock), task: args.string('task')?.trim(), at: args.isoDate('at'), messageType: messageTypeOf(args) };
    const workers = workerCount(args);
    const encoding = args.encoding();
    const out = args.string('out');
    checkTarget(args, out, input);
    // One snapshot of the directory, read before any row; the database is closed by then.
    const snapshot = async () => {
      const s = await withDatabase((d) => readDirectorySnapshot(d.db));
      checkTask(args, settings.task, s.taskCodes);
      return s;
    };
    const summary =
      workers === 0
        ? await resolveTo(out, { input, encoding, ...settings, index: buildDirectoryIndex(await snapshot()) })
        : await onWorkers(workers, snapshot, settings, (resolveBatch) => resolveTo(out, { input, encoding, ...settings, resolveBatch, inFlight: 2 * workers }));
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

/** --task, checked against the task list before any row (an unknown one would make every row NO_JURISDICTION). */
function checkTask(args: Args, task: string | undefined, known: string[]): void {
  if (task !== undefined && !known.includes(task)) args.fail(`--task "${task}" is not in the task list (${[...known].sort().join(', ')})`);
}

/** --workers N (0 to 16), by default one per core; 0 resolves in the main thread. */
function workerCount(args: Args): number {
  const raw = args.string('workers');
  if (raw === undefined) return Math.min(os.availableParallelism(), 16);
  if (!/^\d{1,2}$/.test(raw) || Number(raw) > 16) args.fail(`--workers "${raw}" must be a number from 0 to 16`);
  return Number(raw);
}
