// Cuts physical lines into candidate CSV records, so that one malformed record costs one row and
// never the rest of the file. A record ends at the first line end after which its quotes are
// balanced; for well-formed RFC 4180 text that is exactly where the record ends, and the record is
// then parsed by csv-parse. When a record spanning several lines cannot be read (an unterminated
// quote, a stray quote that unbalanced the count), it is reported on its first line and reading
// resumes on the next line: later rows are kept. Work stays linear: the lines after a failed
// record's first line can only be re-read once, because a record only spans lines while its quote
// count is odd.
import type { TextLine } from './csv-lines.js';

export type CsvRow = { line: number; fields: string[] } | { line: number; error: string };
/** A single-line record still to be parsed (in a batch), or a finished row. */
export type Framed = { line: number; text: string } | CsvRow;
/** Parses one record's text: its fields, or why it is not one record. */
export type ParseOne = (text: string) => { fields: string[] } | { reason: string };

const quoteCount = (s: string) => {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
};

export class RecordFramer {
  private lines: TextLine[] = [];
  private chars = 0;
  private open = false;

  constructor(
    private readonly max: number,
    private readonly parseOne: ParseOne,
    private readonly out: (item: Framed) => void,
  ) {}

  push(line: TextLine): void {
    // A stack, not a queue: lines handed back are re-read before those that follow them.
    const stack = [line];
    while (stack.length) {
      const back = this.take(stack.pop()!);
      for (let i = back.length - 1; i >= 0; i--) stack.push(back[i]!);
    }
  }

  /** At the end of the text a record still open has an unterminated quote. */
  end(): void {
    while (this.lines.length) {
      for (const l of this.abandon()) this.push(l);
    }
  }

  /** Takes one line; returns lines to read again. */
  private take(l: TextLine): TextLine[] {
    if (!this.lines.length) {
      if (l.overLong) {
        this.out({ line: l.n, error: `line is longer than ${this.max} characters` });
        return [];
      }
      if (l.text === '') return []; // blank line
    }
    this.lines.push(l);
    this.chars += l.text.length + l.eol.length;
    if (quoteCount(l.text) % 2 === 1) this.open = !this.open;
    if (l.overLong || this.chars > this.max) {
      return this.abandon(this.open ? undefined : `record is longer than ${this.max} characters`);
    }
    return this.open ? [] : this.complete();
  }

  private complete(): TextLine[] {
    const lines = this.reset();
    const first = lines[0]!;
    if (lines.length === 1) {
      this.out({ line: first.n, text: first.text });
      return [];
    }
    const text = lines.map((l, i) => (i < lines.length - 1 ? l.text + l.eol : l.text)).join('');
    const r = this.parseOne(text);
    if ('fields' in r) {
      this.out({ line: first.n, fields: r.fields });
      return [];
    }
    this.out({ line: first.n, error: r.reason });
    return lines.slice(1);
  }

  /** Reports the record on its first line and hands back the lines after it. Without a reason: its
   * first line has an odd number of quotes, so on its own csv-parse says what is wrong with it. */
  private abandon(reason?: string): TextLine[] {
    const lines = this.reset();
    const alone = reason === undefined ? this.parseOne(lines[0]!.text) : { reason };
    this.out({ line: lines[0]!.n, error: 'reason' in alone ? alone.reason : 'unterminated quoted field' });
    return lines.slice(1);
  }

  private reset(): TextLine[] {
    const lines = this.lines;
    this.lines = [];
    this.chars = 0;
    this.open = false;
    return lines;
  }
}
