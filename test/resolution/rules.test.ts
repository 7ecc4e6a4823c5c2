// Rule choice on a hand-built index: specificity, street rules with house-number ranges and
// parity, deactivated authorities, validity, tasks, equal rules, message types. No database.
import { describe, expect, it } from 'vitest';
import type { AuthorityRow, JurisdictionRow } from '../../src/modules/directory/directory-index.js';
import { AT, IndexBuilder, lippe, lookup, TASK } from './build-index.js';

const DETMOLD = { ags: '05766020', municipalityName: 'Detmold, Stadt' };
const BAHNHOF = { postcode: '32756', street: 'Bahnhofstraße' };
const address = (houseNumber: string | null, street = 'Bahnhofstraße') => ({ address: { street, houseNumber, postalCode: '32756', city: 'Detmold' } });
const most = (text: string, at = AT) => `Most specific for task ${TASK} on ${at}: ${text}.`;
const named = (a: AuthorityRow) => `${a.name} [${a.key}]`;

/** From the most specific scope to the least, each rule for its own authority. */
const CHAIN: [string, (b: IndexBuilder, a: AuthorityRow) => JurisdictionRow, string][] = [
  ['street range', (b, a) => b.rule(a, 'STREET', '05766020', { street: { ...BAHNHOF, from: 1, to: 99 } }), 'street Bahnhofstraße in 32756 05766020 no. 1–99'],
  ['street', (b, a) => b.rule(a, 'STREET', '05766020', { street: BAHNHOF }), 'street Bahnhofstraße in 32756 05766020'],
  ['municipality', (b, a) => b.rule(a, 'MUNICIPALITY', '05766020'), 'municipality 05766020'],
  ['association', (b, a) => b.rule(a, 'ASSOCIATION', '057660000'), 'association 057660000'],
  ['district', (b, a) => b.rule(a, 'DISTRICT', '05766'), 'district 05766'],
  ['government district', (b, a) => b.rule(a, 'GOVERNMENT_DISTRICT', '057'), 'government district 057'],
  ['state', (b, a) => b.rule(a, 'STATE', '05'), 'state 05'],
];

function chainFrom(first: number) {
  const b = lippe();
  const rules = CHAIN.slice(first).map(([name, add, scope]) => {
    const authority = b.authority(`auth:${name}`, { name: `Kasse ${name}` });
    const rule = add(b, authority);
    return { rule, authority, text: `rule #${rule.id} (${scope}, valid always–open) → ${named(authority)}` };
  });
  return { b, rules };
}

describe('specificity', () => {
  it('street range > street > municipality > association > district > government district > state', () => {
    const { b, rules } = chainFrom(0);
    const r = lookup(b, address('5'));
    expect(r).toMatchObject({ status: 'RESOLVED', ags: '05766020', authority: rules[0]!.authority, rule: rules[0]!.rule, warnings: [] });
    expect(r.explanation).toEqual([
      'Postcode 32756 belongs to Detmold, Stadt (05766020).',
      'City "Detmold" matches Detmold, Stadt (05766020).',
      ...rules.slice(1).map((x) => `Less specific: ${x.text}.`),
      most(rules[0]!.text),
    ]);
  });

  it.each(CHAIN.map(([name], i) => [name, i] as const))('without the more specific rules, the %s rule wins', (_name, i) => {
    const { b, rules } = chainFrom(i);
    const r = lookup(b, address('5'));
    expect(r.status).toBe('RESOLVED');
    expect(r.rule).toBe(rules[0]!.rule);
    expect(r.explanation.at(-1)).toBe(most(rules[0]!.text));
  });

  it('street rules need the street: a lookup by AGS or without a street gets the municipality rule', () => {
    const { b, rules } = chainFrom(1);
    expect(lookup(b, { ags: '05766020' }).rule).toBe(rules[1]!.rule);
    expect(lookup(b, address('5', 'Lange Straße')).rule).toBe(rules[1]!.rule);
    expect(lookup(b, { address: { street: 'Bahnhofstr.', postalCode: '32756' } }).rule).toBe(rules[0]!.rule);
  });

  it('a street rule under another postcode does not apply', () => {
    const b = lippe();
    const stadt = b.authority('ags:05766020');
    const other = b.authority('street:32758');
    b.rule(other, 'STREET', '05766020', { street: { postcode: '32758', street: 'Bahnhofstraße' } });
    const m = b.rule(stadt, 'MUNICIPALITY', '05766020');
    expect(lookup(b, address('5')).rule).toBe(m);
  });
});

