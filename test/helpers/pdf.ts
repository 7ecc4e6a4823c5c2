// Reads a PDF back the way a print centre's software would: text items with their positions
// (pdf.js), page count and embedded files.
import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

// pdf.js needs the standard fonts' metrics to place text drawn in Helvetica.
const standardFontDataUrl = path.join(path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep;

const MM = 72 / 25.4;

export interface PlacedText {
  text: string;
  /** millimetres from the page's left edge */
  xMm: number;
  /** millimetres from the page's top edge to the baseline */
  baselineMm: number;
  /** millimetres the text runs to the right */
  widthMm: number;
  /** font size in points */
  size: number;
}

export async function readPdf(bytes: Uint8Array) {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, standardFontDataUrl, isEvalSupported: false }).promise;
  try {
    const pages: PlacedText[][] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const height = page.view[3]!;
      const content = await page.getTextContent();
      pages.push(
        content.items
          .filter((i): i is Extract<typeof i, { str: string }> => 'str' in i && i.str.trim() !== '')
          .map((i) => ({ text: i.str, xMm: i.transform[4] / MM, widthMm: i.width / MM, baselineMm: (height - i.transform[5]) / MM, size: Math.hypot(i.transform[0], i.transform[1]) })),
      );
    }
    const attachments = ((await doc.getAttachments()) ?? {}) as Record<string, { filename: string; content: Uint8Array }>;
    return { numPages: doc.numPages, pages, attachments: Object.values(attachments).map((a) => ({ fileName: a.filename, content: Buffer.from(a.content) })) };
  } finally {
    await doc.destroy();
  }
}

/**
 * The lines of a page set in a monospace font, rebuilt from pdf.js's text items by their columns
 * (pdf.js splits a line into items at runs of spaces and drops leading blanks): top to bottom, only
 * the items at or right of leftMm and between the baselines given.
 */
export function monospaceLines(page: PlacedText[], o: { leftMm: number; charMm: number; fromMm: number; toMm: number }): string[] {
  const rows = new Map<number, PlacedText[]>();
  for (const t of page) {
    if (t.xMm < o.leftMm - 0.01 || t.baselineMm < o.fromMm - 0.01 || t.baselineMm > o.toMm + 0.01) continue;
    const key = Math.round(t.baselineMm * 10);
    rows.set(key, [...(rows.get(key) ?? []), t]);
  }
  return [...rows.keys()]
    .sort((a, b) => a - b)
    .map((key) => {
      let line = '';
      for (const t of rows.get(key)!.sort((a, b) => a.xMm - b.xMm)) {
        const col = Math.round((t.xMm - o.leftMm) / o.charMm);
        line = line.padEnd(col) + t.text;
      }
      return line;
    });
}
