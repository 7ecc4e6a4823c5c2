// import streets: the street directory in the OpenPLZ format.
import { importStreets as runImport } from '../../modules/streets/streets.import.js';
import type { Command } from '../commands.js';
import { datedImport } from './dated-import.js';

export const importStreets: Command = {
  name: 'import streets',
  synopsis: '<file> [--dry-run] [--json] [--valid-from YYYY-MM-DD]',
  summary: ['Import street data in the OpenPLZ format (Name,PostalCode,Locality,RegionalKey,Borough,Suburb).'],
  options: ['dry-run', 'json', 'valid-from', 'encoding'],
  async run(ctx) {
    const { args, say } = ctx;
    const r = await datedImport(ctx, runImport);
    say(`${r.dryRun ? 'Dry run: ' : ''}street directory ${r.unchanged ? 'unchanged' : 'imported'}: ${r.rows} rows, ${r.streets} streets, added ${r.added}, removed ${r.removed}, ${r.unknownAgs} unknown AGS`);
    if (args.json) console.log(JSON.stringify(r));
    return 0;
  },
};
