// Physical lines of a text that arrives in chunks: ended by LF, CRLF or CR. A line longer than `max`
// characters is reported as over-long and its text dropped, so memory stays bounded whatever arrives.

export interface TextLine {
  /** 1-based line number */
  n: number;
  text: string;
  /** the line ending as found ('' for a last line without one) */
  eol: string;
  overLong: boolean;
}

const EOL = /\r\n|\r|\n/g;

export class LineSplitter {
  private part = '';
  private overLong = false;
  private pendingCr = false;
  private n = 0;

  constructor(private readonly max: number) {}

  /** Appends the lines that `chunk` completes to `out`. */
  push(chunk: string, out: TextLine[]): void {
    let from = 0;
    if (this.pendingCr && chunk.length) {
      this.pendingCr = false;
      const crlf = chunk[0] === '\n';
      if (crlf) from = 1;
      out.push(this.take(crlf ? '\r\n' : '\r'));
    }
    EOL.lastIndex = from;
    for (let m = EOL.exec(chunk); m; m = EOL.exec(chunk)) {
      this.add(chunk.slice(from, m.index));
      from = EOL.lastIndex;
      // A CR at the end of a chunk may be the first half of a CRLF.
      if (m[0] === '\r' && from === chunk.length) {
        this.pendingCr = true;
        return;
      }
      out.push(this.take(m[0]));
    }
    this.add(chunk.slice(from));
  }

  /** The last line, if the text does not end with a line ending. */
  end(out: TextLine[]): void {
    if (this.pendingCr) {
      this.pendingCr = false;
      out.push(this.take('\r'));
    } else if (this.part || this.overLong) out.push(this.take(''));
  }

  private add(s: string): void {
    if (this.overLong || !s) return;
    if (this.part.length + s.length > this.max) {
      this.overLong = true;
      this.part = '';
    } else this.part += s;
  }

  private take(eol: string): TextLine {
    const line = { n: ++this.n, text: this.part, eol, overLong: this.overLong };
    this.part = '';
    this.overLong = false;
    return line;
  }
}
