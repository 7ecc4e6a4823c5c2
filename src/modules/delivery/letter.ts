// The print centre's letter: A4, DIN 5008 form B. The address zone is 85 × 45 mm at 20 mm from the
// left and 45 mm from the top; its upper 17.7 mm carry the return address, the lower 27.3 mm the
// recipient (up to six lines). After the cover letter comes the payload: a PDF as its own pages,
// XML and text printed (text-pages.ts), anything else only named; every payload but a PDF is also
// attached to the PDF as an embedded file.
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { A4, fit, fitting, MM, printable, shorten, widthOf, wrap, type Box, type Measure } from './letter-fit.js';
import { decodeText, layoutPayload, payloadKind } from './payload-text.js';
import { addressLines, type PostalParty } from './postal-party.js';
import { CONTINUATION, drawTextPages, layoutText, MAX_TEXT_PAGES, type TextFonts } from './text-pages.js';

export type { Measure } from './letter-fit.js';
export { addressLines, type PostalParty } from './postal-party.js';

/** DIN 5008 form B, in millimetres from the top-left corner of the page. */
export const WINDOW = { left: 20, top: 45, width: 85, height: 45, returnAddressHeight: 17.7, inset: 5 };
const RECIPIENT_LINES = 6;

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
  /**
   * how the payload travels: as its own pages (a PDF), printed as text and attached as a file, or
   * only attached as a file (named in the letter)
   */
  enclosure: 'PAGES' | 'TEXT' | 'ATTACHED';
  pages: number;
  /** TEXT only: the text went on beyond the pages allowed, and only its beginning is printed */
  truncated: boolean;
}

export interface RenderOptions {
  measure?: Measure;
  /** most pages of printed text (default MAX_TEXT_PAGES) */
  maxTextPages?: number;
}

interface Fonts extends TextFonts {
  measure: Measure;
}

const boxOf = (fonts: Fonts, size: number, widthMm: number, font: PDFFont = fonts.regular): Box => ({ measure: fonts.measure, font, size, widthPt: widthMm * MM });

/** Draws text as it is; x and the baseline in millimetres from the page's top-left corner. */
function put(page: PDFPage, b: Box, text: string, xMm: number, baselineMm: number): void {
  page.drawText(text, { x: xMm * MM, y: A4.height - baselineMm * MM, size: b.size, font: b.font });
}

/** One line of the return address; the sender's name gives way first (street and town bring an undeliverable letter back). */
export function returnAddress(b: Box, p: PostalParty): string {
  const [name = '', ...rest] = addressLines(p).map((l) => printable(b.font, l));
  const tail = rest.length ? ` · ${rest.join(' · ')}` : '';
  const whole = name + tail;
  if (fitting(b, whole) === whole.length) return whole;
  if (tail && fitting(b, tail, '') === tail.length) {
    const room = b.widthPt - b.measure(b.font, tail, b.size);
    if (room >= b.widthPt / 3) return shorten({ ...b, widthPt: room }, name) + tail;
  }
  return shorten(b, whole);
}

/** The recipient's lines, none cut inside a word: the name wraps, the street may take two lines, postcode and town one. */
export function recipientLines(b: Box, p: PostalParty): string[] {
  const lines = addressLines(p).map((l) => printable(b.font, l));
  const town = lines.pop();
  if (town === undefined) return [];
  const middle = lines.slice(1).flatMap((l) => wrap(b, l, 2));
  const name = lines.length ? wrap(b, lines[0]!, RECIPIENT_LINES - 1 - middle.length) : [];
  return [...name, ...middle, shorten(b, town)];
}

