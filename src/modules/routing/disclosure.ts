// How a delivery's stored reasons and attempt details read for a sender (CLIENT): the same facts
// without endpoint URLs, server paths, dispatcher names or a data centre's internals. Stored text is
// matched against the wordings the server writes; anything not recognised is withheld, not guessed safe.
import { publicReasonOf } from '../directory/delivery-decision.js';

/** Said instead of a text that is not recognised as safe to show. */
export const WITHHELD = 'further details are kept for the operators';

const RECEIVER: Record<string, string> = { endpoint: "the recipient's data centre", 'print centre': 'the print centre' };

type Rule = [RegExp, (m: RegExpExecArray) => string];

const DETAIL_RULES: Rule[] = [
  [/^handed off to .* \(HTTP (\d{3})\), encrypted for \S+; receipt verified$/, (m) => `handed off to the recipient's data centre (HTTP ${m[1]}), receipt verified`],
  [/^handed off to .* \(HTTP (\d{3})\), encrypted for \S+; no valid receipt, /, (m) => `handed off to the recipient's data centre (HTTP ${m[1]}) without a valid receipt`],
  [/^handed off to .* \(HTTP (\d{3})\), encrypted for \S+$/, (m) => `handed off to the recipient's data centre (HTTP ${m[1]})`],
  [/^spooled to .* \((\d+) pages\)$/, (m) => `handed to the print centre (${m[1]} pages)`],
  [/^posted to the print centre \(HTTP \d{3}\)$/, (m) => m[0]],
  [/^(endpoint|print centre) answered HTTP (\d{3})( redirecting)?/, (m) => `${RECEIVER[m[1]!]} answered HTTP ${m[2]}${m[3] ? ', a redirect, which is not followed' : ''}`],
  [/^(endpoint|print centre) did not answer within (\d+) ms$/, (m) => `${RECEIVER[m[1]!]} did not answer within ${m[2]} ms`],
  [/^(endpoint|print centre) unreachable: /, (m) => `${RECEIVER[m[1]!]} could not be reached`],
  [/^(endpoint|print centre) not contacted: /, (m) => `${RECEIVER[m[1]!]} was not contacted: its address is refused by the outbound policy`],
  [/^no longer deliverable electronically: ([^]*)$/, (m) => `no longer deliverable electronically: ${publicDeliveryReasons(m[1]!.split('; ')).join('; ')}`],
  [/^the hand-off took longer than \d+ ms and was aborted$/, (m) => m[0]],
  [/^the hand-off worker crashed: it stopped with exit code -?\d+$/, (m) => m[0]],
  [/^the hand-off worker crashed: /, () => 'the hand-off worker crashed'],
  [/^did not finish: .* ran out at (\S+) without a booking/, (m) => `did not finish: the hand-off was interrupted at ${m[1]} (the server stopped or hung)`],
  [/^(recipient|sender) \S+ is not in the directory$/, (m) => m[0]],
  [/^the payload was already deleted by retention$/, (m) => m[0]],
];

function firstMatch(rules: Rule[], text: string): string | null {
  for (const [re, word] of rules) {
    const m = re.exec(text);
    if (m) return word(m);
  }
  return null;
}

/** An attempt's detail as a sender reads it. */
export function publicAttemptDetail(a: { channel: string; ok: boolean; detail: string }): string {
  const known = firstMatch(DETAIL_RULES, a.detail);
  if (known) return known;
  const to = a.channel === 'PRINT' ? 'the print centre' : "the recipient's data centre";
  return a.ok ? `handed off to ${to}` : `the hand-off to ${to} failed; ${WITHHELD}`;
}

const failedDetail = (detail: string) => publicAttemptDetail({ channel: '', ok: false, detail });

const REASON_RULES: Rule[] = [
  [/^(Failed after \d+ attempts; the last: )([^]*)$/, (m) => m[1] + failedDetail(m[2]!)],
  [/^(Quarantined after \d+ hand-offs in a row that crashed, timed out or did not finish; the last: )([^]*)$/, (m) => m[1] + failedDetail(m[2]!)],
];

/** Reasons stored with a delivery (its decision's, then why it failed) as a sender reads them. */
export function publicDeliveryReasons(texts: string[]): string[] {
  const out = texts.map((t) => publicReasonOf(t) ?? firstMatch(REASON_RULES, t) ?? WITHHELD);
  return out.filter((l, i) => out.indexOf(l) === i);
}
