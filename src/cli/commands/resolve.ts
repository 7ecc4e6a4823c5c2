// resolve: a CSV of addresses to a CSV of responsible authorities, as a stream.
import fs from 'node:fs';
import { systemClock, today } from '../../lib/clock.js';
import { Directory } from '../../modules/directory/directory.js';
import { fileSize, progressBar, resolveCsv, type BulkOptions, type BulkSummary } from '../../modules/jurisdictions/bulk-csv.js';
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
  options: ['out', 'task', 'at', 'message-type', 'json'],
  optionHelp: {
    task: 'task for rows without a task column (default VOLLSTRECKUNGSHILFE)',
    at: 'resolve as on this date, for rows without an at column (default today)',
    json: 'with --out, print the summary as JSON on stdout',
  },
  async run({ args, withDatabase }) {
    const input = args.existingFile('<addresses.csv>');
    const at = args.isoDate('at');
    const summary = await withDatabase(async (d) => {
      const index = await new Directory(d, { pollMs: 0 }).get();
      return resolveTo(args.string('out'), {
        input,
        index,
        today: today(systemClock),
        task: args.string('task'),
        at,
        messageType: args.string('message-type'),
      });
    });
    process.stderr.write(`${summary.rows} rows: ${Object.entries(summary.byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    if (args.json && args.string('out')) console.log(JSON.stringify(summary));
    return 0;
  },
};