/** The address window (return address and recipient) and the information block beside it. */
function writeHead(page: PDFPage, fonts: Fonts, input: LetterInput): void {
  const x = WINDOW.left + WINDOW.inset;
  const inner = WINDOW.width - 2 * WINDOW.inset;
  // Return address: one small line at the bottom of the 17.7 mm band.
  const back = boxOf(fonts, 7, inner);
  put(page, back, returnAddress(back, input.sender), x, WINDOW.top + WINDOW.returnAddressHeight - 3);
  // Recipient: from the top of the 27.3 mm band, 4.23 mm (12 pt) per line, at most six lines.
  const to = boxOf(fonts, 10, inner);
  recipientLines(to, input.recipient).forEach((l, i) => put(page, to, l, x, WINDOW.top + WINDOW.returnAddressHeight + 5 + i * 4.23));

  // Information block, right of the window (DIN 5008: 125 mm from the left, from 50 mm down).
  const info: Array<[string, string]> = [
    ['Unser Zeichen', input.reference],
    ['Nachricht', `XAmtshilfe ${input.messageType}`],
    ['Sendungs-ID', input.deliveryId],
    ['Absender', input.sender.name],
    ['Datum', input.date],
  ];
  const label = boxOf(fonts, 7, 75);
  const value = boxOf(fonts, 9, 75);
  info.forEach(([l, v], i) => {
    put(page, label, fit(label, printable(label.font, l)), 125, 50 + i * 9);
    put(page, value, fit(value, printable(value.font, v)), 125, 54 + i * 9);
  });
}

/** What became of the payload. */
interface Enclosed {
  as: Letter['enclosure'];
  /** sentences on it for the letter's body */
  notes: string[];
  truncated: boolean;
  /** pages this letter drew (they get its footer), as opposed to a PDF payload's own pages */
  drawn: PDFPage[];
}

const germanNumber = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, '.');
const onPages = (from: number, to: number) => (from === to ? `auf Seite ${from}` : `auf den Seiten ${from} bis ${to}`);
const FROM_SENDER = 'Beim Absender ist sie unter Angabe von Aktenzeichen und Sendungs-ID als Datei erhältlich.';

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

/** Title and description are for viewers only: kept short, as pdf-lib encodes them slowly. */
const metadata = (text: string) => (text.length > 300 ? `${text.slice(0, 299)}…` : text);

async function attach(doc: PDFDocument, input: LetterInput): Promise<void> {
  await doc.attach(input.enclosure.bytes, input.enclosure.fileName, {
    mimeType: input.enclosure.contentType,
    description: metadata(`Anlage zu ${input.reference}`),
    creationDate: new Date(0),
    modificationDate: new Date(0),
  });
}

/** Prints a text payload as pages after the letter. */
function printText(doc: PDFDocument, fonts: Fonts, input: LetterInput, kind: 'xml' | 'text', text: string, maxPages: number): Enclosed {
  const { as, result: layout } = layoutPayload(kind, text, (lines) => layoutText(lines, fonts.mono, maxPages));
  const first = doc.getPageCount() + 1;
  const head = boxOf(fonts, 8, 175);
  const header = fit(head, printable(head.font, `Anlage ${input.enclosure.fileName} zu Aktenzeichen ${input.reference}`));
  const drawn = drawTextPages(doc, layout, fonts, header, `Abgedruckt sind die ersten ${maxPages} Seiten der Anlage; sie ist länger (siehe Seite 1).`);
  const how = as === 'xml' ? ', nach ihrer XML-Struktur eingerückt' : '';
  const notes = [`Ihr Inhalt ist ${onPages(first, first + drawn.length - 1)} abgedruckt${how}. Zu lange Zeilen sind umbrochen, ihre Fortsetzungen mit ${CONTINUATION} gekennzeichnet.`];
  if (as === 'malformed') notes.push('Die Datei ist kein wohlgeformtes XML und ist daher so abgedruckt, wie sie geschrieben ist.');
  if (layout.replaced) notes.push(`${germanNumber(layout.replaced)} Zeichen, die die Druckschrift nicht darstellen kann, sind als ? abgedruckt.`);
  if (layout.truncated) notes.push(`Die Anlage ist länger als ${maxPages} Seiten; abgedruckt ist nur ihr Anfang.`);
  return { as: 'TEXT', notes, truncated: layout.truncated, drawn };
}

