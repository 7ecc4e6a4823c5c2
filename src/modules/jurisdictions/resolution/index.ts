// The lookup resolution, pure and in memory: what the rest of the server uses of it.
export { resolveJurisdiction } from './resolve.js';
export { forwardKey, type ForwardTarget } from './forwarding.js';
export type { AddressInput, Candidate, Forwarding, LookupInput, LookupResult, LookupStatus } from './types.js';
