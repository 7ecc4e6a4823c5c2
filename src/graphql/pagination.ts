// Page sizes and opaque cursors shared by every paginated field.
import { badInput } from '../lib/errors.js';

export function pageSize(first: number | null | undefined, max: number, argument = 'first'): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput(argument, `must be between 1 and ${max}, got ${n}`);
  return n;
}

export function encodeCursor(parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, argument = 'after'): unknown[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v)) return v;
  } catch {
    /* fall through */
  }
  throw badInput(argument, 'is not a cursor returned by this API');
}
