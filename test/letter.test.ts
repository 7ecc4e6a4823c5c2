// The print letter read back with pdf.js: the recipient's address must sit in the DIN 5008 window.
import { describe, expect, it } from 'vitest';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { renderLetter, WINDOW, type LetterInput, type Measure } from '../src/modules/delivery/letter.js';
import { readPdf, type PlacedText } from './helpers/pdf.js';

const PT = 25.4 / 72;

const base: LetterInput = {
  deliveryId: '6f1c2a9e-0000-4000-8000-000000000001',
  sender: { name: 'Stadt Lemgo – Stadtkasse', street: 'Marktplatz', houseNumber: '1', poBox: null, postcode: '32657', city: 'Lemgo' },
  recipient: { name: 'Stadt Detmold – Vollstreckungsstelle', street: 'Marktplatz', houseNumber: '5', poBox: null, postcode: '32756', city: 'Detmold' },
  reference: 'VH-4711/2026',
  messageType: '103',
  date: '22.11.2026',
  enclosure: { fileName: 'ruecknahme.xml', contentType: 'application/xml', bytes: Buffer.from('<xamtshilfe.103/>') },
};

/** The glyphs' box (baseline minus ascent, right edge) lies inside the zone. */
function inside(t: PlacedText, zone: { top: number; bottom: number }) {
  const capTop = t.baselineMm - t.size * 0.75 * PT;
  return t.xMm >= WINDOW.left && t.xMm + t.widthMm <= WINDOW.left + WINDOW.width && capTop >= zone.top && t.baselineMm <= zone.bottom;
}

const addressZone = { top: WINDOW.top + WINDOW.returnAddressHeight, bottom: WINDOW.top + WINDOW.height };
const returnZone = { top: WINDOW.top, bottom: WINDOW.top + WINDOW.returnAddressHeight };

/** Renders a letter with every free-text field made long by `long`; counts the characters measured. */
async function measuredLetter(long: (c: string) => string) {
  let chars = 0;
  const measure: Measure = (font, text, size) => {
    chars += text.length;
    return font.widthOfTextAtSize(text, size);
  };
  const letter = await renderLetter(
    {
      ...base,
      reference: long('R'),
      sender: { ...base.sender, name: long('S') },
      recipient: { ...base.recipient, name: long('N'), street: long('W'), city: long('C') },
      enclosure: { ...base.enclosure, fileName: `${long('F')}.xml` },
    },
    { measure },
  );
  return { chars, letter };
}

