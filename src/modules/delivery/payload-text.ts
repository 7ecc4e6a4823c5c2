// Which payloads the letter can print as text, and their lines: XML indented, anything else as
// written. Decided by the content type and a check that the bytes are UTF-8 text.
import { MalformedXml, xmlLines, type Line } from './xml-indent.js';

export type PayloadKind = 'pdf' | 'xml' | 'text' | 'other';

/** By content type only (types are checked at intake: `type/subtype`, no parameters). */
export function payloadKind(contentType: string): PayloadKind {
  const type = contentType.toLowerCase();
  if (type === 'application/pdf') return 'pdf';
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return 'xml';
  if (type.startsWith('text/')) return 'text';
  return 'other';
}

/** The bytes as text when they are UTF-8 without NUL (a leading BOM dropped), else undefined. */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/\r\n?/g, '\n');
  } catch {
    return undefined;
  }
}

/** The text's lines as written. */
export function* plainLines(text: string): Generator<Line> {
  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (end === text.length && start === end && start > 0) return; // no empty line after a final newline
    yield { text: text.slice(start, end), indent: 0 };
    start = end + 1;
  }
}

/**
 * Lays out a text payload with `layout`; XML indented when it is well-formed as far as `layout`
 * reads it, else laid out again as written. At most two passes over the text.
 */
export function layoutPayload<T>(kind: 'xml' | 'text', text: string, layout: (lines: Iterable<Line>) => T): { as: 'xml' | 'plain' | 'malformed'; result: T } {
  if (kind === 'xml') {
    try {
      return { as: 'xml', result: layout(xmlLines(text)) };
    } catch (e) {
      if (!(e instanceof MalformedXml)) throw e;
      return { as: 'malformed', result: layout(plainLines(text)) };
    }
  }
  return { as: 'plain', result: layout(plainLines(text)) };
}
