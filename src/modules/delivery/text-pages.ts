// A text payload printed as pages after the cover letter: Courier (monospace, so a line holds a
// fixed number of characters and nothing needs measuring), lines hard-wrapped at the page width,
// each line numbered and its continuations marked "»" in the gutter; at most a bounded number of
// pages. Characters the standard font cannot show (outside WinAnsi) are printed as "?".
import { rgb, type PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import { A4, charset, MM } from './letter-fit.js';
import type { Line } from './xml-indent.js';

/** Above this many pages of text the rest is not printed (the payload is attached as a file anyway). */
export const MAX_TEXT_PAGES = 500;

/** In millimetres from the page's top-left corner. */
export const TEXT_PAGE = { left: 20, right: 15, size: 9, headerBaseline: 14, firstBaseline: 24, line: 4, lastBaseline: 280 };
const LINES_PER_PAGE = Math.floor((TEXT_PAGE.lastBaseline - TEXT_PAGE.firstBaseline) / TEXT_PAGE.line) + 1;
/** Courier's glyphs are all 0.6 em wide. */
export const COLUMNS = Math.floor(((210 - TEXT_PAGE.left - TEXT_PAGE.right) * MM) / (0.6 * TEXT_PAGE.size));
const TAB = 4;
export const CONTINUATION = '»';

export interface TextLayout {
  /** per page, its printed lines (gutter included) */
  pages: string[][];
  /** the text did not fit in the pages allowed */
  truncated: boolean;
  /** characters printed as "?" */
  replaced: number;
}

/** The line as the font shows it: tabs expanded, unknown characters "?", trailing blanks dropped. */
function visible(known: Set<number>, line: string): { text: string; replaced: number } {
  let text = '';
  let replaced = 0;
  for (const ch of line.normalize('NFC')) {
    const c = ch.codePointAt(0)!;
    if (c === 9) text += ' '.repeat(TAB - (text.length % TAB));
    else if (known.has(c)) text += ch;
    else {
      text += '?';
      replaced++;
    }
  }
  return { text: text.trimEnd(), replaced };
}

/**
 * Appends the printed rows of one line to out, up to capacity: numbered, continuations marked and
 * indented like the line. Returns false when the line did not fit.
 */
function addRows(out: string[], capacity: number, line: { text: string; indent: number; number: number; gutter: number }): boolean {
  const width = COLUMNS - line.gutter;
  const hang = line.indent <= width / 2 ? line.indent : 0;
  if (out.length >= capacity) return false;
  out.push(`${String(line.number).padStart(line.gutter - 1)} ${line.text.slice(0, width)}`);
  const mark = `${CONTINUATION.padStart(line.gutter - 1)} ${' '.repeat(hang)}`;
  for (let at = width; at < line.text.length; at += width - hang) {
    if (out.length >= capacity) return false;
    out.push(mark + line.text.slice(at, at + width - hang));
  }
  return true;
}

/**
 * Lays lines out on at most maxPages pages; reads only as many lines, and as much of each, as fit
 * (two lines of the last page stay free for the note that the text goes on).
 */
export function layoutText(lines: Iterable<Line>, font: PDFFont, maxPages = MAX_TEXT_PAGES): TextLayout {
  const known = charset(font);
  const capacity = maxPages * LINES_PER_PAGE - 2;
  const gutter = String(capacity).length + 1;
  const out: string[] = [];
  let replaced = 0;
  let truncated = false;
  let number = 0;
  for (const line of lines) {
    // Code points never outnumber UTF-16 units: twice the room left holds more than fits.
    const room = 2 * (capacity - out.length) * COLUMNS + 2;
    const shown = visible(known, line.text.length > room ? line.text.slice(0, room) : line.text);
    replaced += shown.replaced;
    if (!addRows(out, capacity, { text: shown.text, indent: line.indent, number: ++number, gutter })) {
      truncated = true;
      break;
    }
  }
  const pages: string[][] = [];
  for (let i = 0; i < out.length; i += LINES_PER_PAGE) pages.push(out.slice(i, i + LINES_PER_PAGE));
  return { pages, truncated, replaced };
}

export interface TextFonts {
  mono: PDFFont;
  regular: PDFFont;
  bold: PDFFont;
}

const y = (mm: number) => A4.height - mm * MM;

/** Adds the laid-out pages to the document, each under the header line given; returns them. */
export function drawTextPages(doc: PDFDocument, layout: TextLayout, fonts: TextFonts, header: string, truncationNote: string): PDFPage[] {
  return layout.pages.map((lines, i) => {
    const page = doc.addPage([A4.width, A4.height]);
    page.drawText(header, { x: TEXT_PAGE.left * MM, y: y(TEXT_PAGE.headerBaseline), size: 8, font: fonts.regular });
    const ruleY = y(TEXT_PAGE.headerBaseline + 2.5);
    page.drawLine({ start: { x: TEXT_PAGE.left * MM, y: ruleY }, end: { x: A4.width - TEXT_PAGE.right * MM, y: ruleY }, thickness: 0.5, color: rgb(0.5, 0.5, 0.5) });
    page.drawText(lines.join('\n'), { x: TEXT_PAGE.left * MM, y: y(TEXT_PAGE.firstBaseline), size: TEXT_PAGE.size, font: fonts.mono, lineHeight: TEXT_PAGE.line * MM });
    if (layout.truncated && i === layout.pages.length - 1) {
      page.drawText(truncationNote, { x: TEXT_PAGE.left * MM, y: y(TEXT_PAGE.firstBaseline + (lines.length + 1) * TEXT_PAGE.line), size: 9, font: fonts.bold });
    }
    return page;
  });
}