describe('print letter (DIN 5008 form B)', () => {
  it('puts the recipient in the address zone of the window, the sender above it, and names reference and message type', async () => {
    const letter = await renderLetter(base);
    const pdf = await readPdf(letter.pdf);
    expect(pdf.numPages).toBe(2); // the XML payload is printed on page 2 (test/print-text.test.ts)
    const [page] = pdf.pages;
    const recipient = page!.filter((t) => inside(t, addressZone));
    expect(recipient.map((t) => t.text)).toEqual(['Stadt Detmold – Vollstreckungsstelle', 'Marktplatz 5', '32756 Detmold']);
    // lines top to bottom, left-aligned at the window's inner margin
    expect(recipient.map((t) => t.baselineMm)).toEqual([...recipient.map((t) => t.baselineMm)].sort((a, b) => a - b));
    for (const t of recipient) expect(t.xMm).toBeCloseTo(WINDOW.left + WINDOW.inset, 1);
    expect(page!.filter((t) => inside(t, returnZone)).map((t) => t.text)).toEqual(['Stadt Lemgo – Stadtkasse · Marktplatz 1 · 32657 Lemgo']);
    // nothing else in the window
    expect(page!.filter((t) => t.baselineMm > WINDOW.top && t.baselineMm < WINDOW.top + WINDOW.height && t.xMm < WINDOW.left + WINDOW.width)).toHaveLength(4);
    const all = page!.map((t) => t.text).join('\n');
    expect(all).toContain('VH-4711/2026');
    expect(all).toContain('XAmtshilfe 103');
    expect(all).toContain('Rücknahme eines Vollstreckungsersuchens – Aktenzeichen VH-4711/2026');
    expect(all).toContain(base.deliveryId);
    expect(all).toContain('22.11.2026');
    // printed, and the file itself travels embedded in the PDF
    expect(letter.enclosure).toBe('TEXT');
    expect(pdf.attachments).toEqual([{ fileName: 'ruecknahme.xml', content: Buffer.from('<xamtshilfe.103/>') }]);
  });

  it('encloses a PDF payload as pages after the letter', async () => {
    const payload = await PDFDocument.create();
    const font = await payload.embedFont(StandardFonts.Helvetica);
    for (const n of [1, 2]) payload.addPage().drawText(`Ersuchen Seite ${n}`, { x: 50, y: 700, size: 12, font });
    const letter = await renderLetter({ ...base, messageType: '100', enclosure: { fileName: 'ersuchen.pdf', contentType: 'application/pdf', bytes: await payload.save() } });
    expect(letter).toMatchObject({ enclosure: 'PAGES', pages: 3 });
    const pdf = await readPdf(letter.pdf);
    expect(pdf.pages.map((p) => p.map((t) => t.text).find((s) => s.startsWith('Ersuchen Seite')))).toEqual([undefined, 'Ersuchen Seite 1', 'Ersuchen Seite 2']);
    expect(pdf.attachments).toEqual([]);
  });

  it('a PO box replaces the street; long names wrap at word boundaries; letters outside WinAnsi lose only their marks', async () => {
    const letter = await renderLetter({
      ...base,
      recipient: { name: 'Gemeindeverwaltung Chóśebuz/Cottbus – Vollstreckungsbehörde für Steuern, Gebühren und Beiträge', street: 'Neumarkt', houseNumber: '5', poBox: '10 12 34', postcode: '03046', city: 'Cottbus/Chóśebuz' },
    });
    const lines = (await readPdf(letter.pdf)).pages[0]!.filter((t) => inside(t, addressZone));
    // every line, however long, stays inside the window, and none is cut inside a word
    expect(lines.map((t) => t.text)).toEqual([
      'Gemeindeverwaltung Chósebuz/Cottbus –',
      'Vollstreckungsbehörde für Steuern, Gebühren',
      'und Beiträge',
      'Postfach 10 12 34',
      '03046 Cottbus/Chósebuz',
    ]);
  });

  it('an unreadable "PDF" payload is attached rather than failing the letter', async () => {
    const letter = await renderLetter({ ...base, enclosure: { fileName: 'broken.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.7 not really') } });
    expect(letter.enclosure).toBe('ATTACHED');
    expect((await readPdf(letter.pdf)).attachments.map((a) => a.fileName)).toEqual(['broken.pdf']);
  });

  it('fits long text in time linear in its length: a 100,000-character reference, name, address and file name', async () => {
    // What gets measured, counted in characters: the old loop re-measured the whole text per removed
    // character (100,000 characters: about 5·10⁹; the server froze for minutes).
    const measured = (n: number) => measuredLetter((c) => c.repeat(n));
    const small = await measured(10_000);
    expect(small.chars).toBeGreaterThan(0);
    const large = await measured(100_000);
    // Linear would allow ten times the small case; fitting measures only about what fits.
    expect(large.chars).toBeLessThanOrEqual(10 * small.chars);
    expect(large.chars).toBeLessThan(200_000);
    const lines = (await readPdf(large.letter.pdf)).pages[0]!;
    const recipient = lines.filter((t) => inside(t, addressZone));
    // a word wider than the window cannot be kept whole: it is cut with "…", the house number goes on the next line
    expect(recipient.map((t) => t.text)).toEqual([expect.stringMatching(/^N+…$/), expect.stringMatching(/^W+…$/), '5', expect.stringMatching(/^32756 C+…$/)]);
    for (const t of lines) expect(t.xMm + t.widthMm).toBeLessThanOrEqual(200); // every line ends inside the page
    expect(lines.map((t) => t.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^R+…$/), expect.stringMatching(/^Anlage: F+…$/)]));
  });

  it('wraps and shortens text of many words in time linear in its length, never inside a word', async () => {
    const words = (n: number) => (c: string) => `${c}${c}${c} `.repeat(n / 4);
    const small = await measuredLetter(words(10_000));
    const large = await measuredLetter(words(100_000));
    expect(large.chars).toBeLessThanOrEqual(10 * small.chars);
    expect(large.chars).toBeLessThan(200_000);
    const page = (await readPdf(large.letter.pdf)).pages[0]!;
    const recipient = page.filter((t) => inside(t, addressZone));
    expect(recipient.map((t) => t.text)).toEqual([
      // the name: its third line shortened at a word (the street takes two lines)
      ...Array(2).fill(expect.stringMatching(/^(NNN )*NNN$/)),
      expect.stringMatching(/^(NNN )*NNN…$/),
      expect.stringMatching(/^(WWW )*WWW$/),
      expect.stringMatching(/^(WWW )*WWW…$/),
      expect.stringMatching(/^32756 (CCC )*CCC…$/),
    ]);
    expect(page.filter((t) => inside(t, returnZone)).map((t) => t.text)).toEqual([expect.stringMatching(/^(SSS )*SSS… · Marktplatz 1 · 32657 Lemgo$/)]);
  });

  it('shortens the return address at a word boundary, keeping street and town', async () => {
    const name = 'Stadt Lemgo – Stadtkasse und Vollstreckungsbehörde für Steuern, Gebühren und Beiträge';
    const letter = await renderLetter({ ...base, sender: { ...base.sender, name } });
    const back = (await readPdf(letter.pdf)).pages[0]!.filter((t) => inside(t, returnZone)).map((t) => t.text);
    expect(back).toHaveLength(1);
    const [, kept] = /^(.+)… · Marktplatz 1 · 32657 Lemgo$/.exec(back[0]!)!;
    expect(name.startsWith(kept!)).toBe(true);
    expect(name[kept!.length]).toMatch(/[ ,–]/); // cut between words
    expect(kept!.length).toBeGreaterThan(15);
  });

  it('gives a long recipient up to six whole lines: the name wraps at words, street and town stay whole', async () => {
    const name = 'Landkreis Lippe – Der Landrat – Fachbereich Finanzen, Abteilung Vollstreckung und Kasse, Sachgebiet Amtshilfe für auswärtige Behörden, Außenstelle Lemgo, zu Händen Frau Dr. Beispiel-Mustermann, Zimmer 4.11';
    const letter = await renderLetter({ ...base, recipient: { ...base.recipient, name, street: 'Felix-Fechenbach-Straße', houseNumber: '5' } });
    const lines = (await readPdf(letter.pdf)).pages[0]!.filter((t) => inside(t, addressZone)).map((t) => t.text);
    expect(lines).toHaveLength(6);
    expect(lines.slice(-2)).toEqual(['Felix-Fechenbach-Straße 5', '32756 Detmold']);
    const printed = lines.slice(0, 4).join(' ');
    expect(printed.endsWith('…')).toBe(true);
    const kept = printed.slice(0, -1);
    expect(name.startsWith(kept)).toBe(true);
    expect(name[kept.length]).toMatch(/[ ,–]/);
  });
});
