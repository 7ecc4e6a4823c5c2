// The part the postcode and street imports share: a whole file that holds from --valid-from on.
import type { Db } from '../../db/client.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import type { PostcodeImportOptions } from '../../modules/postcodes/postcodes.import.js';
import type { CommandContext } from '../commands.js';

/** Reads the file and checks the date before the database opens; the encoding is checked after. */
export function datedImport<T>(
  { args, actor, withDatabase }: CommandContext,
  importer: (db: Db, clock: Clock, options: PostcodeImportOptions) => Promise<T>,
): Promise<T> {
  const input = args.readInput();
  const validFrom = args.isoDate('valid-from');
  return withDatabase((d) =>
    importer(d.db, systemClock, { ...input, encoding: args.encoding(), validFrom, dryRun: args.flag('dry-run'), actor: actor() }),
  );
}
