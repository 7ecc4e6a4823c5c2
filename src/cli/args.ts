// The command line's options, parsed once for every command, and the checks commands share.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isIsoDate } from '../lib/dates.js';
import type { TextEncoding } from '../lib/text-file.js';

/** A mistake in the command line: exit 2 with the usage text. */
export class UsageError extends Error {}

// Every command accepts every option (one parse before the command is known); each command's
// help lists the ones it reads.
const OPTIONS = {
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  encoding: { type: 'string' },
  'valid-from': { type: 'string' },
  at: { type: 'string' },
  task: { type: 'string' },
  tenant: { type: 'string' },
  out: { type: 'string' },
  'message-type': { type: 'string' },
  district: { type: 'string' },
  usage: { type: 'string' },
  role: { type: 'string' },
  scope: { type: 'string' },
  subject: { type: 'string' },
  ttl: { type: 'string' },
  server: { type: 'string' },
  token: { type: 'string' },
  'data-center': { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'activate-at': { type: 'string' },
  challenge: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  dir: { type: 'string' },
  issuer: { type: 'string' },
  audience: { type: 'string' },
  'max-bytes': { type: 'string' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type OptionName = keyof typeof OPTIONS;
type StringOption = { [K in OptionName]: (typeof OPTIONS)[K]['type'] extends 'string' ? K : never }[OptionName];
type BooleanOption = Exclude<OptionName, StringOption>;

/** What `--help` says about an option: the value it takes and what it does. */
export const OPTION_HELP: Record<OptionName, { value?: string; text: string }> = {
  'dry-run': { text: 'read and check everything, show what would change, write nothing' },
  json: { text: 'print only a JSON summary, as the last line' },
  encoding: { value: 'auto|utf-8|latin1', text: 'encoding of the file (default auto: detected)' },
  'valid-from': { value: 'YYYY-MM-DD', text: 'date from which the file holds (default today)' },
  at: { value: 'YYYY-MM-DD', text: 'the date of the register to work on (default today)' },
  task: { value: 'CODE', text: 'task code (default VOLLSTRECKUNGSHILFE)' },
  tenant: { value: 'CODE', text: 'only the authorities of this tenant' },
  out: { value: 'FILE', text: 'write the results to FILE, which appears only when complete (default stdout)' },
  'message-type': { value: 'CODE', text: 'message type for rows without a messageType column' },
  district: { value: 'ARS5', text: 'only the municipalities of this Kreis (5-digit ARS, e.g. 05766)' },
  usage: { value: 'ENCRYPTION|SIGNATURE|TLS', text: 'the use to check for (default ENCRYPTION)' },
  role: { value: 'ROLE', text: 'role the token carries' },
  scope: { value: 'SCOPE', text: 'what the role is bound to (TENANT_MANAGER, DATA_CENTER and CLIENT)' },
  subject: { value: 'SUB', text: 'token subject (default dev:<role>)' },
  ttl: { value: 'SECONDS', text: 'lifetime of the token (default 28800, 8 hours)' },
  server: { value: 'URL', text: 'the directory server, http(s)://host[:port] (/graphql is added); plain http only to 127.0.0.1, ::1 or localhost' },
  token: { value: 'JWT', text: 'bearer token; better set DIRECTORY_TOKEN, which the process list does not show' },
  'data-center': { value: 'CODE', text: 'code of the data centre the certificate is for' },
  cert: { value: 'FILE', text: 'the certificate, PEM (its chain may follow) or DER' },
  key: { value: 'FILE', text: "the certificate's private key, PEM or DER (PKCS#8, SEC1 or PKCS#1), not encrypted" },
  'activate-at': { value: 'ISO', text: 'when it becomes active, an instant with its zone, e.g. 2026-12-01T00:00:00+01:00 (default now)' },
  challenge: { value: 'NONCE|JSON', text: 'the nonce of the challenge, or the challenge as requestCertificateChallenge returns it (JSON)' },
  port: { value: 'PORT', text: 'port to listen on (0: any free one, printed when ready)' },
  host: { value: 'ADDRESS', text: 'address to listen on (default 127.0.0.1)' },
  dir: { value: 'DIR', text: 'folder for received deliveries and seen jtis (created if missing)' },
  issuer: { value: 'ISS', text: "the server's iss, its HANDOFF_ISSUER (default urn:behoerdenverzeichnis)" },
  audience: { value: 'KEY[,KEY…]', text: 'recipient keys served here; others are refused (default: any)' },
  'max-bytes': { value: 'N', text: 'largest request body in bytes (default 33554432, 32 MiB)' },
  workers: { value: 'N', text: 'worker threads resolving rows (default: one per core; 0: in the main thread)' },
  help: { text: 'show this help' },
};

export function parseCommandLine(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
}

export type OptionValues = ReturnType<typeof parseCommandLine>['values'];

/** The parsed command line as one command sees it: its options and the words after its name. */
export class Args {
  constructor(
    private readonly values: OptionValues,
    /** positionals after the command's name */
    readonly rest: string[],
  ) {}

  get json(): boolean {
    return !!this.values.json;
  }

  flag(name: BooleanOption): boolean | undefined {
    return this.values[name];
  }

  string(name: StringOption): string | undefined {
    return this.values[name];
  }

  fail(message: string): never {
    throw new UsageError(message);
  }

  /** The first word after the command, a file that must exist. */
  existingFile(label = '<file>'): string {
    const file = this.rest[0];
    if (!file) this.fail(`missing ${label}`);
    if (!fs.existsSync(file)) this.fail(`file not found: ${file}`);
    return file;
  }

  readInput(): { bytes: Uint8Array; fileName: string } {
    const file = this.existingFile();
    return { bytes: fs.readFileSync(file), fileName: path.basename(file) };
  }

  encoding(): TextEncoding {
    const v = this.values.encoding;
    if (v === undefined) return 'auto';
    if (v === 'auto' || v === 'utf-8' || v === 'latin1') return v;
    this.fail(`--encoding must be auto, utf-8 or latin1, got "${v}"`);
  }

  /** A date option, checked; `fallback` stands in when it is absent (and is checked too). */
  isoDate(name: 'at' | 'valid-from', fallback: string): string;
  isoDate(name: 'at' | 'valid-from'): string | undefined;
  isoDate(name: 'at' | 'valid-from', fallback?: string): string | undefined {
    const v = this.values[name] ?? fallback;
    if (v !== undefined && !isIsoDate(v)) this.fail(`--${name} must be YYYY-MM-DD, got "${v}"`);
    return v;
  }
}
