// Pretty-indents XML for the printed letter, lazily and in one pass: a tokenizer that scans each
// character once and an indenter that looks at most two tokens ahead. It checks what printing
// needs (tags closed in order, one root, no stray text) and throws MalformedXml otherwise, so that
// the caller prints the text as it is. Entities, namespaces and the DTD are left as written.

/** A printed line: its text, and where a continuation of it starts (its indentation). */
export interface Line {
  text: string;
  indent: number;
}

export class MalformedXml extends Error {
  override name = 'MalformedXml';
}

interface Token {
  kind: 'open' | 'close' | 'empty' | 'text' | 'other';
  raw: string;
  name?: string;
}

/** Deeper nesting is printed at this depth: indentation stays a bounded share of the line. */
export const MAX_INDENT_DEPTH = 16;
const INDENT = '  ';

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** Index of the '>' ending the tag at i ('>' inside quoted attribute values does not count). */
function tagEnd(xml: string, i: number): number {
  let quote = 0;
  for (let j = i + 1; j < xml.length; j++) {
    const c = xml.charCodeAt(j);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return j;
    else if (c === 60) break;
  }
  throw new MalformedXml('unterminated tag');
}

/** Index of the '>' ending a declaration (<!DOCTYPE …>) at i, past its quotes and internal subset. */
function declarationEnd(xml: string, i: number): number {
  let quote = 0;
  let depth = 0;
  for (let j = i + 2; j < xml.length; j++) {
    const c = xml.charCodeAt(j);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 91) depth++;
    else if (c === 93) depth--;
    else if (c === 62 && depth <= 0) return j;
  }
  throw new MalformedXml('unterminated declaration');
}

/** Index just past the end marker of a comment, CDATA section or processing instruction. */
function sectionEnd(xml: string, i: number, open: string, close: string): number {
  const j = xml.indexOf(close, i + open.length);
  if (j < 0) throw new MalformedXml(`unterminated ${open}`);
  return j + close.length;
}

const NAME = /^[^\s"'<>=/!?]+$/;

function tag(raw: string): Token {
  if (raw[1] === '/') {
    const name = raw.slice(2, -1).trimEnd();
    if (!NAME.test(name)) throw new MalformedXml('bad end tag');
    return { kind: 'close', raw, name };
  }
  let end = 1;
  while (end < raw.length && !isSpace(raw.charCodeAt(end)) && raw[end] !== '/' && raw[end] !== '>') end++;
  const name = raw.slice(1, end);
  if (!NAME.test(name)) throw new MalformedXml('bad start tag');
  return { kind: raw[raw.length - 2] === '/' ? 'empty' : 'open', raw, name };
}

function* tokens(xml: string): Generator<Token> {
  let i = 0;
  while (i < xml.length) {
    let end: number;
    let kind: Token['kind'] = 'other';
    if (xml.charCodeAt(i) !== 60) {
      const lt = xml.indexOf('<', i);
      end = lt < 0 ? xml.length : lt;
      kind = 'text';
    } else if (xml.startsWith('<!--', i)) end = sectionEnd(xml, i, '<!--', '-->');
    else if (xml.startsWith('<![CDATA[', i)) [end, kind] = [sectionEnd(xml, i, '<![CDATA[', ']]>'), 'text'];
    else if (xml.startsWith('<?', i)) end = sectionEnd(xml, i, '<?', '?>');
    else if (xml.startsWith('<!', i)) end = declarationEnd(xml, i) + 1;
    else {
      end = tagEnd(xml, i) + 1;
      yield tag(xml.slice(i, end));
      i = end;
      continue;
    }
    yield { kind, raw: xml.slice(i, end) };
    i = end;
  }
}

/**
 * The lines of a piece of content at a depth, each trimmed, empty ones left out. Markup that runs
 * over several lines (a tag with its attributes on lines of their own, a comment) hangs: its
 * further lines go one step deeper; text keeps its depth.
 */
function* indented(depth: number, content: string, hang: boolean): Generator<Line> {
  const pad = INDENT.repeat(Math.min(depth, MAX_INDENT_DEPTH));
  const further = hang ? pad + INDENT : pad;
  for (let start = 0, first = true; start <= content.length; first = false) {
    const nl = content.indexOf('\n', start);
    const end = nl < 0 ? content.length : nl;
    const part = content.slice(start, end).trim();
    const lead = first ? pad : further;
    if (part !== '') yield { text: lead + part, indent: lead.length };
    start = end + 1;
  }
}

const blank = (t: Token | undefined) => t?.kind === 'text' && t.raw.trim() === '';

/** An element with nothing or one line of text in it, printed on one line: its tokens, else undefined. */
function oneLiner(open: Token, a: Token | undefined, b: Token | undefined): Token[] | undefined {
  if (a?.kind === 'close' && a.name === open.name) return [open, a];
  if (a?.kind !== 'text' || b?.kind !== 'close' || b.name !== open.name) return undefined;
  const text = a.raw.trim();
  return text.includes('\n') ? undefined : [open, { kind: 'text', raw: text }, b];
}

/** The document's lines, indented two spaces per level. Throws MalformedXml (perhaps after some lines). */
export function* xmlLines(xml: string): Generator<Line> {
  const source = tokens(xml);
  const ahead: Token[] = [];
  const peek = (k: number) => {
    while (ahead.length <= k) {
      const r = source.next();
      if (r.done) return undefined;
      ahead.push(r.value);
    }
    return ahead[k];
  };
  const stack: string[] = [];
  let rooted = false;
  for (let t = peek(0); t; t = peek(0)) {
    ahead.shift();
    if (t.kind === 'text' || t.kind === 'other') {
      if (stack.length === 0 && t.kind === 'text' && !blank(t)) throw new MalformedXml('text outside the root element');
      yield* indented(stack.length, t.raw, t.kind === 'other');
      continue;
    }
    if (t.kind !== 'close' && stack.length === 0 && rooted) throw new MalformedXml('a second root element');
    if (t.kind === 'close') {
      if (stack.pop() !== t.name) throw new MalformedXml(`unexpected </${t.name}>`);
      yield* indented(stack.length, t.raw, true);
    } else {
      const line = t.kind === 'open' ? oneLiner(t, peek(0), peek(1)) : [t];
      if (line) ahead.splice(0, line.length - 1);
      else stack.push(t.name!);
      yield* indented(line ? stack.length : stack.length - 1, (line ?? [t]).map((x) => x.raw).join(''), true);
    }
    rooted = true;
  }
  if (stack.length || !rooted) throw new MalformedXml(stack.length ? `<${stack.at(-1)}> not closed` : 'no root element');
}
