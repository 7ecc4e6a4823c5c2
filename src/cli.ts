// Command line: imports and admin commands. `npm run cli -- <command>`.
// Works on DATA_DIR (PGlite, guarded by the folder lock) or DATABASE_URL like the server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.js';
import { armFailpoints } from './lib/failpoint.js';
import { openDatabase } from './db/client.js';
import { DataDirLockedError } from './db/lock.js';
import { systemClock } from './lib/clock.js';
import { InputFileError } from './lib/errors.js';
import type { TextEncoding } from './lib/text-file.js';
import { isIsoDate } from './lib/dates.js';
import { signDevToken } from './modules/auth/dev-keys.js';
import { ROLES, SCOPED_ROLES, type Role } from './modules/auth/principal.js';
import { importGv100ad, ImportRejectedError } from './modules/regions/gv100ad.import.js';
import { importPostcodes } from './modules/postcodes/postcodes.import.js';
import { loadDemoSeed } from '../seed/load.js';
import { today } from './lib/clock.js';
import { DemoError, generateDemoAuthorities } from './modules/authorities/demo-authorities.js';
import { fileSize, progressBar, resolveCsv } from './modules/jurisdictions/bulk-csv.js';
import { Directory } from './modules/directory/directory.js';
import { importStreets } from './modules/streets/streets.import.js';
import { loadTrustAnchors } from './modules/certificates/anchors.js';
import { CertificateInputError, checkCertificate, describeCertificate, readCertificates, type CertificateUsage } from './modules/certificates/inspect.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  import gv100ad <file> [--dry-run] [--json] [--encoding auto|utf-8|latin1]
      Import a Destatis GV100AD edition (ISO-8859-1/CRLF or UTF-8/LF). Editions must come in
      chronological order; re-importing an edition changes nothing.
  import postcodes <file> [--dry-run] [--json] [--valid-from YYYY-MM-DD] [--encoding ...]
      Import a postcode mapping CSV (osm_id,ags,ort,plz,landkreis,bundesland).
  import streets <file> [--dry-run] [--json] [--valid-from YYYY-MM-DD]
      Import street data in the OpenPLZ format (Name,PostalCode,Locality,RegionalKey,Borough,Suburb).
  demo authorities [--json] [--at YYYY-MM-DD] [--task CODE]
      From the imported register, generate one demo enforcement authority per Gemeindeverband with
      jurisdiction over its municipalities (marked as demo data; keys demo:<ARS>).
  resolve <addresses.csv> [--out results.csv] [--task CODE] [--at YYYY-MM-DD] [--message-type 100]
      Resolve a CSV of addresses (columns street, houseNumber, postalCode, city, or ags/ars) to a CSV
      of results, streaming, with a progress bar on stderr. Without --out the results go to stdout.
  cert inspect <file>... [--usage ENCRYPTION|SIGNATURE|TLS] [--json]
      Show each certificate (PEM, DER or a PEM bundle with its chain) and whether it would be accepted
      as a data-centre certificate for the usage (default ENCRYPTION), with the reasons. With --json,
      one JSON object per file and line. Exit 1 if a file cannot be read.
  migrate              Apply database migrations.
  seed                 Load the demo seed into an empty register.
  token --role ROLE [--scope SCOPE] [--subject SUB] [--ttl SECONDS]
      Development only: print a token signed with the local key in DATA_DIR (last line).
      Roles: ${ROLES.join(', ')}; TENANT_MANAGER, DATA_CENTER and CLIENT need --scope.

