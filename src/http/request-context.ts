// Per-request values that logs and metrics need without threading them through every call.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  requestId: string;
  /** GraphQL operation type and name once parsed, e.g. "query LookupDebtor" */
  operation?: string;
  /** role of the verified token (subjects may name people, so they are not logged) */
  role?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** A caller's x-request-id is reused when it is a plain token, so ids can be followed across systems. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && /^[A-Za-z0-9._:-]{1,100}$/.test(header) ? header : randomUUID();
}
