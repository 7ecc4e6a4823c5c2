// export authorities: the authorities with their jurisdictions as a bulk registration CSV.
import fs from 'node:fs';
import { systemClock, today } from '../../lib/clock.js';
import { safeCsvLine } from '../../lib/csv-stream.js';
import { exportAuthorities as readRows } from '../../modules/jurisdictions/registration-export.js';
import type { Command } from '../commands.js';

/** To the file (written whole: a temporary file renamed at the end) or to stdout. */
function writeOut(target: string | undefined, text: string): void {
  if (!target) {
    process.stdout.write(text);
    return;
  }
  const tmp = `${target}.partial-${process.pid}`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

export const exportAuthorities: Command = {
  name: 'export authorities',
  synopsis: '[--out file.csv] [--at YYYY-MM-DD] [--tenant CODE] [--json]',
  summary: [
    'Write the authorities with their jurisdictions as a bulk registration CSV, one row per',
    'jurisdiction (see import authorities). Without --out to stdout; never any secret.',
  ],
  options: ['out', 'at', 'tenant', 'json'],
  optionHelp: {
    at: 'jurisdictions in force on this date or starting later; those ended by then are history and left out (default today)',
    json: 'with --out, print the counts as JSON on stdout',
  },
  async run({ args, withDatabase }) {
    const at = args.isoDate('at', today(systemClock));
    const rows = await withDatabase((d) => readRows(d.db, { at, tenant: args.string('tenant') }));
    writeOut(args.string('out'), rows.map((r) => safeCsvLine(r)).join(''));
    const summary = { authorities: new Set(rows.slice(1).map((r) => r[0])).size, rows: rows.length - 1, at };
    process.stderr.write(`${summary.authorities} authorities, ${summary.rows} rows (jurisdictions in force on ${at} or later)\n`);
    if (args.json && args.string('out')) console.log(JSON.stringify(summary));
    return 0;
  },
};
