// Hostile inputs at the documented limits, shared by test/hostile.test.ts and bench/hostile.bench.ts.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

// Characters that grow under NFKD (what name folding applies): U+FDFA to 18 characters, U+3392 (㎒)
// to 3, the ffi ligature to 3, U+FB2C (shin with dagesh and shin dot) to 3 with combining marks,
// U+2474 (⑵) to 3, U+33FF (㏿) to 3.
const GROWING = ['\uFDFA', '\u3392', '\uFB03', '\uFB2C', '\u2474', '\u33FF'];

/** A string of exactly n UTF-16 units of growing characters; seed varies it so caches see new keys. */
export function growing(n: number, seed: number): string {
  let s = '';
  for (let i = 0; s.length < n; i++) s += GROWING[(seed * 7 + i * (1 + (seed % 5))) % GROWING.length];
  return s.slice(0, n);
}

export const LOOKUP = `query($i: JurisdictionInput!) { responsibleAuthority(input: $i) { status explanation warnings authority { key } } }`;
export const BULK_LOOKUP = `query($i: [JurisdictionInput!]!) { responsibleAuthorities(inputs: $i) { status explanation } }`;
export const REGION_SEARCH = `query($n: String) { regions(name: $n, first: 50) { totalCount edges { node { name ars } } } }`;

/** An address whose street and city are `len` growing characters. */
export const growingAddress = (seed: number, len: number) => ({ address: { street: growing(len, seed), houseNumber: '1', postalCode: '32756', city: growing(len, seed + 1) } });

/** Anonymous and public: six region pages of `$n`, each with nested municipality, postcode and parent lists. */
const REGION_NODE = 'name ars level parent { name parent { name } } municipality { name postcodes { postcode locality municipality { name district { name } } } }';
export const NESTED_REGIONS = `query($n: Int) { ${Array.from({ length: 6 }, (_, k) => `r${k}: regions(first: $n) { totalCount edges { node { ${REGION_NODE} } } }`).join(' ')} }`;
/** As a client: twenty authority pages of `$n` with their jurisdictions and those jurisdictions' authorities. */
export const NESTED_AUTHORITIES = `query($n: Int) { ${Array.from({ length: 20 }, (_, k) => `a${k}: authorities(first: $n) { nodes { key name jurisdictions { id areaKey authority { key jurisdictions { id } } } } }`).join(' ')} }`;

/** Budget and cost from a QUERY_LIMIT_EXCEEDED message, or undefined. */
export function costIn(message: string | undefined): { budget: number; cost: number } | undefined {
  const m = /limit of (\d+) exceeded, found (\d+)/.exec(message ?? '');
  return m ? { budget: Number(m[1]), cost: Number(m[2]) } : undefined;
}

/**
 * The largest page size whose cost stays within the budget: the cost grows linearly with the page
 * size, so two refused sizes give the line. `costAt` sends the query with that page size.
 */
export async function largestPageWithin(costAt: (n: number) => Promise<string | undefined>): Promise<number> {
  const x = costIn(await costAt(1000));
  const y = costIn(await costAt(2000));
  if (!x || !y) throw new Error('page sizes 1000 and 2000 were not refused by the work budget');
  const perPage = (y.cost - x.cost) / 1000;
  return Math.floor((x.budget - (x.cost - 1000 * perPage)) / perPage);
}

/**
 * A document of its own for each i, within the document limits: 28 aliases (limit 30), depth 8 (12),
 * some 2,000 tokens (5,000); anonymous.
 */
export function freshDocument(i: number): string {
  const node = 'name ars level typeName seat validFrom validTo source parent { name ars parent { name ars parent { name } } } municipality { name ags type population postcodes { postcode locality municipality { name district { name ars } state { name } } } region { name } }';
  return `query Q${i}($n: Int) { ${Array.from({ length: 28 }, (_, k) => `u${i}_${k}: regions(first: $n, name: "${String.fromCharCode(97 + ((i + k) % 26))}") { totalCount edges { cursor node { ${node} } } }`).join(' ')} }`;
}

export const CHALLENGE = `mutation($c: String!) { requestCertificateChallenge(dataCenterCode: "krz", certificate: $c) { nonce } }`;
export const UPLOAD = `mutation($c: String!, $p: String!) { uploadCertificate(input: { dataCenterCode: "krz", usage: ENCRYPTION, certificate: $c, proof: $p }) { accepted reasons certificate { thumbprintSha256 } } }`;
/** A compact JWS that verifies nothing: the certificate is refused before the proof matters. */
export const JUNK_PROOF = 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln';

export interface HugePem {
  pem: string;
  /** what the refusal says */
  reason: RegExp;
  /** refused by the @limit (BAD_USER_INPUT) rather than by reading the certificates */
  byLimit: boolean;
}

/** Over the 64 KiB @limit (thousands of certificates), over the count limit (~100) and never-ending BEGIN lines. */
export async function hugePems(): Promise<HugePem[]> {
  const kp = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=hostile.test',
    keys: kp,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 90 * 86_400_000),
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyAgreement, true)],
  });
  const one = cert.toString('pem');
  return [
    { pem: one.repeat(Math.ceil(1_000_000 / one.length)), reason: /^certificate: at most 65536 characters, got \d+$/, byLimit: true },
    { pem: one.repeat(Math.floor(65_000 / one.length)), reason: /holds more than 10 certificates/, byLimit: false },
    { pem: '-----BEGIN CERTIFICATE-----\n'.repeat(Math.floor(65_000 / 28)), reason: /PEM block has no END line/, byLimit: false },
  ];
}

/** NUL in variables of a lookup (address and city), an anonymous search and a certificate. */
export function nulCases(client: string, dataCentre: string) {
  return [
    { query: LOOKUP, variables: { i: { address: { street: 'Markt\u0000platz', postalCode: '32756', city: 'Detmold' } } }, field: 'input.address.street', bearer: client },
    { query: LOOKUP, variables: { i: { city: '\u0000'.repeat(200) } }, field: 'input.city', bearer: client },
    { query: `query($n: String) { regions(name: $n) { totalCount } }`, variables: { n: 'Det\u0000mold' }, field: 'name', bearer: undefined },
    { query: CHALLENGE, variables: { c: '-----BEGIN CERTIFICATE-----\u0000' }, field: 'certificate', bearer: dataCentre },
  ];
}
