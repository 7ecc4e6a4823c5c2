// Decoding of official text files: Destatis ships ISO-8859-1 with CRLF, copies circulate as UTF-8 with LF.
// What cannot be text (bytes invalid in the chosen encoding, NUL and other control characters) is
// refused here with file and line, before a parser or the database sees it.
import { InputFileError } from './errors.js';

export type TextEncoding = 'auto' | 'utf-8' | 'latin1';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** C0 controls but tab, CR and LF; DEL; C1 controls (what undefined Windows-1252 bytes decode to). */
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]/;

export function decodeText(
  bytes: Uint8Array,
  encoding: TextEncoding = 'auto',
  fileName = 'input',
): { text: string; encoding: 'utf-8' | 'latin1' } {
  const decoded = decode(bytes, encoding, fileName);
  const bad = CONTROL.exec(decoded.text);
  if (bad) {
    const before = decoded.text.slice(0, bad.index);
    const line = before.split('\n').length;
    const column = bad.index - before.lastIndexOf('\n');
    throw new InputFileError(fileName, line, `${describeControl(bad[0])} at character ${column}: not a text file, or a damaged one`);
  }
  return decoded;
}

function decode(bytes: Uint8Array, encoding: TextEncoding, fileName: string): { text: string; encoding: 'utf-8' | 'latin1' } {
  if (encoding === 'latin1') return { text: latin1.decode(bytes), encoding: 'latin1' };
  try {
    return { text: utf8.decode(bytes).replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    if (encoding === 'utf-8') {
      throw new InputFileError(fileName, invalidUtf8Line(bytes), 'line is not valid UTF-8 (use encoding latin1 for ISO-8859-1 files)');
    }
    // German text in ISO-8859-1 (ä = 0xE4 before ASCII) is never valid UTF-8, so this guess is safe.
    return { text: latin1.decode(bytes), encoding: 'latin1' };
  }
}

/** The first line (split at LF, which is never part of a multi-byte sequence) that is not valid UTF-8. */
function invalidUtf8Line(bytes: Uint8Array): number {
  let line = 1;
  for (let start = 0; ; line++) {
    const end = bytes.indexOf(0x0a, start);
    try {
      utf8.decode(bytes.subarray(start, end < 0 ? bytes.length : end));
    } catch {
      return line;
    }
    if (end < 0) return line;
    start = end + 1;
  }
}

/** "control character U+0000 (NUL)" and the like. */
export function describeControl(c: string): string {
  const code = c.charCodeAt(0);
  const name = code === 0 ? ' (NUL)' : code === 9 ? ' (tab)' : code === 13 ? ' (CR)' : '';
  return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}${name}`;
}

/** Lines without their CR/LF endings; a final empty line (trailing newline) is dropped. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Decodes a file chunk by chunk (a CSV of millions of rows), as decodeText would the whole: `auto`
 * reads UTF-8 and takes a first chunk that is not UTF-8 for ISO-8859-1/Windows-1252 (a spreadsheet's
 * plain "CSV" in Germany). Invalid UTF-8 after that is refused with its line, never turned into U+FFFD.
 */
export class StreamDecoder {
  private decoder: TextDecoder | undefined;
  private lines = 0;

  constructor(
    private readonly wanted: TextEncoding,
    private readonly fileName: string,
  ) {}

  decode(chunk: Uint8Array): string {
    if (!this.decoder) this.choose(chunk);
    try {
      const text = this.decoder!.decode(chunk, { stream: true });
      for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) this.lines++;
      return text;
    } catch {
      throw this.invalid(chunk);
    }
  }

  end(): string {
    try {
      return this.decoder?.decode() ?? '';
    } catch {
      throw new InputFileError(this.fileName, this.lines + 1, 'the file ends inside a UTF-8 character');
    }
  }

  private choose(first: Uint8Array): void {
    let encoding: 'utf-8' | 'latin1' = this.wanted === 'latin1' ? 'latin1' : 'utf-8';
    // German text in ISO-8859-1 (ä = 0xE4 before ASCII) is never valid UTF-8, so this guess is safe.
    if (this.wanted === 'auto' && !validUtf8Start(first)) encoding = 'latin1';
    this.decoder = encoding === 'latin1' ? new TextDecoder('latin1') : new TextDecoder('utf-8', { fatal: true }); // drops a BOM
  }

  private invalid(chunk: Uint8Array): InputFileError {
    // The chunk may begin with the rest of a character the previous one ended in: not the error.
    let from = 0;
    while (from < 3 && from < chunk.length && (chunk[from]! & 0xc0) === 0x80) from++;
    const hint = this.wanted === 'auto' ? 'the file began as UTF-8; ' : '';
    return new InputFileError(this.fileName, this.lines + invalidUtf8Line(chunk.subarray(from)), `line is not valid UTF-8 (${hint}use --encoding latin1 for an ISO-8859-1 file)`);
  }
}

/** Whether the bytes are UTF-8, an incomplete character at their end allowed. */
function validUtf8Start(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}
