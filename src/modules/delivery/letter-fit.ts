// Fitting text into a width on the letter. Text is long only when an authority's data, a file name
// or a file number is hostile or broken, so every function here measures about what fits, never
// the whole text per step: time stays linear in the text's length, however long it is.
import type { PDFFont } from 'pdf-lib';

export const MM = 72 / 25.4;
export const A4 = { width: 210 * MM, height: 297 * MM };

/** Width of text in points; injectable so a test can count how much text gets measured. */
export type Measure = (font: PDFFont, text: string, size: number) => number;

export const widthOf: Measure = (font, text, size) => font.widthOfTextAtSize(text, size);

/** A font at a size, and the width in points text must fit. */
export interface Box {
  measure: Measure;
  font: PDFFont;
  size: number;
  widthPt: number;
}

const charsets = new WeakMap<PDFFont, Set<number>>();

/** The code points a standard font can show (WinAnsi). */
export function charset(font: PDFFont): Set<number> {
  let set = charsets.get(font);
  if (!set) charsets.set(font, (set = new Set(font.getCharacterSet())));
  return set;
}

const PLAIN: Record<string, string> = { ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ø: 'o', Ø: 'O' };

/** Standard fonts carry WinAnsi only: other letters (Sorbian ł, ě …) lose their marks rather than fail. */
export function printable(font: PDFFont, text: string): string {
  const known = charset(font);
  return [...text]
    .map((ch) => {
      if (known.has(ch.codePointAt(0)!)) return ch;
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      const plain = PLAIN[base] ?? base;
      return [...plain].every((c) => known.has(c.codePointAt(0)!)) ? plain : '?';
    })
    .join('');
}

/**
 * Length of the longest prefix that fits followed by suffix (at least 1), or text.length when the
 * whole text fits as it is. The prefix doubles until it overflows, then a binary search narrows the
 * cut, so what is measured stays a small multiple of what fits. Text must be printable() already
 * (WinAnsi only), so a cut never splits a surrogate pair.
 */
export function fitting(b: Box, text: string, suffix = '…'): number {
  const fits = (n: number) => b.measure(b.font, `${text.slice(0, n)}${suffix}`, b.size) <= b.widthPt;
  let lo = 1;
  let hi = 16;
  while (hi < text.length && fits(hi)) [lo, hi] = [hi, hi * 2];
  if (hi >= text.length) {
    if (b.measure(b.font, text, b.size) <= b.widthPt) return text.length;
    hi = text.length;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The text, or its longest fitting prefix with "…" (cut anywhere: for file numbers, ids, types). */
export function fit(b: Box, text: string): string {
  const n = fitting(b, text);
  return n === text.length ? text : `${text.slice(0, n)}…`;
}

const SEPARATORS = new Set([' ', ',', ';', ':', '·', '–', '-', '/']);

/** End of the words in text[0, n): before the last space at or after which the cut falls, less separators. */
function wordEnd(text: string, n: number): number {
  let end = text.lastIndexOf(' ', n);
  while (end > 0 && SEPARATORS.has(text[end - 1]!)) end--;
  return end;
}

/**
 * The text, or the words that fit followed by "…". A word that would take more than half of the
 * width is cut inside instead of being dropped ("32756 Detmold-Hidd…" rather than "32756…").
 */
export function shorten(b: Box, text: string): string {
  const n = fitting(b, text);
  if (n === text.length) return text;
  const end = wordEnd(text, n);
  return `${text.slice(0, end >= n / 2 ? end : n)}…`;
}

/**
 * Greedy word wrap into at most maxLines lines, never breaking inside a word: a word wider than the
 * box is shortened with "…" on a line of its own, and when text remains for the last line, that
 * line is shortened at a word boundary.
 */
export function wrap(b: Box, text: string, maxLines: number): string[] {
  const lines: string[] = [];
  let rest = text.trim();
  while (rest !== '' && lines.length < maxLines) {
    if (lines.length === maxLines - 1) {
      lines.push(shorten(b, rest));
      break;
    }
    const n = fitting(b, rest, '');
    if (n === rest.length) {
      lines.push(rest);
      break;
    }
    let space = rest.lastIndexOf(' ', n);
    if (space > 0) lines.push(rest.slice(0, space).trimEnd());
    else {
      space = rest.indexOf(' ');
      lines.push(fit(b, space < 0 ? rest : rest.slice(0, space)));
      if (space < 0) break;
    }
    rest = rest.slice(space).trimStart();
  }
  return lines;
}
