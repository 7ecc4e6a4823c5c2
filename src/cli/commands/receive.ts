// receive: the reference receiver of signed hand-offs, for a data centre to run or to read
// (src/receiver/, docs/wire-contract.md). No database; runs until SIGTERM or SIGINT.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_HANDOFF_ISSUER } from '../../lib/handoff-contract.js';
import { loadIdentity } from '../../receiver/identity.js';
import { receiverHandler } from '../../receiver/receiver.js';
import { SeenJtis } from '../../receiver/replay.js';
import { serverKeys } from '../../receiver/server-keys.js';
import { removeLeftovers } from '../../receiver/store.js';
import type { Args } from '../args.js';
import type { Command } from '../commands.js';

const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
const CLOCK_TOLERANCE_S = 60;

function required(args: Args, name: 'key' | 'cert' | 'dir' | 'server' | 'port'): string {
  const v = args.string(name);
  if (!v) args.fail(`--${name} is required`);
  return v;
}

function integer(args: Args, name: 'port' | 'max-bytes', text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) args.fail(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

function serverUrl(args: Args): string {
  const text = required(args, 'server');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    args.fail(`--server must be a URL, got "${text}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') args.fail('--server must be an http or https URL');
  return url.href;
}

/** Resolves when SIGTERM or SIGINT arrives. */
const stopSignal = () => new Promise<void>((resolve) => ['SIGTERM', 'SIGINT'].forEach((s) => process.once(s, () => resolve())));

export const receive: Command = {
  name: 'receive',
  synopsis: '--port P --key FILE --cert FILE --dir DIR --server URL [--host 127.0.0.1] [--max-bytes N] [--issuer ISS] [--audience KEYS]',
  summary: [
    "The reference receiver: verifies each hand-off's signature with the server's published keys, refuses",
    'forged, expired and replayed ones, decrypts the payload, stores it with its metadata in DIR/<delivery id>/',
    'and answers a receipt signed with --key. Runs until stopped (SIGTERM, Ctrl-C).',
  ],
  options: ['port', 'key', 'cert', 'dir', 'server', 'host', 'max-bytes', 'issuer', 'audience'],
  optionHelp: {
    key: 'PEM private key of the encryption certificate: decrypts and signs receipts',
    cert: 'PEM encryption certificate the server encrypts for (must hold --key)',
    server: "the server's base URL; its keys are fetched from URL/.well-known/jwks.json",
  },
  async run({ args }) {
    const port = integer(args, 'port', required(args, 'port'), 0, 65535);
    const maxBytes = integer(args, 'max-bytes', args.string('max-bytes') ?? String(DEFAULT_MAX_BYTES), 1024, 2 ** 31);
    const server = serverUrl(args);
    const identity = loadIdentity(required(args, 'key'), required(args, 'cert'));
    const dir = required(args, 'dir');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    await removeLeftovers(dir);
    const seen = await new SeenJtis(dir).open();
    await seen.prune(Date.now() / 1000);
    const prune = setInterval(() => void seen.prune(Date.now() / 1000).catch(() => undefined), 60_000).unref();
    const audience = args.string('audience')?.split(',').map((a) => a.trim()).filter(Boolean);
    const log = (entry: Record<string, unknown>) => console.log(JSON.stringify({ at: new Date().toISOString(), ...entry }));
    const handler = receiverHandler({ identity, dir, keys: serverKeys(server), seen, maxBytes, issuer: args.string('issuer') ?? DEFAULT_HANDOFF_ISSUER, audience, clockToleranceS: CLOCK_TOLERANCE_S, log });
    const listener = http.createServer({ requestTimeout: 120_000 }, handler);
    await new Promise<void>((resolve, reject) => listener.once('error', reject).listen(port, args.string('host') ?? '127.0.0.1', resolve));
    const { address, port: bound } = listener.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    log({ msg: 'receiving', url: `http://${host}:${bound}/`, dir, server, certificate: identity.thumbprintHex });
    await stopSignal();
    clearInterval(prune);
    listener.closeAllConnections();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
    log({ msg: 'stopped' });
    return 0;
  },
};
