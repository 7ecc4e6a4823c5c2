// XML and text payloads printed on paper, read back with pdf.js: XML indented, long lines wrapped
// and marked, as many pages as needed (up to a bound), unknown types named with size.
import { describe, expect, it } from 'vitest';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { renderLetter, type LetterInput } from '../src/modules/delivery/letter.js';
import { payloadKind, plainLines } from '../src/modules/delivery/payload-text.js';
import { COLUMNS, layoutText, MAX_TEXT_PAGES, TEXT_PAGE } from '../src/modules/delivery/text-pages.js';
import { MAX_INDENT_DEPTH, xmlLines, type Line } from '../src/modules/delivery/xml-indent.js';
import { monospaceLines, readPdf, type PlacedText } from './helpers/pdf.js';

const PT = 25.4 / 72;

const base: LetterInput = {
  deliveryId: '6f1c2a9e-0000-4000-8000-000000000015',
  sender: { name: 'Stadt Lemgo – Stadtkasse', street: 'Marktplatz', houseNumber: '1', poBox: null, postcode: '32657', city: 'Lemgo' },
  recipient: { name: 'Stadt Detmold – Vollstreckungsstelle', street: 'Marktplatz', houseNumber: '5', poBox: null, postcode: '32756', city: 'Detmold' },
  reference: 'VH-4711/2026',
  messageType: '100',
  date: '22.11.2026',
  enclosure: { fileName: 'ersuchen.xml', contentType: 'application/xml', bytes: Buffer.from('<x/>') },
};

const render = (fileName: string, contentType: string, content: string | Uint8Array, maxTextPages?: number) =>
  renderLetter({ ...base, enclosure: { fileName, contentType, bytes: typeof content === 'string' ? Buffer.from(content) : content } }, { maxTextPages });

/** The printed rows of a text page: gutter (line number or "»") and content. */
function rows(page: PlacedText[]): Array<{ gutter: string; text: string }> {
  const lines = monospaceLines(page, { leftMm: TEXT_PAGE.left, charMm: 0.6 * TEXT_PAGE.size * PT, fromMm: TEXT_PAGE.firstBaseline, toMm: TEXT_PAGE.lastBaseline });
  return lines.map((l) => {
    const m = /^ *(\d+|»)(?: (.*))?$/.exec(l);
    if (!m) throw new Error(`not a printed row: ${JSON.stringify(l)}`);
    return { gutter: m[1]!, text: m[2] ?? '' };
  });
}

/** Every text page's rows, one after the other. */
const allRows = (pages: PlacedText[][]) => pages.slice(1).flatMap(rows);

/** The cover letter's text, one string per line, in the order read. */
const coverText = (pages: PlacedText[][]) => pages[0]!.map((t) => t.text);

/** Header and footer of a drawn page. */
const frame = (page: PlacedText[]) => page.filter((t) => t.baselineMm < TEXT_PAGE.firstBaseline - 2 || t.baselineMm > TEXT_PAGE.lastBaseline + 2).map((t) => t.text);