describe('street rules by house number', () => {
  function street() {
    const b = lippe();
    const odd = b.authority('odd', { name: 'Odd side' });
    const even = b.authority('even', { name: 'Even side' });
    const whole = b.authority('street', { name: 'Whole street' });
    const stadt = b.authority('ags:05766020', { name: 'Stadtkasse Detmold' });
    const rules = {
      odd: b.rule(odd, 'STREET', '05766020', { street: { ...BAHNHOF, from: 1, to: 99, parity: 'ODD' } }),
      even: b.rule(even, 'STREET', '05766020', { street: { ...BAHNHOF, from: 2, to: 98, parity: 'EVEN' } }),
      whole: b.rule(whole, 'STREET', '05766020', { street: BAHNHOF }),
      municipality: b.rule(stadt, 'MUNICIPALITY', '05766020'),
    };
    return { b, odd, even, whole, stadt, rules };
  }

  it('odd and even numbers, suffixes and ranges go to their side', () => {
    const { b, odd, even, rules } = street();
    for (const n of ['13', '1', '99', '13-15', '13 b']) expect(lookup(b, address(n)).authority, n).toBe(odd);
    for (const n of ['12', '2', '98', '12a', '12 A', '12-14', '12 - 14']) expect(lookup(b, address(n)).authority, n).toBe(even);
    const r = lookup(b, address('13'));
    expect(r.explanation.at(-1)).toBe(most(`rule #${rules.odd.id} (street Bahnhofstraße in 32756 05766020 no. 1–99 odd, valid always–open) → Odd side [odd]`));
    expect(r.explanation).toContain(`Less specific: rule #${rules.whole.id} (street Bahnhofstraße in 32756 05766020, valid always–open) → Whole street [street].`);
  });

  it('a number outside every range, or a range across both sides, gets the whole-street rule', () => {
    const { b, whole, rules } = street();
    for (const n of ['101', '100', '13-14', '97-101']) {
      const r = lookup(b, address(n));
      expect(r.status, n).toBe('RESOLVED');
      expect(r.authority, n).toBe(whole);
      expect(r.rule, n).toBe(rules.whole);
    }
  });

  it('no house number where ranges exist: AMBIGUOUS, each range and the rest as candidates', () => {
    const { b, odd, even, whole, rules } = street();
    const r = lookup(b, address(null));
    expect(r).toMatchObject({ status: 'AMBIGUOUS', ags: '05766020', authority: null, rule: null, warnings: [] });
    expect(r.explanation).toEqual([
      'Postcode 32756 belongs to Detmold, Stadt (05766020).',
      'City "Detmold" matches Detmold, Stadt (05766020).',
      `Less specific: rule #${rules.municipality.id} (municipality 05766020, valid always–open) → Stadtkasse Detmold [ags:05766020].`,
      'The street has rules by house number; without a valid house number they cannot be decided.',
    ]);
    expect(r.candidates).toEqual([
      { ...DETMOLD, authority: odd, settleBy: 'a house number 1–99 (odd)' },
      { ...DETMOLD, authority: even, settleBy: 'a house number 2–98 (even)' },
      { ...DETMOLD, authority: whole, settleBy: 'a house number outside the ranges of the street rules' },
    ]);
  });

  it('a house number that is none: a warning, and AMBIGUOUS like no house number', () => {
    const { b } = street();
    const r = lookup(b, address('abc'));
    expect(r.status).toBe('AMBIGUOUS');
    expect(r.warnings).toEqual(['House number "abc" is not a house number; street rules with number ranges cannot apply.']);
    expect(r.candidates.map((c) => c.settleBy)).toEqual(['a house number 1–99 (odd)', 'a house number 2–98 (even)', 'a house number outside the ranges of the street rules']);
  });

  it('without a whole-street rule the candidates are the ranges and the municipality rule', () => {
    const b = lippe();
    const range = b.authority('range');
    const stadt = b.authority('ags:05766020');
    b.rule(range, 'STREET', '05766020', { street: { ...BAHNHOF, from: 1, to: 9 } });
    b.rule(stadt, 'MUNICIPALITY', '05766020');
    expect(lookup(b, address(null)).candidates).toEqual([
      { ...DETMOLD, authority: range, settleBy: 'a house number 1–9' },
      { ...DETMOLD, authority: stadt, settleBy: 'a house number outside the ranges of the street rules' },
    ]);
    expect(lookup(b, address('10')).authority).toBe(stadt);
  });
});

