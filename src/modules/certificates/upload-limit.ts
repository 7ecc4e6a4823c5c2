// Apart from inspect.ts, which loads @peculiar/x509 (100 ms of the server's start, #17): the proof
// check needs only this number.

/** A certificate with its chain: more is not a data centre's upload (trust-anchor bundles pass their own limit). */
export const MAX_UPLOAD_CERTIFICATES = 10;
