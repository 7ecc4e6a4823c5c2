// The print centre's letter: A4, DIN 5008 form B. The address zone is 85 × 45 mm at 20 mm from the
// left and 45 mm from the top; its upper 17.7 mm carry the return address, the lower 27.3 mm the
// recipient (up to six lines). A PDF payload is enclosed as pages after the letter; anything else
// is attached to the PDF as an embedded file and named in the letter.
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';

const MM = 72 / 25.4;
const A4 = { width: 210 * MM, height: 297 * MM };

/** DIN 5008 form B, in millimetres from the top-left corner of the page. */
export const WINDOW = { left: 20, top: 45, width: 85, height: 45, returnAddressHeight: 17.7, inset: 5 };

export const MESSAGE_TYPE_TITLES: Record<string, string> = {
  '100': 'Vollstreckungsersuchen',
  '101': 'Änderung eines Vollstreckungsersuchens',
  '102': 'Aussetzung eines Vollstreckungsersuchens',
  '103': 'Rücknahme eines Vollstreckungsersuchens',
  '104': 'Rückgabe eines Vollstreckungsersuchens',
  '105': 'Sachstandsmitteilung',
  '106': 'Reaktion auf eine Rückgabe',
  '999': 'Mitteilung',
};

export interface PostalParty {
  name: string;
  street: string | null;
  houseNumber: string | null;
  poBox: string | null;
  postcode: string;
  city: string;
}

export interface LetterInput {
  deliveryId: string;
  sender: PostalParty;
  recipient: PostalParty;
  reference: string;
  messageType: string;
  /** the letter's date, already formatted (dd.mm.yyyy) */
  date: string;
  enclosure: { fileName: string; contentType: string; bytes: Uint8Array };
}

export interface Letter {
  pdf: Uint8Array;
  /** how the payload travels: as printed pages, or as a file embedded in the PDF */
  enclosure: 'PAGES' | 'ATTACHED';
  pages: number;
}

export function addressLines(p: PostalParty): string[] {
  const streetLine = p.poBox ? `Postfach ${p.poBox}` : [p.street, p.houseNumber].filter(Boolean).join(' ');
  return [p.name, streetLine, `${p.postcode} ${p.city}`].filter((l) => l.trim() !== '');
}

/** Standard fonts carry WinAnsi only: other letters (Sorbian ł, ě …) lose their marks rather than fail. */
function printable(font: PDFFont, text: string): string {
  const known = new Set(font.getCharacterSet());
  return [...text]
    .map((ch) => {
      if (known.has(ch.codePointAt(0)!)) return ch;
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      const plain = ({ ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ø: 'o', Ø: 'O' } as Record<string, string>)[base] ?? base;
      return [...plain].every((c) => known.has(c.codePointAt(0)!)) ? plain : '?';
    })
    .join('');
}

/** Width of text in points; injectable so a test can count how much text gets measured. */
export type Measure = (font: PDFFont, text: string, size: number) => number;

const widthOf: Measure = (font, text, size) => font.widthOfTextAtSize(text, size);

/**
 * Shortens text with an ellipsis to the longest prefix that fits the width. Text is long only when
 * an authority's data or a file number is hostile or broken: the prefix doubles until it overflows,
 * then a binary search narrows the cut, so what is measured stays a small multiple of what fits
 * (the old character-by-character loop re-measured the whole text per character: quadratic).
 */
function fit(measure: Measure, font: PDFFont, size: number, text: string, widthPt: number): string {
  // printable() leaves WinAnsi characters only, so slicing never splits a surrogate pair.
  const fits = (n: number) => measure(font, `${text.slice(0, n)}…`, size) <= widthPt;
  let lo = 1; // a fitting length (at least one character is always kept)
  let hi = 16;
  while (hi < text.length && fits(hi)) [lo, hi] = [hi, hi * 2];
  if (hi >= text.length) {
    if (measure(font, text, size) <= widthPt) return text;
    hi = text.length;
  }
  // fits(lo) (or lo = 1), not fits(hi): narrow down to the last length that fits.
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return `${text.slice(0, lo)}…`;
}

function writer(page: PDFPage, font: PDFFont, measure: Measure) {
  /** x and top in millimetres from the page's top-left corner; top is the baseline's distance */
  return (text: string, xMm: number, baselineMm: number, size: number, maxWidthMm: number, f: PDFFont = font) => {
    page.drawText(fit(measure, f, size, printable(f, text), maxWidthMm * MM), { x: xMm * MM, y: A4.height - baselineMm * MM, size, font: f });
  };
}

