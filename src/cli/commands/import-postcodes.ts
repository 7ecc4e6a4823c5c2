// import postcodes: the whole postcode → municipality mapping.
import { importPostcodes as runImport } from '../../modules/postcodes/postcodes.import.js';
import type { Command } from '../commands.js';
import { datedImport } from './dated-import.js';

export const importPostcodes: Command = {
  name: 'import postcodes',
  synopsis: '<file> [--dry-run] [--json] [--valid-from YYYY-MM-DD] [--encoding ...]',
  summary: ['Import a postcode mapping CSV (osm_id,ags,ort,plz,landkreis,bundesland).'],
  options: ['dry-run', 'json', 'valid-from', 'encoding'],
  async run(ctx) {
    const { args, say } = ctx;
    const r = await datedImport(ctx, runImport);
    say(`${r.dryRun ? 'Dry run: ' : ''}postcode mapping ${r.unchanged ? 'unchanged' : 'imported'}: ${r.rows} rows, ${r.postcodes} postcodes, ${r.municipalities} municipalities (${r.sharedPostcodes} postcodes shared)`);
    say(`  added ${r.added}, removed ${r.removed}, updated ${r.updated}, duplicate rows ${r.duplicateRows}`);
    if (r.unknownAgs.length) say(`  ${r.unknownAgs.length} AGS unknown to the register (kept; import the matching GV100AD edition): ${r.unknownAgs.slice(0, 20).join(' ')}${r.unknownAgs.length > 20 ? ' …' : ''}`);
    if (args.json) {
      const { unknownAgs, ...rest } = r;
      console.log(JSON.stringify({ ...rest, unknownAgs: unknownAgs.length }));
    }
    return 0;
  },
};