describe('which rules count', () => {
  it('a rule of a deactivated authority is skipped, and said so', () => {
    const b = lippe();
    const stadt = b.authority('ags:05766020', { name: 'Stadtkasse Detmold', status: 'INACTIVE' });
    const kreis = b.authority('kreis:05766', { name: 'Kreis Lippe' });
    const m = b.rule(stadt, 'MUNICIPALITY', '05766020');
    const d = b.rule(kreis, 'DISTRICT', '05766');
    const r = lookup(b, { ags: '05766020' });
    expect(r).toMatchObject({ status: 'RESOLVED', authority: kreis, rule: d });
    expect(r.explanation).toEqual([
      'AGS 05766020 is Detmold, Stadt (05766020).',
      `Skipped rule #${m.id} (municipality 05766020, valid always–open) → Stadtkasse Detmold [ags:05766020]: the authority is deactivated.`,
      most(`rule #${d.id} (district 05766, valid always–open) → Kreis Lippe [kreis:05766]`),
    ]);
  });

  it('a rule counts from validFrom (inclusive) until validTo (exclusive)', () => {
    const b = lippe();
    const old = b.authority('old', { name: 'Old' });
    const next = b.authority('new', { name: 'New' });
    const o = b.rule(old, 'MUNICIPALITY', '05766020', { validTo: '2026-01-01' });
    const n = b.rule(next, 'MUNICIPALITY', '05766020', { validFrom: '2026-01-01' });
    const before = lookup(b, { ags: '05766020', at: '2025-12-31' });
    expect(before.rule).toBe(o);
    expect(before.explanation.at(-1)).toBe(most(`rule #${o.id} (municipality 05766020, valid always–2026-01-01) → Old [old]`, '2025-12-31'));
    const on = lookup(b, { ags: '05766020', at: '2026-01-01' });
    expect(on.rule).toBe(n);
    expect(on.explanation.at(-1)).toBe(most(`rule #${n.id} (municipality 05766020, valid 2026-01-01–open) → New [new]`));
  });

  it('an unknown task: NO_JURISDICTION, the municipality still named', () => {
    const { b } = chainFrom(2);
    const r = lookup(b, { ags: '05766020', task: 'NOPE' });
    expect(r).toMatchObject({ status: 'NO_JURISDICTION', ags: '05766020', authority: null, rule: null, candidates: [] });
    expect(r.explanation).toEqual(['AGS 05766020 is Detmold, Stadt (05766020).', 'Task NOPE is not in the task list.']);
    expect(r.warnings).toEqual(['Task NOPE is not in the task list: no authority can be responsible for it.']);
  });

  it('a known task without a rule: NO_JURISDICTION for the municipality or the region', () => {
    const b = lippe(new IndexBuilder([TASK, 'OTHER']));
    b.rule(b.authority('kreis:05766'), 'DISTRICT', '05766', { task: 'OTHER' });
    const r = lookup(b, { ags: '05766020' });
    expect(r).toMatchObject({ status: 'NO_JURISDICTION', ags: '05766020' });
    expect(r.explanation.at(-1)).toBe(`No jurisdiction for task ${TASK} on ${AT} covers Detmold, Stadt (05766020).`);
    expect(lookup(b, { ags: '05766020', task: 'OTHER' }).status).toBe('RESOLVED');
    const region = lookup(b, { ars: '057' });
    expect(region).toMatchObject({ status: 'NO_JURISDICTION', ags: null, regionArs: '057' });
    expect(region.explanation).toEqual(['ARS 057 is government district Detmold.', `No jurisdiction for task ${TASK} on ${AT} covers region 057.`]);
  });

  it('two rules of equal specificity: AMBIGUOUS, both authorities as candidates', () => {
    const b = lippe();
    const a = b.authority('a');
    const c = b.authority('c');
    const r1 = b.rule(a, 'DISTRICT', '05766');
    const r2 = b.rule(c, 'DISTRICT', '05766');
    const r = lookup(b, { ags: '05766020' });
    expect(r).toMatchObject({ status: 'AMBIGUOUS', ags: '05766020', authority: null, rule: null });
    expect(r.explanation.at(-1)).toBe(`2 rules of equal specificity apply: #${r1.id}, #${r2.id}.`);
    expect(r.candidates).toEqual([
      { ...DETMOLD, authority: a, settleBy: 'a more precise address' },
      { ...DETMOLD, authority: c, settleBy: 'a more precise address' },
    ]);
  });

  it('two equal street rules say the postcode (and the range) settles them', () => {
    const b = lippe();
    const a = b.authority('a');
    const c = b.authority('c');
    b.rule(a, 'STREET', '05766020', { street: BAHNHOF });
    b.rule(c, 'STREET', '05766020', { street: BAHNHOF });
    expect(lookup(b, address('3')).candidates.map((x) => x.settleBy)).toEqual(['postcode 32756', 'postcode 32756']);
    b.rule(a, 'STREET', '05766020', { street: { ...BAHNHOF, from: 1, to: 9 } });
    b.rule(c, 'STREET', '05766020', { street: { ...BAHNHOF, from: 1, to: 9 } });
    const r = lookup(b, address('3'));
    expect(r.status).toBe('AMBIGUOUS');
    expect(r.candidates.map((x) => [x.authority, x.settleBy])).toEqual([
      [a, 'postcode 32756 and a house number 1–9'],
      [c, 'postcode 32756 and a house number 1–9'],
    ]);
  });
});

