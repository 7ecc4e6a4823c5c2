// Reading a CSV chunk by chunk: UTF-8 split anywhere, a spreadsheet's ISO-8859-1 file, and invalid
// UTF-8 refused with its line instead of turned into U+FFFD.
import { describe, expect, it } from 'vitest';
import { InputFileError } from '../src/lib/errors.js';
import { StreamDecoder, type TextEncoding } from '../src/lib/text-file.js';

function decodeInChunks(bytes: Buffer, size: number, encoding: TextEncoding = 'auto'): string {
  const d = new StreamDecoder(encoding, 'in.csv');
  let out = '';
  for (let i = 0; i < bytes.length; i += size) out += d.decode(bytes.subarray(i, i + size));
  return out + d.end();
}

const failure = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputFileError) return { line: e.line, reason: e.reason };
    throw e;
  }
  throw new Error('no error');
};

describe('StreamDecoder', () => {
  const text = 'ort\nMünchen\nKöln\nGroß Grönau\n';

  it('reads UTF-8 split inside any character, and drops a BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    for (const size of [1, 2, 3, 5, 64]) expect(decodeInChunks(bytes, size)).toBe(text);
  });

  it('takes a file that does not begin as UTF-8 for ISO-8859-1 (auto), or as told (latin1)', () => {
    const latin = Buffer.from(text, 'latin1');
    expect(decodeInChunks(latin, 1024)).toBe(text);
    expect(decodeInChunks(latin, 3, 'latin1')).toBe(text);
    expect(failure(() => decodeInChunks(latin, 1024, 'utf-8'))).toEqual({ line: 2, reason: expect.stringMatching(/not valid UTF-8 \(use --encoding latin1/) });
  });

  it('refuses invalid UTF-8 after a UTF-8 start with its line, whatever the chunks', () => {
    const bytes = Buffer.concat([Buffer.from('ort\nKöln\nBonn\n'), Buffer.from('M\xfcnchen\n', 'latin1')]);
    for (const size of [4, 7, 9]) {
      expect(failure(() => decodeInChunks(bytes, size))).toEqual({ line: 4, reason: expect.stringMatching(/the file began as UTF-8/) });
    }
  });

  it('refuses a file that ends inside a character', () => {
    const bytes = Buffer.from('ort\nK\xc3', 'latin1');
    expect(failure(() => decodeInChunks(bytes, 2))).toEqual({ line: 2, reason: 'the file ends inside a UTF-8 character' });
  });
});
