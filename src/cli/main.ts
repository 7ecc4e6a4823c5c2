// Command line: imports and admin commands. `npm run cli -- <command>`; `--help` for the list.
// Works on DATA_DIR (PGlite, guarded by the folder lock) or DATABASE_URL like the server.
import os from 'node:os';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { openDatabase, type Database } from '../db/client.js';
import { DatabaseDamagedError } from '../db/integrity.js';
import { DataDirLockedError } from '../db/lock.js';
import { CommandFailure, InputFileError } from '../lib/errors.js';
import { armFailpoints } from '../lib/failpoint.js';
import { DemoError } from '../modules/authorities/demo-authorities.js';
import { ImportRejectedError } from '../modules/regions/gv100ad.import.js';
import { IdentityError } from '../receiver/identity.js';
import { Args, parseCommandLine, UsageError } from './args.js';
import { findCommand } from './commands.js';
import { commandHelp, globalHelp } from './help.js';

async function withDatabase<T>(config: Config, purpose: string, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(config, purpose);
  try {
    await database.migrate();
    return await fn(database);
  } finally {
    await database.close();
  }
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  const found = findCommand(positionals);
  if (values.help || !positionals[0]) {
    console.log(values.help && found ? commandHelp(found.command) : globalHelp());
    return positionals[0] || values.help ? 0 : 2; // no command at all is a usage error
  }
  const config = loadConfig();
  armFailpoints(config.failpoints);
  if (!found) throw new UsageError(`unknown command "${positionals.join(' ')}"`);
  const { command, rest } = found;
  const args = new Args(values, rest);
  return command.run({
    config,
    args,
    say: (line) => {
      if (!args.json) console.log(line);
    },
    actor: () => ({ id: `cli:${os.userInfo().username}` }),
    withDatabase: (fn) => withDatabase(config, `cli ${command.name}`, fn),
  });
}

/** Usage errors exit 2 with the usage text; expected failures 1 with their message; the rest 1 with the stack. */
function explain(e: unknown): { code: number; message: string } {
  if (e instanceof UsageError) return { code: 2, message: `${e.message}\n\n${globalHelp()}` };
  if (e instanceof CommandFailure || e instanceof InputFileError || e instanceof ImportRejectedError || e instanceof DemoError || e instanceof DataDirLockedError || e instanceof DatabaseDamagedError || e instanceof ConfigError || e instanceof IdentityError) {
    return { code: 1, message: e.message };
  }
  // Unknown options, missing option values, stray values for flags: all mistakes in the command line.
  if (e instanceof Error && String((e as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_')) {
    return { code: 2, message: `${e.message}\n\n${globalHelp()}` };
  }
  return { code: 1, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

function fail(e: unknown): never {
  const { code, message } = explain(e);
  process.stderr.write(`Error: ${message}\n`);
  if (process.argv.includes('--json')) {
    const detail = e instanceof InputFileError ? { file: e.file, line: e.line, reason: e.reason } : {};
    console.log(JSON.stringify({ error: { message: e instanceof Error ? e.message : String(e), ...detail } }));
  }
  process.exit(code);
}

run(process.argv.slice(2)).then((code) => process.exit(code), fail);