/** Adds the payload: a PDF as pages, text printed and attached, anything else attached; says which. */
async function enclose(doc: PDFDocument, fonts: Fonts, input: LetterInput, options: RenderOptions): Promise<Enclosed> {
  const bytes = input.enclosure.bytes;
  const kind = payloadKind(input.enclosure.contentType);
  if (kind === 'pdf') {
    const pages = await enclosedPages(doc, bytes);
    if (pages) {
      for (const p of pages) doc.addPage(p);
      return { as: 'PAGES', notes: [`Sie folgt diesem Schreiben ${onPages(2, pages.length + 1)}.`], truncated: false, drawn: [] };
    }
  }
  const text = kind === 'xml' || kind === 'text' ? decodeText(bytes) : undefined;
  const why = kind === 'pdf' ? 'keine lesbare PDF-Datei' : kind === 'other' ? 'Dateien dieses Typs werden nicht abgedruckt' : 'kein Text in UTF-8';
  const enclosed: Enclosed =
    text === undefined
      ? { as: 'ATTACHED', notes: [`Sie kann nicht abgedruckt werden (${why}) und liegt der Druckdatei dieser Sendung als Datei bei.`], truncated: false, drawn: [] }
      : printText(doc, fonts, input, kind as 'xml' | 'text', text, options.maxTextPages ?? MAX_TEXT_PAGES);
  if (enclosed.as === 'TEXT') enclosed.notes.push('Die Datei liegt der Druckdatei dieser Sendung außerdem unverändert bei.');
  enclosed.notes.push(FROM_SENDER);
  await attach(doc, input);
  return enclosed;
}

/** Subject line and body of the cover letter: why it comes by post, and what is enclosed how. */
function writeBody(page: PDFPage, fonts: Fonts, input: LetterInput, enclosed: Enclosed): void {
  const title = MESSAGE_TYPE_TITLES[input.messageType] ?? `Nachricht ${input.messageType}`;
  const subject = boxOf(fonts, 11, 165, fonts.bold);
  put(page, subject, fit(subject, printable(subject.font, `${title} – Aktenzeichen ${input.reference}`)), 25, 103.4);
  const body = boxOf(fonts, 10, 165);
  const paragraph = (text: string) => wrap(body, printable(body.font, text), 4);
  const field = (label: string, value: string) => fit(body, printable(body.font, `${label}: ${value}`));
  const { fileName, contentType } = input.enclosure;
  const rows = [
    ...paragraph(`Die Nachricht XAmtshilfe ${input.messageType} (${title}) konnte nicht elektronisch zugestellt werden und wird Ihnen daher auf dem Postweg übermittelt.`),
    '',
    field('Anlage', fileName),
    field('Dateityp', contentType),
    field('Größe', `${germanNumber(input.enclosure.bytes.length)} Bytes`),
    '',
    ...enclosed.notes.flatMap(paragraph),
  ];
  rows.forEach((l, i) => put(page, body, l, 25, 115 + i * 5));
}

/** "Sendungs-ID …" and "Seite n von m" at the foot of every page the letter drew. */
function writeFooters(doc: PDFDocument, fonts: Fonts, input: LetterInput, drawn: Set<PDFPage>): void {
  const foot = boxOf(fonts, 8, 120);
  const id = fit(foot, printable(foot.font, `Sendungs-ID ${input.deliveryId}`));
  const pages = doc.getPages();
  pages.forEach((page, i) => {
    if (!drawn.has(page)) return;
    put(page, foot, id, 20, 289);
    const n = `Seite ${i + 1} von ${pages.length}`;
    put(page, foot, n, 195 - fonts.measure(foot.font, n, foot.size) / MM, 289);
  });
}

export async function renderLetter(input: LetterInput, options: RenderOptions = {}): Promise<Letter> {
  const doc = await PDFDocument.create();
  doc.setTitle(metadata(`XAmtshilfe ${input.messageType} – ${input.reference}`));
  doc.setCreator('behoerdenverzeichnis');
  doc.setCreationDate(new Date(0)); // deterministic output; the letter carries its own date
  doc.setModificationDate(new Date(0));
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.Courier),
    measure: options.measure ?? widthOf,
  };
  const cover = doc.addPage([A4.width, A4.height]);
  writeHead(cover, fonts, input);
  const enclosed = await enclose(doc, fonts, input, options);
  writeBody(cover, fonts, input, enclosed);
  writeFooters(doc, fonts, input, new Set([cover, ...enclosed.drawn]));
  const pdf = await doc.save();
  return { pdf, enclosure: enclosed.as, pages: doc.getPageCount(), truncated: enclosed.truncated };
}