describe('message types', () => {
  // The lookup's step is route's decision for the instant (00:00 in Germany on the lookup's date).
  const MIDNIGHT = '2025-12-31T23:00:00.000Z';
  it('electronic only when the authority declares the type and its data centre can receive it', () => {
    const b = lippe();
    const krz = b.dataCenter('krz');
    b.tenant('lippe', krz);
    const cert = b.certificate(krz);
    const kreis = b.authority('kreis:05766', { messageTypes: ['100', '101'], tenantCode: 'lippe' });
    const stadt = b.authority('ags:05766044', { messageTypes: ['100'], standardVersion: null });
    b.rule(kreis, 'DISTRICT', '05766');
    b.rule(stadt, 'MUNICIPALITY', '05766044');
    const yes = lookup(b, { ags: '05766020', messageType: '100' });
    expect(yes.acceptsMessageType).toBe(true);
    expect(yes.electronicDelivery).toMatchObject({ electronic: true, channel: 'ELECTRONIC', endpointUrl: 'https://xta.krz.example/osci', certificate: cert });
    expect(yes.explanation.at(-1)).toBe(
      `XAmtshilfe message 100 goes electronically at ${MIDNIGHT}: kreis:05766 accepts 100 electronically via data centre krz (certificate ${cert.thumbprintSha256.slice(0, 16)}…, valid until 2029-12-29T00:00:00.000Z).`,
    );
    expect(yes.publicExplanation.at(-1)).toBe(`XAmtshilfe message 100 goes electronically at ${MIDNIGHT}: kreis:05766 accepts 100 electronically via data centre krz.`);
    const no = lookup(b, { ags: '05766020', messageType: '103' });
    expect(no.acceptsMessageType).toBe(false);
    expect(no.explanation.at(-1)).toBe(`XAmtshilfe message 103 goes by post at ${MIDNIGHT}: kreis:05766 does not accept 103 electronically; print to Marktplatz 1, 32756 Detmold.`);
    // Declaring the type is not enough: without a tenant in a data centre the message goes by post.
    const declared = lookup(b, { ags: '05766044', messageType: '100' });
    expect(declared.acceptsMessageType).toBe(false);
    expect(declared.electronicDelivery!.reasons.map((r) => r.text)).toEqual(['ags:05766044 has no tenant in a data centre', 'print to Marktplatz 1, 32756 Detmold']);
    const none = lookup(b, { ags: '05766020' });
    expect(none.acceptsMessageType).toBeNull();
    expect(none.electronicDelivery).toBeNull();
    expect(none.explanation.at(-1)).toMatch(/^Most specific/);
  });

  it("a data centre's problems: in full for insiders, as one public line for everyone else", () => {
    const b = lippe();
    const krz = b.dataCenter('krz', { status: 'INACTIVE', endpoints: [] });
    b.tenant('lippe', krz);
    b.certificate(krz, { revokedAt: new Date('2025-06-01T00:00:00Z'), revocationReason: 'key compromise' });
    b.rule(b.authority('kreis:05766', { tenantCode: 'lippe' }), 'DISTRICT', '05766');
    const r = lookup(b, { ags: '05766020', messageType: '100' });
    expect(r.acceptsMessageType).toBe(false);
    expect(r.electronicDelivery!.reasons.map((x) => x.text)).toEqual([
      'data centre krz is inactive',
      'data centre krz has no transport endpoint',
      'encryption certificate of krz was revoked on 2025-06-01T00:00:00.000Z (key compromise)',
      'print to Marktplatz 1, 32756 Detmold',
    ]);
    expect(r.publicExplanation.at(-1)).toBe(
      `XAmtshilfe message 100 goes by post at ${MIDNIGHT}: the recipient's data centre cannot receive electronically at the moment; print to Marktplatz 1, 32756 Detmold.`,
    );
    expect(r.publicExplanation.slice(0, -1)).toEqual(r.explanation.slice(0, -1));
  });
});