/** The payload's pages, copied into the letter; undefined when it is not a readable PDF. */
async function enclosedPages(doc: PDFDocument, bytes: Uint8Array) {
  try {
    const enclosed = await PDFDocument.load(bytes, { updateMetadata: false });
    const pages = await doc.copyPages(enclosed, enclosed.getPageIndices());
    return pages.length ? pages : undefined;
  } catch {
    return undefined;
  }
}

type Write = ReturnType<typeof writer>;

/** The address window (return address and recipient) and the information block beside it. */
function writeHead(text: Write, input: LetterInput): void {
  const x = WINDOW.left + WINDOW.inset;
  const inner = WINDOW.width - 2 * WINDOW.inset;
  // Return address: one small line at the bottom of the 17.7 mm band.
  const back = addressLines(input.sender).join(' · ');
  text(back, x, WINDOW.top + WINDOW.returnAddressHeight - 3, 7, inner);
  // Recipient: from the top of the 27.3 mm band, 4.23 mm (12 pt) per line, at most six lines.
  const lines = addressLines(input.recipient).slice(0, 6);
  lines.forEach((l, i) => text(l, x, WINDOW.top + WINDOW.returnAddressHeight + 5 + i * 4.23, 10, inner));

  // Information block, right of the window (DIN 5008: 125 mm from the left, from 50 mm down).
  const info: Array<[string, string]> = [
    ['Unser Zeichen', input.reference],
    ['Nachricht', `XAmtshilfe ${input.messageType}`],
    ['Sendungs-ID', input.deliveryId],
    ['Absender', input.sender.name],
    ['Datum', input.date],
  ];
  info.forEach(([label, value], i) => {
    text(label, 125, 50 + i * 9, 7, 75);
    text(value, 125, 54 + i * 9, 9, 75);
  });
}

/** Title and description are for viewers only: kept short, as pdf-lib encodes them slowly. */
const metadata = (text: string) => (text.length > 300 ? `${text.slice(0, 299)}…` : text);

/** Adds the payload as pages, or else as an embedded file; says which in the letter's body. */
async function enclose(doc: PDFDocument, input: LetterInput, body: string[]): Promise<Letter['enclosure']> {
  const pages = input.enclosure.contentType === 'application/pdf' ? await enclosedPages(doc, input.enclosure.bytes) : undefined;
  if (pages) {
    body.push('Die Anlage ist diesem Schreiben beigefügt.');
    for (const p of pages) doc.addPage(p);
    return 'PAGES';
  }
  body.push('Die Anlage ist dieser Sendung als Datei beigefügt.');
  await doc.attach(input.enclosure.bytes, input.enclosure.fileName, {
    mimeType: input.enclosure.contentType,
    description: metadata(`Anlage zu ${input.reference}`),
    creationDate: new Date(0),
    modificationDate: new Date(0),
  });
  return 'ATTACHED';
}

export interface RenderOptions {
  measure?: Measure;
}

export async function renderLetter(input: LetterInput, options: RenderOptions = {}): Promise<Letter> {
  const doc = await PDFDocument.create();
  doc.setTitle(metadata(`XAmtshilfe ${input.messageType} – ${input.reference}`));
  doc.setCreator('behoerdenverzeichnis');
  doc.setCreationDate(new Date(0)); // deterministic output; the letter carries its own date
  doc.setModificationDate(new Date(0));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([A4.width, A4.height]);
  const text = writer(page, font, options.measure ?? widthOf);
  writeHead(text, input);

  const title = MESSAGE_TYPE_TITLES[input.messageType] ?? `Nachricht ${input.messageType}`;
  text(`${title} – Aktenzeichen ${input.reference}`, 25, 103.4, 11, 165, bold);
  const size = input.enclosure.bytes.length;
  const body = [
    `Die Nachricht XAmtshilfe ${input.messageType} (${title}) konnte nicht elektronisch zugestellt werden`,
    'und wird Ihnen daher auf dem Postweg übermittelt.',
    '',
    `Anlage: ${input.enclosure.fileName} (${input.enclosure.contentType}, ${size} Bytes)`,
  ];
  const enclosure = await enclose(doc, input, body);
  body.forEach((l, i) => text(l, 25, 115 + i * 5, 10, 165));
  const pdf = await doc.save();
  return { pdf, enclosure, pages: doc.getPageCount() };
}