Environment: DATA_DIR (default ./data) or DATABASE_URL, NODE_ENV. See README.md.
Exit codes: 0 done, 1 failed (nothing was changed), 2 usage error.`;

class UsageError extends Error {}

const actor = () => ({ id: `cli:${os.userInfo().username}` });

function readInput(file: string | undefined): { bytes: Uint8Array; fileName: string } {
  if (!file) throw new UsageError('missing <file>');
  if (!fs.existsSync(file)) throw new UsageError(`file not found: ${file}`);
  return { bytes: fs.readFileSync(file), fileName: path.basename(file) };
}

function encodingOf(v: string | undefined): TextEncoding {
  if (v === undefined) return 'auto';
  if (v === 'auto' || v === 'utf-8' || v === 'latin1') return v;
  throw new UsageError(`--encoding must be auto, utf-8 or latin1, got "${v}"`);
}

async function withDatabase<T>(config: Config, purpose: string, fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>) {
  const database = await openDatabase(config, purpose);
  try {
    await database.migrate();
    return await fn(database);
  } finally {
    await database.close();
  }
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      encoding: { type: 'string' },
      'valid-from': { type: 'string' },
      at: { type: 'string' },
      task: { type: 'string' },
      out: { type: 'string' },
      'message-type': { type: 'string' },
      usage: { type: 'string' },
      role: { type: 'string' },
      scope: { type: 'string' },
      subject: { type: 'string' },
      ttl: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, file] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig();
  armFailpoints(config.failpoints);
  const json = !!values.json;
  const say = (line: string) => {
    if (!json) console.log(line);
  };

  if (command === 'import' && sub === 'gv100ad') {
    const input = readInput(file);
    const r = await withDatabase(config, 'cli import gv100ad', (d) =>
      importGv100ad(d.db, systemClock, { ...input, encoding: encodingOf(values.encoding), dryRun: values['dry-run'], actor: actor() }),
    );
    say(`${r.dryRun ? 'Dry run: ' : ''}GV100AD edition ${r.edition} (${r.encoding}) ${r.unchanged ? 'already in the register, nothing changed' : 'imported'}`);
    say(`  records: ${Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    say(`  municipalities: +${r.diff.added} added, -${r.diff.removed} removed, ${r.diff.renamed} renamed, ${r.diff.moved} moved`);
    for (const x of r.details.renamed) say(`    renamed ${x.ags}: ${x.from} → ${x.to}`);
    for (const x of r.details.moved) say(`    moved ${x.ags}: association ${x.fromAssociation} → ${x.toAssociation}`);
    if (r.details.removed.length) say(`    removed: ${r.details.removed.join(' ')}`);
    if (r.details.added.length && r.details.added.length <= 100) say(`    added: ${r.details.added.join(' ')}`);
    say(`  versions opened ${r.writes.versionsOpened}, closed ${r.writes.versionsClosed}, statistics updated ${r.writes.statisticsUpdated}`);
    if (r.proposals) say(`  ${r.proposals} structural changes proposed from the diff: review them (structuralChanges(status: PROPOSED)) and confirm or reject`);
    if (json) console.log(JSON.stringify({ edition: r.edition, counts: r.counts, diff: r.diff }));
    return 0;
  }

  if (command === 'import' && sub === 'postcodes') {
    const input = readInput(file);
    const validFrom = values['valid-from'];
    if (validFrom !== undefined && !isIsoDate(validFrom)) throw new UsageError(`--valid-from must be YYYY-MM-DD, got "${validFrom}"`);
    const r = await withDatabase(config, 'cli import postcodes', (d) =>
      importPostcodes(d.db, systemClock, {
        ...input,
        encoding: encodingOf(values.encoding),
        validFrom,
        dryRun: values['dry-run'],
        actor: actor(),
      }),
    );
    say(`${r.dryRun ? 'Dry run: ' : ''}postcode mapping ${r.unchanged ? 'unchanged' : 'imported'}: ${r.rows} rows, ${r.postcodes} postcodes, ${r.municipalities} municipalities (${r.sharedPostcodes} postcodes shared)`);
    say(`  added ${r.added}, removed ${r.removed}, updated ${r.updated}, duplicate rows ${r.duplicateRows}`);
    if (r.unknownAgs.length) say(`  ${r.unknownAgs.length} AGS unknown to the register (kept; import the matching GV100AD edition): ${r.unknownAgs.slice(0, 20).join(' ')}${r.unknownAgs.length > 20 ? ' …' : ''}`);
    if (json) {
      const { unknownAgs, ...rest } = r;
      console.log(JSON.stringify({ ...rest, unknownAgs: unknownAgs.length }));
    }
    return 0;
  }

  if (command === 'import' && sub === 'streets') {
    const input = readInput(file);
    const validFrom = values['valid-from'];
    if (validFrom !== undefined && !isIsoDate(validFrom)) throw new UsageError(`--valid-from must be YYYY-MM-DD, got "${validFrom}"`);
    const r = await withDatabase(config, 'cli import streets', (d) =>
      importStreets(d.db, systemClock, { ...input, encoding: encodingOf(values.encoding), validFrom, dryRun: values['dry-run'], actor: actor() }),
    );
    say(`${r.dryRun ? 'Dry run: ' : ''}street directory ${r.unchanged ? 'unchanged' : 'imported'}: ${r.rows} rows, ${r.streets} streets, added ${r.added}, removed ${r.removed}, ${r.unknownAgs} unknown AGS`);
    if (json) console.log(JSON.stringify(r));
    return 0;
  }

  if (command === 'demo' && sub === 'authorities') {
    const at = values.at ?? today(systemClock);
    if (!isIsoDate(at)) throw new UsageError(`--at must be YYYY-MM-DD, got "${at}"`);
    const r = await withDatabase(config, 'cli demo authorities', (d) => generateDemoAuthorities(d.db, systemClock, { at, task: values.task, actor: actor() }));
    say(`Demo directory for ${at}: ${r.associations} Gemeindeverbände → ${r.created} demo authorities created, ${r.updated} updated, ${r.deactivated} deactivated`);
    say(`  ${r.electronic} take part electronically; ${r.jurisdictionsCreated} jurisdictions created, ${r.skippedAreas} areas already had one`);
    if (json) console.log(JSON.stringify(r));
    return 0;
  }

  if (command === 'resolve') {
    const inputFile = sub;
    if (!inputFile) throw new UsageError('missing <addresses.csv>');
    if (!fs.existsSync(inputFile)) throw new UsageError(`file not found: ${inputFile}`);
    for (const [name, v] of [['--at', values.at]] as const) if (v !== undefined && !isIsoDate(v)) throw new UsageError(`${name} must be YYYY-MM-DD, got "${v}"`);
    const summary = await withDatabase(config, 'cli resolve', async (d) => {
      const directory = new Directory(d, { pollMs: 0 });
      const index = await directory.get();
      // Write to a temporary file and rename at the end: no half-written result file.
      const target = values.out;
      const tmp = target ? `${target}.partial-${process.pid}` : undefined;
      const output = tmp ? fs.createWriteStream(tmp) : process.stdout;
      const bar = progressBar(fileSize(inputFile));
      try {
        const s = await resolveCsv({
          input: inputFile,
          output,
          index,
          today: today(systemClock),
          task: values.task,
          at: values.at,
          messageType: values['message-type'],
          onProgress: (p) => bar(p),
        });
        bar({ rows: s.rows, bytesRead: fileSize(inputFile) }, true);
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
    });
    process.stderr.write(`${summary.rows} rows: ${Object.entries(summary.byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    if (json && values.out) console.log(JSON.stringify(summary));
    return 0;
  }

  if (command === 'cert' && sub === 'inspect') {
    const files = positionals.slice(2);
    if (!files.length) throw new UsageError('missing <file>');
    const usage = (values.usage ?? 'ENCRYPTION').toUpperCase();
    if (!['ENCRYPTION', 'SIGNATURE', 'TLS'].includes(usage)) throw new UsageError(`--usage must be ENCRYPTION, SIGNATURE or TLS, got "${values.usage}"`);
    const anchors = loadTrustAnchors(config.trustAnchorsDir);
    let unreadable = 0;
    for (const file of files) {
      try {
        if (!fs.existsSync(file)) throw new CertificateInputError(file, 'file not found');
        const [leaf, ...rest] = readCertificates(fs.readFileSync(file), file).map((der) => describeCertificate(der, file));
        const verdict = await checkCertificate(leaf!, {
          usage: usage as CertificateUsage,
          at: new Date(),
          intermediates: rest.map((r) => r.cert),
          anchors,
        });
        const summary = {
          file,
          thumbprintSha256: leaf!.thumbprintSha256,
          subject: leaf!.subject,
          issuer: leaf!.issuer,
          serialNumber: leaf!.serialNumber,
          notBefore: leaf!.notBefore.toISOString(),
          notAfter: leaf!.notAfter.toISOString(),
          keyAlgorithm: leaf!.keyAlgorithm,
          keySize: leaf!.keySize,
          curve: leaf!.curve,
          signatureAlgorithm: leaf!.signatureAlgorithm,
          isCa: leaf!.isCa,
          keyUsage: leaf!.keyUsage,
          chainCertificates: rest.length,
          usage,
          accepted: verdict.accepted,
          reasons: verdict.reasons,
        };
        if (json) console.log(JSON.stringify(summary));
        else {
          console.log(`${file}`);
          console.log(`  subject      ${summary.subject}`);
          console.log(`  issuer       ${summary.issuer}`);
          console.log(`  serial       ${summary.serialNumber}`);
          console.log(`  SHA-256      ${summary.thumbprintSha256}`);
          console.log(`  valid        ${summary.notBefore} – ${summary.notAfter}`);
          console.log(`  key          ${summary.keyAlgorithm}${summary.curve ? ` ${summary.curve}` : ''} ${summary.keySize ?? '?'} bits, signed ${summary.signatureAlgorithm}`);
          console.log(`  ${usage.toLowerCase()}: ${verdict.accepted ? 'ACCEPTED' : 'REFUSED'}${verdict.reasons.map((r) => `\n    - ${r}`).join('')}`);
        }
      } catch (e) {
        if (!(e instanceof CertificateInputError)) throw e;
        unreadable++;
        if (json) console.log(JSON.stringify({ file, accepted: false, error: e.reason, reasons: [e.reason] }));
        else console.log(`${file}\n  unreadable: ${e.reason}`);
      }
    }
    return unreadable ? 1 : 0;
  }

  if (command === 'migrate') {
    await withDatabase(config, 'cli migrate', async () => undefined);
    console.log('migrations applied');
    return 0;
  }

  if (command === 'seed') {
    const outcome = await withDatabase(config, 'cli seed', (d) => loadDemoSeed(d.db, systemClock, actor()));
    console.log(`demo seed: ${outcome}`);
    return 0;
  }

  if (command === 'token') {
    if (config.env === 'production' || config.auth.jwks) {
      throw new UsageError('token signs with the development key only; in production tokens come from your identity provider');
    }
    const role = values.role as Role | undefined;
    if (!role || !(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    if (SCOPED_ROLES[role] && !values.scope) throw new UsageError(`role ${role} needs --scope (${SCOPED_ROLES[role]})`);
    const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl <= 0)) throw new UsageError('--ttl must be a positive number of seconds');
    const token = await signDevToken(config.dataDir, { role, scope: values.scope, subject: values.subject, ttl });
    console.error(`# ${role}${values.scope ? ` (${values.scope})` : ''}, valid ${ttl ?? 8 * 3600} s; use as: Authorization: Bearer <token>`);
    console.log(token);
    return 0;
  }

  throw new UsageError(`unknown command "${positionals.join(' ')}"`);
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    let code = 1;
    let message: string;
    if (e instanceof UsageError) {
      code = 2;
      message = `${e.message}\n\n${USAGE}`;
    } else if (e instanceof InputFileError || e instanceof ImportRejectedError || e instanceof DemoError || e instanceof DataDirLockedError || e instanceof ConfigError) {
      message = e.message;
    } else if (e instanceof Error && (e as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      code = 2;
      message = `${e.message}\n\n${USAGE}`;
    } else {
      message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    }
    process.stderr.write(`Error: ${message}\n`);
    if (process.argv.includes('--json')) {
      const detail = e instanceof InputFileError ? { file: e.file, line: e.line, reason: e.reason } : {};
      console.log(JSON.stringify({ error: { message: e instanceof Error ? e.message : String(e), ...detail } }));
    }
    process.exit(code);
  },
);
