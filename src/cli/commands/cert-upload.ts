// cert upload: register a data centre's certificate with a directory server, proof of possession
// included: request the challenge, sign it with the private key, upload, report the outcome.
import { makeProof } from '../../modules/certificates/proof.js';
import { CommandFailure as Failure } from '../../lib/errors.js';
import type { Args } from '../args.js';
import { readKeyPair } from '../remote/cert-files.js';
import type { Command } from '../commands.js';
import { bearerToken, callDirectory, printable, serverUrl, type DirectoryServer } from '../remote/directory-client.js';

const USAGES: readonly string[] = ['ENCRYPTION', 'SIGNATURE', 'TLS'];
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const CHALLENGE = `mutation ($dc: String!, $cert: String!) {
  requestCertificateChallenge(dataCenterCode: $dc, certificate: $cert) { nonce expiresAt thumbprintSha256 dataCenterCode }
}`;
const UPLOAD = `mutation ($input: UploadCertificateInput!) {
  uploadCertificate(input: $input) {
    accepted reasons
    certificate { thumbprintSha256 serialNumber subject usage status activationAt notAfter dataCenter { code } }
  }
}`;

interface Challenge {
  nonce: string;
  expiresAt: string;
  thumbprintSha256: string;
  dataCenterCode: string;
}

interface Outcome {
  accepted: boolean;
  reasons: string[];
  certificate: {
    thumbprintSha256: string;
    serialNumber: string;
    subject: string;
    usage: string;
    status: string;
    activationAt: string;
    notAfter: string;
    dataCenter: { code: string };
  } | null;
}

function dataCenterOf(args: Args): string {
  const dc = args.string('data-center');
  if (!dc) args.fail('missing --data-center CODE');
  if (dc.length > 64 || /[\x00-\x1f\x7f]/.test(dc)) args.fail('--data-center must be a code of at most 64 characters');
  return dc;
}

function optionsOf(args: Args) {
  if (args.rest.length) args.fail(`unexpected argument "${args.rest[0]}"`);
  const usage = (args.string('usage') ?? 'ENCRYPTION').toUpperCase();
  if (!USAGES.includes(usage)) args.fail(`--usage must be ENCRYPTION, SIGNATURE or TLS, got "${args.string('usage')}"`);
  const at = args.string('activate-at');
  if (at !== undefined && (!INSTANT.test(at) || Number.isNaN(Date.parse(at)))) {
    args.fail(`--activate-at must be an instant with its zone, e.g. 2026-12-01T00:00:00+01:00, got "${at}"`);
  }
  return { usage, activationAt: at === undefined ? undefined : new Date(at).toISOString(), dataCenter: dataCenterOf(args) };
}

function report(outcome: Outcome, say: (line: string) => void): void {
  const c = outcome.certificate!;
  say(`certificate accepted for data centre ${printable(c.dataCenter.code)}`);
  say(`  SHA-256      ${printable(c.thumbprintSha256)}`);
  say(`  subject      ${printable(c.subject)}`);
  say(`  serial       ${printable(c.serialNumber)}`);
  say(`  usage        ${printable(c.usage)}`);
  say(`  status       ${printable(c.status)}`);
  say(`  activation   ${printable(c.activationAt)}`);
  say(`  valid until  ${printable(c.notAfter)}`);
}

export const certUpload: Command = {
  name: 'cert upload',
  synopsis: '--server URL --data-center CODE --cert FILE --key FILE [--token JWT] [--usage ENCRYPTION|SIGNATURE|TLS] [--activate-at ISO] [--json]',
  summary: [
    "Register a data centre's certificate with a directory server: request a challenge, sign the proof",
    'of possession with the private key (EC: ES256/384/512 by curve, RSA: PS256), upload, show the outcome.',
    'The token comes from DIRECTORY_TOKEN (preferred: not visible in the process list) or --token.',
    'Exit 0 accepted, 1 refused or failed (with the reasons), 2 usage error.',
  ],
  options: ['server', 'token', 'data-center', 'cert', 'key', 'usage', 'activate-at', 'json'],
  optionHelp: { usage: 'what the certificate is for (default ENCRYPTION)', json: 'print only the outcome as JSON, as the last line' },
  async run({ config, args, say }) {
    const options = optionsOf(args);
    const server: DirectoryServer = { url: serverUrl(args), token: bearerToken(args, config.directoryToken) };
    const pair = readKeyPair(args);
    const { requestCertificateChallenge: challenge } = await callDirectory<{ requestCertificateChallenge: Challenge }>(server, CHALLENGE, {
      dc: options.dataCenter,
      cert: pair.bundlePem,
    });
    if (challenge.thumbprintSha256 !== pair.leaf.thumbprintSha256) {
      throw new Failure(`the server issued the challenge for certificate ${printable(challenge.thumbprintSha256, 64)}, not ${pair.leaf.thumbprintSha256}`);
    }
    const payload = { nonce: challenge.nonce, dataCenter: challenge.dataCenterCode, thumbprint: challenge.thumbprintSha256 };
    const { proof } = await makeProof(pair.key, pair.leaf.der, payload).catch((e: Error) => {
      throw new Failure(e.message);
    });
    const input = { dataCenterCode: options.dataCenter, usage: options.usage, certificate: pair.bundlePem, proof, activationAt: options.activationAt };
    const { uploadCertificate: outcome } = await callDirectory<{ uploadCertificate: Outcome }>(server, UPLOAD, { input });
    if (args.json) console.log(JSON.stringify(outcome));
    if (!outcome.accepted || !outcome.certificate) {
      const reasons = outcome.reasons.length ? outcome.reasons : ['(no reason given)'];
      process.stderr.write(`Error: the server refused the certificate:\n${reasons.map((r) => `  - ${printable(r)}`).join('\n')}\n`);
      return 1;
    }
    report(outcome, say);
    return 0;
  },
};
