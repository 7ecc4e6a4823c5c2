// Decoding of official text files: Destatis ships ISO-8859-1 with CRLF, copies circulate as UTF-8 with LF.
export type TextEncoding = 'auto' | 'utf-8' | 'latin1';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

export function decodeText(bytes: Uint8Array, encoding: TextEncoding = 'auto'): { text: string; encoding: 'utf-8' | 'latin1' } {
  if (encoding === 'latin1') return { text: latin1.decode(bytes), encoding: 'latin1' };
  try {
    return { text: utf8.decode(bytes).replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch (e) {
    if (encoding === 'utf-8') throw new Error('file is not valid UTF-8 (use encoding latin1 for ISO-8859-1 files)');
    // German text in ISO-8859-1 (ä = 0xE4 before ASCII) is never valid UTF-8, so this guess is safe.
    return { text: latin1.decode(bytes), encoding: 'latin1' };
  }
}

/** Lines without their CR/LF endings; a final empty line (trailing newline) is dropped. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
