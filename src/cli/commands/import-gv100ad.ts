// import gv100ad: one Destatis edition of the municipality register.
import { systemClock } from '../../lib/clock.js';
import { importGv100ad as runImport, type Gv100ImportResult } from '../../modules/regions/gv100ad.import.js';
import type { Command } from '../commands.js';

function report(r: Gv100ImportResult, say: (line: string) => void): void {
  say(`${r.dryRun ? 'Dry run: ' : ''}GV100AD edition ${r.edition} (${r.encoding}) ${r.unchanged ? 'already in the register, nothing changed' : 'imported'}`);
  say(`  records: ${Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  say(`  municipalities: +${r.diff.added} added, -${r.diff.removed} removed, ${r.diff.renamed} renamed, ${r.diff.moved} moved`);
  for (const x of r.details.renamed) say(`    renamed ${x.ags}: ${x.from} → ${x.to}`);
  for (const x of r.details.moved) say(`    moved ${x.ags}: association ${x.fromAssociation} → ${x.toAssociation}`);
  if (r.details.removed.length) say(`    removed: ${r.details.removed.join(' ')}`);
  if (r.details.added.length && r.details.added.length <= 100) say(`    added: ${r.details.added.join(' ')}`);
  say(`  versions opened ${r.writes.versionsOpened}, closed ${r.writes.versionsClosed}, statistics updated ${r.writes.statisticsUpdated}`);
  if (r.proposals) say(`  ${r.proposals} structural changes proposed from the diff: review them (structuralChanges(status: PROPOSED)) and confirm or reject`);
}

export const importGv100ad: Command = {
  name: 'import gv100ad',
  synopsis: '<file> [--dry-run] [--json] [--encoding auto|utf-8|latin1]',
  summary: [
    'Import a Destatis GV100AD edition (ISO-8859-1/CRLF or UTF-8/LF). Editions must come in',
    'chronological order; re-importing an edition changes nothing.',
  ],
  options: ['dry-run', 'json', 'encoding'],
  async run({ args, say, actor, withDatabase }) {
    const input = args.readInput();
    const r = await withDatabase((d) =>
      runImport(d.db, systemClock, { ...input, encoding: args.encoding(), dryRun: args.flag('dry-run'), actor: actor() }),
    );
    report(r, say);
    if (args.json) console.log(JSON.stringify({ edition: r.edition, counts: r.counts, diff: r.diff }));
    return 0;
  },
};