describe('printed XML and text payloads', () => {
  it('prints XML indented by its structure, after the cover letter, and still attaches the file', async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<xamtshilfe.vollstreckungsersuchen.0100 xmlns="urn:xoev-de:xamtshilfe:1.1"><nachrichtenkopf><referenz>VH-4711/2026</referenz></nachrichtenkopf>' +
      '<schuldner><name>Erika Mustermann</name><anschrift><strasse>Hauptstraße 1</strasse>\n   <ort>32756 Detmold</ort></anschrift></schuldner><forderung betrag="1234.56" waehrung="EUR"/><!-- Ende --></xamtshilfe.vollstreckungsersuchen.0100>\n';
    const letter = await render('ersuchen.xml', 'application/xml', xml);
    expect(letter).toMatchObject({ enclosure: 'TEXT', pages: 2, truncated: false });
    const pdf = await readPdf(letter.pdf);
    expect(rows(pdf.pages[1]!)).toEqual(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<xamtshilfe.vollstreckungsersuchen.0100 xmlns="urn:xoev-de:xamtshilfe:1.1">',
        '  <nachrichtenkopf>',
        '    <referenz>VH-4711/2026</referenz>',
        '  </nachrichtenkopf>',
        '  <schuldner>',
        '    <name>Erika Mustermann</name>',
        '    <anschrift>',
        '      <strasse>Hauptstraße 1</strasse>',
        '      <ort>32756 Detmold</ort>',
        '    </anschrift>',
        '  </schuldner>',
        '  <forderung betrag="1234.56" waehrung="EUR"/>',
        '  <!-- Ende -->',
        '</xamtshilfe.vollstreckungsersuchen.0100>',
      ].map((text, i) => ({ gutter: String(i + 1), text })),
    );
    expect(frame(pdf.pages[1]!)).toEqual(['Anlage ersuchen.xml zu Aktenzeichen VH-4711/2026', `Sendungs-ID ${base.deliveryId}`, 'Seite 2 von 2']);
    expect(frame(pdf.pages[0]!)).toEqual(expect.arrayContaining([`Sendungs-ID ${base.deliveryId}`, 'Seite 1 von 2']));
    const cover = coverText(pdf.pages).join('\n');
    expect(cover).toContain('Anlage: ersuchen.xml\nDateityp: application/xml\nGröße: 417 Bytes');
    expect(cover).toContain('Ihr Inhalt ist auf Seite 2 abgedruckt, nach ihrer XML-Struktur eingerückt.');
    expect(pdf.attachments).toEqual([{ fileName: 'ersuchen.xml', content: Buffer.from(xml) }]);
  });

  it('wraps long lines at the page width, marks their continuations, and runs on over as many pages as needed', async () => {
    const original = Array.from({ length: 100 }, (_, i) => `Zeile ${i + 1}: ${'Forderungsaufstellung '.repeat(9)}Ende`);
    const letter = await render('aufstellung.txt', 'text/plain', `${original.join('\r\n')}\r\n`);
    const pdf = await readPdf(letter.pdf);
    // 100 lines of 210 to 212 characters: three rows each, 65 rows a page.
    expect(letter).toMatchObject({ enclosure: 'TEXT', pages: 1 + Math.ceil(300 / 65), truncated: false });
    expect(pdf.numPages).toBe(6);
    const printed = allRows(pdf.pages);
    expect(printed).toHaveLength(300);
    for (const r of printed) expect(6 + r.text.length).toBeLessThanOrEqual(COLUMNS); // gutter and text on the line
    expect(printed.map((r) => r.gutter)).toEqual(original.flatMap((_, i) => [String(i + 1), '»', '»']));
    // Every character printed once, in order: rows joined again give the text.
    const rejoined: string[] = [];
    for (const r of printed) {
      if (r.gutter === '»') rejoined[rejoined.length - 1] += r.text;
      else rejoined.push(r.text);
    }
    expect(rejoined).toEqual(original);
    pdf.pages.slice(1).forEach((page, i) => expect(frame(page)).toEqual(['Anlage aufstellung.txt zu Aktenzeichen VH-4711/2026', `Sendungs-ID ${base.deliveryId}`, `Seite ${i + 2} von 6`]));
    expect(coverText(pdf.pages).join(' ')).toContain('Ihr Inhalt ist auf den Seiten 2 bis 6 abgedruckt. Zu lange Zeilen sind umbrochen, ihre Fortsetzungen mit » gekennzeichnet.');
  });

  it('continues a wrapped XML line at its indentation; deep nesting is indented at most a bounded depth', async () => {
    const value = 'x'.repeat(200);
    const letter = await render('tief.xml', 'text/xml', `<a><b><c>${value}</c></b></a>`);
    const printed = rows((await readPdf(letter.pdf)).pages[1]!);
    expect(printed.map((r) => r.text)).toEqual(['<a>', '  <b>', `    <c>${value.slice(0, 78)}`, `    ${value.slice(78, 159)}`, `    ${value.slice(159)}</c>`, '  </b>', '</a>']);
    expect(printed.map((r) => r.gutter)).toEqual(['1', '2', '3', '»', '»', '4', '5']);
    const deep = [...xmlLines('<e>'.repeat(100) + '</e>'.repeat(100))];
    expect(Math.max(...deep.map((l) => l.indent))).toBe(2 * MAX_INDENT_DEPTH);
    expect(deep).toHaveLength(199); // the innermost <e></e> on one line
  });

  it('prints XML that is not well-formed as it is written, and says so', async () => {
    const text = '<a><b>offen</a>\n   zweite Zeile  \n\n<c>';
    const letter = await render('kaputt.xml', 'application/vnd.xamtshilfe+xml', text);
    const pdf = await readPdf(letter.pdf);
    expect(rows(pdf.pages[1]!)).toEqual([
      { gutter: '1', text: '<a><b>offen</a>' },
      { gutter: '2', text: '   zweite Zeile' },
      { gutter: '3', text: '' },
      { gutter: '4', text: '<c>' },
    ]);
    expect(coverText(pdf.pages).join(' ')).toContain('Die Datei ist kein wohlgeformtes XML und ist daher so abgedruckt, wie sie geschrieben ist.');
  });

  it('prints characters the standard font lacks as "?" and counts them on the letter', async () => {
    const letter = await render('namen.txt', 'text/plain', 'Łódź – 😀 ok\tTab');
    const pdf = await readPdf(letter.pdf);
    expect(rows(pdf.pages[1]!)).toEqual([{ gutter: '1', text: '?ód? – ? ok Tab' }]);
    expect(coverText(pdf.pages)).toContain('3 Zeichen, die die Druckschrift nicht darstellen kann, sind als ? abgedruckt.');
  });

  it('prints at most the pages allowed, says on the last one and on the letter that the text goes on, and attaches the whole file', async () => {
    const text = Array.from({ length: 1000 }, (_, i) => `Position ${i + 1}`).join('\n');
    const letter = await render('lang.txt', 'text/plain', text, 2);
    expect(letter).toMatchObject({ enclosure: 'TEXT', pages: 3, truncated: true });
    const pdf = await readPdf(letter.pdf);
    const printed = allRows(pdf.pages.map((p) => p.filter((t) => !t.text.startsWith('Abgedruckt'))));
    expect(printed.at(-1)).toEqual({ gutter: String(printed.length), text: `Position ${printed.length}` });
    expect(printed.length).toBeGreaterThan(100);
    expect(pdf.pages[2]!.map((t) => t.text)).toContain('Abgedruckt sind die ersten 2 Seiten der Anlage; sie ist länger (siehe Seite 1).');
    expect(coverText(pdf.pages).join(' ')).toContain('Die Anlage ist länger als 2 Seiten; abgedruckt ist nur ihr Anfang.');
    expect(pdf.attachments).toEqual([{ fileName: 'lang.txt', content: Buffer.from(text) }]);
  });

  it('lays out only what it prints: an endless text ends at the page limit, by default 500 pages', async () => {
    const courier = await (await PDFDocument.create()).embedFont(StandardFonts.Courier);
    let read = 0;
    function* endless(): Generator<Line> {
      for (;;) yield { text: `${++read} ${'y'.repeat(300)}`, indent: 0 };
    }
    const layout = layoutText(endless(), courier, 3);
    expect(layout).toMatchObject({ truncated: true, pages: { length: 3 } });
    expect(read).toBeLessThanOrEqual(3 * 65);
    // 10 MB of text: MAX_TEXT_PAGES pages, and the rest left unread
    const big = layoutText(plainLines('Zeile mit etwas Text\n'.repeat(500_000)), courier);
    expect(big).toMatchObject({ truncated: true, pages: { length: MAX_TEXT_PAGES } });
    expect(MAX_TEXT_PAGES).toBe(500);
  });

  it('names a payload it cannot print with file name, type and size, and attaches it', async () => {
    const bytes = new Uint8Array(12_345).map((_, i) => (i * 7) % 256);
    const letter = await render('foto.png', 'image/png', bytes);
    expect(letter).toMatchObject({ enclosure: 'ATTACHED', pages: 1 });
    const pdf = await readPdf(letter.pdf);
    const cover = coverText(pdf.pages);
    expect(cover).toEqual(expect.arrayContaining(['Anlage: foto.png', 'Dateityp: image/png', 'Größe: 12.345 Bytes']));
    expect(cover.join(' ')).toContain('Sie kann nicht abgedruckt werden (Dateien dieses Typs werden nicht abgedruckt) und liegt der Druckdatei dieser Sendung als Datei bei.');
    expect(pdf.attachments).toEqual([{ fileName: 'foto.png', content: Buffer.from(bytes) }]);
  });

  it('attaches "text" that is not UTF-8 instead of printing garbage', async () => {
    const letter = await render('latin1.txt', 'text/plain', Buffer.from('Stra\xdfe', 'latin1'));
    expect(letter).toMatchObject({ enclosure: 'ATTACHED', pages: 1 });
    expect(coverText((await readPdf(letter.pdf)).pages).join(' ')).toContain('(kein Text in UTF-8)');
  });

  it('decides by content type', () => {
    expect(['application/pdf', 'application/xml', 'text/xml', 'application/soap+xml', 'TEXT/PLAIN', 'text/csv', 'application/octet-stream', 'image/png'].map(payloadKind)).toEqual([
      'pdf', 'xml', 'xml', 'xml', 'text', 'text', 'other', 'other',
    ]);
  });
});
