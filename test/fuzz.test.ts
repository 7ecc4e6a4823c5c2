// Property and fuzz tests for every parser of outside input: whatever arrives, the parser returns a
// result or throws its own clear error type (with a line or a field); it never crashes with a
// TypeError/RangeError and never hangs (each run is bounded by the test timeout).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { AppError, InputFileError } from '../src/lib/errors.js';
import { csvLine } from '../src/lib/csv-stream.js';
import { CsvReader, parseCsv, type CsvRow } from '../src/lib/csv.js';
import { ManualClock } from '../src/lib/clock.js';
import { normalizePostcode, parseHouseNumber, streetKey } from '../src/modules/addresses/normalize.js';
import { AuthError, createVerifier } from '../src/modules/auth/jwt.js';
import { checkProof } from '../src/modules/certificates/proof.js';
import { CertificateInputError, describeCertificate, readCertificates } from '../src/modules/certificates/inspect.js';
import { checkLookupInput } from '../src/modules/jurisdictions/lookup.js';
import { parsePostcodes } from '../src/modules/postcodes/postcodes.parser.js';
import { parseGv100ad } from '../src/modules/regions/gv100ad.parser.js';
import { gvRecord as rec } from './helpers/gv100ad.js';

const RUNS = { numRuns: 400, seed: 20261122 };

