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
