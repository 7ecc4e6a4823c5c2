// The table of commands: what each is called, what its help says, and the handler that runs it.
// A command file exports one `Command`; add it here and it appears in the help.
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Actor } from '../modules/audit/audit.service.js';
import type { Args, OptionName } from './args.js';
import { certInspect } from './commands/cert-inspect.js';
import { certProof } from './commands/cert-proof.js';
import { certUpload } from './commands/cert-upload.js';
import { coverage } from './commands/coverage.js';
import { demoAuthorities } from './commands/demo-authorities.js';
import { exportAuthorities } from './commands/export-authorities.js';
import { importAuthorities } from './commands/import-authorities.js';
import { importGv100ad } from './commands/import-gv100ad.js';
import { importPostcodes } from './commands/import-postcodes.js';
import { importStreets } from './commands/import-streets.js';
import { migrate } from './commands/migrate.js';
import { receive } from './commands/receive.js';
import { resolve } from './commands/resolve.js';
import { seed } from './commands/seed.js';
import { token } from './commands/token.js';

export interface CommandContext {
  config: Config;
  args: Args;
  /** A line of the human-readable report; silent with --json, which prints only the summary. */
  say(line: string): void;
  /** Who the audit log names: the OS user. */
  actor(): Actor;
  /** Opens and migrates the database, runs `fn`, closes it. */
  withDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T>;
}

export interface Command {
  /** The words that select it, e.g. "import gv100ad". */
  name: string;
  /** What follows the name in the usage line. */
  synopsis: string;
  /** The description under the usage line, as printed in the help. */
  summary: readonly string[];
  /** The options it reads, for its --help. */
  options: readonly OptionName[];
  /** Where an option means something particular to this command. */
  optionHelp?: Partial<Record<OptionName, string>>;
  /** Returns the exit code; throws UsageError (exit 2) or another error (exit 1). */
  run(ctx: CommandContext): Promise<number>;
}

/** In the order of the help. */
export const COMMANDS: readonly Command[] = [
  importGv100ad,
  importPostcodes,
  importStreets,
  demoAuthorities,
  exportAuthorities,
  importAuthorities,
  resolve,
  coverage,
  certInspect,
  certUpload,
  certProof,
  receive,
  migrate,
  seed,
  token,
];

/** The command the positionals name, and the words after its name. */
export function findCommand(positionals: string[]): { command: Command; rest: string[] } | undefined {
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((w, i) => positionals[i] === w)) return { command, rest: positionals.slice(words.length) };
  }
  return undefined;
}
