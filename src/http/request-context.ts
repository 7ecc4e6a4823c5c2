// Per-request values for logs and metrics, created by the HTTP handler and handed to Yoga as server context.
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  requestId: string;
  /** GraphQL operation type and name once parsed, e.g. "query LookupDebtor" */
  operation?: string;
  /** role of the verified token (subjects may name people, so they are not logged) */
  role?: string;
}

/** A caller's x-request-id is reused when it is a plain token, so ids can be followed across systems. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && /^[A-Za-z0-9._:-]{1,100}$/.test(header) ? header : randomUUID();
}
