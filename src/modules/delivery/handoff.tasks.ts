// The CPU-bound parts of a hand-off: rendering the print letter, and encrypting, hashing and signing
// an electronic one. They run in a worker thread (workers.ts) so that no message, however hostile,
// can stall the event loop; tests and tools without workers run them in-process.
import { createPrivateKey } from 'node:crypto';
import { CompactEncrypt, importX509, SignJWT } from 'jose';
import { HANDOFF_TYP, sha256Hex } from '../../lib/handoff-contract.js';
import type { Letter, LetterInput } from './letter.js';

export interface EncryptInput {
  /** the recipient's encryption certificate */
  pem: string;
  alg: 'ECDH-ES' | 'RSA-OAEP-256';
  kid: string;
  contentType: string;
  /** base64 */
  payload: string;
}

async function encrypt(input: EncryptInput): Promise<string> {
  const key = await importX509(input.pem, input.alg);
  return new CompactEncrypt(Buffer.from(input.payload, 'base64'))
    .setProtectedHeader({ alg: input.alg, enc: 'A256GCM', cty: input.contentType, kid: input.kid })
    .encrypt(key);
}

export interface SealInput extends EncryptInput {
  /** the server's active signing key */
  signing: { pkcs8: string; alg: string; kid: string };
  /** every claim of the signed hand-off but the JWE (HandoffClaims) */
  claims: Record<string, string | number>;
}

export interface Sealed {
  /** compact JWS whose claims carry the JWE */
  token: string;
  /** hex SHA-256 of the plaintext payload, for the receipt */
  payloadSha256: string;
}

/** Encrypt, then sign: the signature covers every claim and the ciphertext. */
async function seal(input: SealInput): Promise<Sealed> {
  const jwe = await encrypt(input);
  const token = await new SignJWT({ ...input.claims, jwe })
    .setProtectedHeader({ alg: input.signing.alg, kid: input.signing.kid, typ: HANDOFF_TYP })
    .sign(createPrivateKey(input.signing.pkcs8));
  return { token, payloadSha256: sha256Hex(Buffer.from(input.payload, 'base64')) };
}

/** A worker loads a module exporting `handOffTasks` of this shape (tests load a misbehaving one). */
export interface HandOffTasks {
  letter(input: LetterInput): Promise<Letter>;
  seal(input: SealInput): Promise<Sealed>;
}

// The letter's module brings pdf-lib (150 ms to load): loaded with the first letter, not at start.
const letter = async (input: LetterInput) => (await import('./letter.js')).renderLetter(input);

export const handOffTasks: HandOffTasks = { letter, seal };

export type TaskName = keyof HandOffTasks;
export type TaskInput<K extends TaskName> = Parameters<HandOffTasks[K]>[0];
export type TaskResult<K extends TaskName> = Awaited<ReturnType<HandOffTasks[K]>>;

/** Where adapters run their tasks: a worker pool, or this thread. */
export interface Offload {
  run<K extends TaskName>(task: K, input: TaskInput<K>, signal?: AbortSignal): Promise<TaskResult<K>>;
}

/** Runs tasks on the caller's thread: only for tests and tools, where nothing else waits on the loop. */
export const inProcess: Offload = {
  run: (task, input) => (handOffTasks[task] as (i: typeof input) => Promise<never>)(input),
};
