// cert proof: the proof of possession for a challenge, for those who upload by other means.
import { makeProof } from '../../modules/certificates/proof.js';
import { CommandFailure as Failure } from '../../lib/errors.js';
import type { Args } from '../args.js';
import { readKeyPair, type KeyPair } from '../remote/cert-files.js';
import type { Command } from '../commands.js';
import { printable } from '../remote/directory-client.js';

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;

interface ChallengeFields {
  nonce: string;
  dataCenter?: string;
  thumbprint?: string;
  expiresAt?: string;
}

/** The challenge object in what requestCertificateChallenge's answer looks like: bare, in its field, or the whole response. */
function challengeObject(json: unknown): Record<string, unknown> | undefined {
  const obj = json as Record<string, any> | null;
  if (!obj || typeof obj !== 'object') return undefined;
  return obj.data?.requestCertificateChallenge ?? obj.requestCertificateChallenge ?? obj;
}

function fromJson(args: Args, text: string): ChallengeFields {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    args.fail('--challenge starts with "{" but is not JSON');
  }
  const c = challengeObject(json);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const nonce = str(c?.nonce);
  if (!nonce || !NONCE.test(nonce)) args.fail('--challenge: the JSON has no "nonce" (give the object requestCertificateChallenge returned)');
  return { nonce, dataCenter: str(c?.dataCenterCode), thumbprint: str(c?.thumbprintSha256), expiresAt: str(c?.expiresAt) };
}

function challengeOf(args: Args): ChallengeFields {
  const raw = args.string('challenge')?.trim();
  if (!raw) args.fail('missing --challenge NONCE|JSON');
  if (raw.length > 4096) args.fail('--challenge is longer than 4096 characters');
  const fields = raw.startsWith('{') ? fromJson(args, raw) : { nonce: raw };
  if (!NONCE.test(fields.nonce)) args.fail('--challenge must be the nonce (base64url) or the challenge as JSON');
  const option = args.string('data-center');
  if (option && fields.dataCenter && option !== fields.dataCenter) args.fail(`--data-center ${option} differs from the challenge's ${fields.dataCenter}`);
  const dataCenter = option ?? fields.dataCenter;
  if (!dataCenter) args.fail(raw.startsWith('{') ? 'missing --data-center CODE: the challenge JSON has no "dataCenterCode" (select it in requestCertificateChallenge, or give --data-center)' : 'missing --data-center CODE (the challenge is a bare nonce)');
  if (dataCenter.length > 64 || /[\x00-\x1f\x7f]/.test(dataCenter)) args.fail('--data-center must be a code of at most 64 characters');
  return { ...fields, dataCenter };
}

/** The challenge must be for this certificate and still open; said before anything is signed. */
function checkFits(c: ChallengeFields, pair: KeyPair, now: Date): void {
  if (c.thumbprint && c.thumbprint !== pair.leaf.thumbprintSha256) {
    throw new Failure(`the challenge was issued for certificate ${printable(c.thumbprint, 64)}, but --cert is ${pair.leaf.thumbprintSha256}`);
  }
  if (c.expiresAt && Date.parse(c.expiresAt) <= now.getTime()) {
    throw new Failure(`the challenge expired at ${printable(c.expiresAt, 40)}; request a new one`);
  }
}

export const certProof: Command = {
  name: 'cert proof',
  synopsis: '--challenge NONCE|JSON --cert FILE --key FILE [--data-center CODE] [--json]',
  summary: [
    'Print the proof of possession for a challenge (for uploads by other means than cert upload): a',
    'compact JWS over {"nonce","dataCenter","thumbprint"}, signed with the private key (EC: ES256/384/512',
    'by curve, raw r||s; RSA: PS256), the certificate in the x5c header. --cert is needed for x5c.',
  ],
  options: ['challenge', 'cert', 'key', 'data-center', 'json'],
  optionHelp: {
    'data-center': 'data centre code; needed when --challenge is a bare nonce',
    json: 'print {"proof","alg","nonce","dataCenter","thumbprint"} as one JSON line',
  },
  async run({ args }) {
    if (args.rest.length) args.fail(`unexpected argument "${args.rest[0]}"`);
    const challenge = challengeOf(args);
    const pair = readKeyPair(args);
    checkFits(challenge, pair, new Date());
    const payload = { nonce: challenge.nonce, dataCenter: challenge.dataCenter!, thumbprint: pair.leaf.thumbprintSha256 };
    const { proof, alg } = await makeProof(pair.key, pair.leaf.der, payload).catch((e: Error) => {
      throw new Failure(e.message);
    });
    if (args.json) console.log(JSON.stringify({ proof, alg, ...payload }));
    else {
      console.error(`# ${alg} proof for data centre ${payload.dataCenter}, certificate ${payload.thumbprint}`);
      console.log(proof);
    }
    return 0;
  },
};