/** Runs fn; passes if it returns or throws one of the expected error types with a useful message. */
function survives(fn: () => unknown, ...expected: (new (...a: any[]) => Error)[]): void {
  try {
    fn();
  } catch (e) {
    if (!expected.some((t) => e instanceof t)) throw new Error(`unexpected ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    expect((e as Error).message.length).toBeGreaterThan(5);
  }
}

const D = '20251130';
const VALID_GV = [
  rec([[1, '10'], [3, D], [11, '05'], [23, 'Nordrhein-Westfalen'], [73, 'Düsseldorf']]),
  rec([[1, '20'], [3, D], [11, '057'], [23, 'Reg.-Bez. Detmold'], [73, 'Detmold']]),
  rec([[1, '40'], [3, D], [11, '05766'], [23, 'Lippe'], [73, 'Detmold'], [123, '43']]),
  rec([[1, '50'], [3, D], [11, '05766'], [19, '0020'], [23, 'Detmold, Stadt'], [123, '50']]),
  rec([[1, '60'], [3, D], [11, '05766020'], [19, '0020'], [23, 'Detmold, Stadt'], [123, '63'], [129, '00000012939'], [140, '00000074278'], [151, '00000035949'], [166, '32756*****']]),
];

/** A valid input with characters replaced, cut or inserted at random places. */
const mutated = (valid: string) =>
  fc
    .array(fc.record({ at: fc.nat(valid.length), kind: fc.constantFrom('replace', 'cut', 'insert'), text: fc.string({ maxLength: 8 }) }), { minLength: 1, maxLength: 6 })
    .map((edits) => {
      let s = valid;
      for (const e of edits) {
        const at = Math.min(e.at, s.length);
        if (e.kind === 'replace') s = s.slice(0, at) + e.text + s.slice(at + e.text.length);
        else if (e.kind === 'cut') s = s.slice(0, at) + s.slice(at + e.text.length + 1);
        else s = s.slice(0, at) + e.text + s.slice(at);
      }
      return s;
    });

describe('fuzz: register files', () => {
  it('GV100AD: mutated records and random lines give a result or an InputFileError with its line', () => {
    const line = fc.oneof(fc.constantFrom(...VALID_GV), ...VALID_GV.map(mutated), fc.string({ maxLength: 240 }), fc.string({ minLength: 200, maxLength: 230, unit: 'binary' }));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), (lines) => {
        try {
          parseGv100ad(lines, 'fuzz.txt');
        } catch (e) {
          if (!(e instanceof InputFileError)) throw e;
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.line).toBeLessThanOrEqual(lines.length);
          expect(e.reason.length).toBeGreaterThan(5);
        }
      }),
      RUNS,
    );
  });

  it('CSV: any text parses or fails with an InputFileError; written rows read back unchanged', () => {
    const csvText = fc.string({ maxLength: 400, unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'ä', ';', '1') });
    fc.assert(
      fc.property(csvText, (text) => {
        survives(() => [...parseCsv(text, 'fuzz.csv')], InputFileError);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ maxLength: 20, unit: fc.constantFrom('a', ',', '"', '\n', ' ', 'ß', 'x') }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }), (rows) => {
        const text = rows.map((r) => csvLine(r)).join('\n') + '\n';
        const back = [...parseCsv(text, 'roundtrip.csv')].map((r) => r.fields);
        // A row of one empty field is written as an empty line, which readers skip.
        expect(back).toEqual(rows.filter((r) => !(r.length === 1 && r[0] === '')));
      }),
      RUNS,
    );
  });

  it('CSV rows: any text gives rows in line order, never an exception, the same in chunks of any size', () => {
    const rowsOf = (text: string, step: number) => {
      const reader = new CsvReader();
      const out: CsvRow[] = [];
      for (let i = 0; i < text.length; i += step) out.push(...reader.push(text.slice(i, i + step)));
      return [...out, ...reader.end()];
    };
    const csvText = fc.string({ maxLength: 400, unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'ä', ';', '1') });
    fc.assert(
      fc.property(csvText, fc.integer({ min: 1, max: 40 }), (text, step) => {
        const whole = rowsOf(text, Math.max(text.length, 1));
        const lines = text.split(/\r\n|\r|\n/).length;
        let previous = 0;
        for (const r of whole) {
          expect(r.line).toBeGreaterThan(previous);
          expect(r.line).toBeLessThanOrEqual(lines);
          if ('error' in r) expect(r.error.length).toBeGreaterThan(5);
          previous = r.line;
        }
        expect(rowsOf(text, step)).toEqual(whole);
      }),
      RUNS,
    );
  });

  it('postcode files: mutated and random content gives records or an InputFileError', () => {
    const valid = 'osm_id,ags,ort,plz,landkreis,bundesland\n1,05766020,Detmold,32756,Lippe,NRW\n2,05766020,Detmold,32758,Lippe,NRW\n';
    fc.assert(
      fc.property(fc.oneof(mutated(valid), fc.string({ maxLength: 300 })), (text) => {
        survives(() => parsePostcodes(text, 'fuzz.csv'), InputFileError);
      }),
      RUNS,
    );
  });
});

describe('fuzz: addresses and lookups', () => {
  it('house numbers: any string is a number range with from <= to, or undefined; long input stays fast', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 30 }), fc.string({ maxLength: 12, unit: fc.constantFrom('1', '2', 'a', ' ', '-', '/', '–', 'b') })), (s) => {
        const h = parseHouseNumber(s);
        if (h) {
          expect(h.from).toBeGreaterThan(0);
          expect(h.to).toBeGreaterThanOrEqual(h.from);
        }
        normalizePostcode(s);
        expect(typeof streetKey(s)).toBe('string');
      }),
      RUNS,
    );
    // Inputs that make backtracking regular expressions explode.
    for (const evil of ['1'.repeat(50_000), `${'1 '.repeat(20_000)}x`, `1${'-'.repeat(30_000)}`, `${'a'.repeat(50_000)}!`]) {
      parseHouseNumber(evil);
      streetKey(evil);
    }
  });

  it('lookup inputs: any combination is accepted or refused with BAD_USER_INPUT naming the field', () => {
    const text = fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('05766020', '32756', '12a-14', '2026-02-30', 'Detmold', '')), { nil: null });
    const raw = fc.record(
      {
        address: fc.option(fc.record({ street: text, houseNumber: text, postalCode: text, city: text }), { nil: null }),
        ags: text,
        ars: text,
        postalCode: text,
        city: text,
        task: text,
        at: text,
        messageType: text,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(raw, (r) => {
        try {
          checkLookupInput(r as never, '2026-11-22', 'inputs[3]');
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          expect(e.extensions.code).toBe('BAD_USER_INPUT');
          expect(e.message).toMatch(/^inputs\[3\]/);
        }
      }),
      RUNS,
    );
  });
});

describe('fuzz: certificates, JWS and JWT', () => {
  it('PEM/DER: mutated certificates and random bytes are read or refused with CertificateInputError', async () => {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=fuzz', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01') });
    const der = new Uint8Array(cert.rawData);
    const pem = cert.toString('pem');
    const derMutation = fc
      .array(fc.record({ at: fc.nat(der.length - 1), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 })
      .map((edits) => {
        const b = new Uint8Array(der);
        for (const e of edits) b[e.at] = e.byte;
        return b;
      });
    const truncated = fc.nat(der.length - 1).map((n) => der.slice(0, n));
    fc.assert(
      fc.property(fc.oneof(derMutation, truncated, fc.uint8Array({ maxLength: 600 })), (bytes) => {
        survives(() => readCertificates(bytes, 'fuzz.der').forEach((d) => describeCertificate(d, 'fuzz.der')), CertificateInputError);
      }),
      { ...RUNS, numRuns: 300 },
    );
    fc.assert(
      fc.property(mutated(pem), (text) => {
        survives(() => readCertificates(Buffer.from(text), 'fuzz.pem').forEach((d) => describeCertificate(d, 'fuzz.pem')), CertificateInputError);
      }),
      { ...RUNS, numRuns: 300 },
    );
  });

  it('JWS proofs of possession: random and mutated proofs give a stated problem, never an exception', async () => {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=proof', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01') });
    const der = new Uint8Array(cert.rawData);
    const payload = { nonce: 'n', dataCenter: 'krz', thumbprint: 't' };
    const good = await new CompactSign(Buffer.from(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', x5c: [Buffer.from(der).toString('base64')] })
      .sign(keys.privateKey);
    expect(await checkProof(good, der, cert.toString('pem'))).toEqual({ payload, problems: [] });
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(good), fc.string({ maxLength: 200 }), fc.constantFrom('a.b.c', '..', 'eyJhbGciOiJub25lIn0..', '.'.repeat(1000))), async (proof) => {
        const r = await checkProof(proof, der, cert.toString('pem'));
        if (proof !== good) expect(r.problems.length > 0 || r.payload !== undefined).toBe(true);
      }),
      { ...RUNS, numRuns: 300 },
    );
  });

  it('JWT: random and mutated bearer tokens are refused with AuthError (401), never another error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-fuzz-'));
    const kp = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(kp.publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    fs.writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...jwk, kid }] }));
    const clock = new ManualClock('2026-11-22T10:00:00Z');
    const verify = createVerifier({ jwks: path.join(dir, 'jwks.json'), issuer: 'iss', audience: 'aud', algorithms: ['ES256'] }, clock);
    const now = Math.floor(clock.now().getTime() / 1000);
    const good = await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'ES256', kid }).setIssuer('iss').setAudience('aud').setSubject('s').setExpirationTime(now + 60).sign(kp.privateKey);
    expect((await verify(`Bearer ${good}`))?.role).toBe('ADMIN');
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(`Bearer ${good}`), fc.string({ maxLength: 300 }), mutated(good).map((t) => `Bearer ${t}`)), async (header) => {
        try {
          await verify(header);
        } catch (e) {
          if (!(e instanceof AuthError)) throw e;
          expect(e.extensions.http).toMatchObject({ status: 401 });
        }
      }),
      { ...RUNS, numRuns: 400 },
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
