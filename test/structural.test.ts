// Structural changes through time: planned, applied on their date (job, catch-up, twice), forwarded
// lookups, the change feed, the concurrency guard, and the 2022 → 2025 editions end to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openPostgres, queryRows, type Database } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { structuralChangesJob } from '../src/jobs/definitions.js';
import { createAuthority } from '../src/modules/authorities/authorities.service.js';
import { Directory } from '../src/modules/directory/directory.js';
import { createJurisdiction } from '../src/modules/jurisdictions/jurisdictions.service.js';
import { lookupOne, type RawLookupInput } from '../src/modules/jurisdictions/lookup.js';
import { applyDueStructuralChanges } from '../src/modules/structural/apply.js';
import { feedAfter, municipalityHistory, upcomingChanges } from '../src/modules/structural/history.js';
import { cancelStructuralChange, confirmProposal, listChanges, planStructuralChange, type PlanInput } from '../src/modules/structural/plan.js';
import { loadDemoSeed } from '../seed/load.js';
import { gql, makeKeys, reloadDirectoryOf, testApp, token } from './helpers/app.js';
import { engines, forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import { directoryVersion } from '../src/modules/directory/version.js';
import { regions, structuralChanges } from '../src/db/schema.js';

const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };
const addr = (city: string, postalCode: string) => ({ street: 'Rathausplatz', houseNumber: '1', postalCode, city });

async function world(database: Database, clock: ManualClock) {
  const directory = new Directory(database, { pollMs: 0 });
  const ctx = makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory });
  await loadDemoSeed(database.db, clock, testActor);
  for (const [key, name, pc] of [
    ['ags:05766012', 'Stadt Barntrup', '32683'],
    ['ags:05766024', 'Gemeinde Dörentrup', '32694'],
    ['ags:05766044', 'Stadt Lemgo', '32657'],
    ['ags:05766064', 'Gemeinde Schlangen', '33189'],
    ['kreis:05766', 'Kreis Lippe', '32756'],
  ] as const) {
    await createAuthority(ctx, { key, kind: 'ENFORCEMENT', name, postalAddress: addr(name.split(' ').at(-1)!, pc) });
  }
  for (const [authorityKey, level, key] of [
    ['ags:05766012', 'MUNICIPALITY', '05766012'],
    ['ags:05766024', 'MUNICIPALITY', '05766024'],
    ['ags:05766044', 'MUNICIPALITY', '05766044'],
    ['ags:05766064', 'MUNICIPALITY', '05766064'],
    ['kreis:05766', 'DISTRICT', '05766'],
  ] as const) {
    await createJurisdiction(ctx, { authorityKey, scope: { level, key } });
  }
  return { directory, ctx };
}

const nordlippe: PlanInput = {
  kind: 'MERGER',
  effectiveDate: '2027-01-01',
  predecessors: ['05766012', '05766024'],
  // Barntrup and Dörentrup are Verbände of their own: the plan must say which one (or a new one) Nordlippe joins.
  successors: [{ ags: '05766070', name: 'Nordlippe, Stadt', associationArs: '057660012' }],
  policies: [{ task: 'VOLLSTRECKUNGSHILFE', mode: 'FROM_PREDECESSOR', predecessorAgs: '05766012' }],
  sourceReference: 'GV. NRW. 2026 S. 123 (test)',
};

forEachEngine('structural changes', (engine) => {
  let database: Database;
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  let w: Awaited<ReturnType<typeof world>>;
  const look = async (input: RawLookupInput) => lookupOne(await w.directory.get(), input, '2026-11-22');
  const authorityOf = async (input: RawLookupInput) => (await look(input)).authority?.key ?? null;
  const count = async (table: string) => Number((await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);

  beforeAll(async () => {
    database = await engine.open();
    w = await world(database, clock);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('refuses bad plans with the field and reason, and writes nothing', async () => {
    const before = await count('structural_changes');
    const bad: [Partial<PlanInput>, RegExp][] = [
      [{ predecessors: ['05766012', '0576602'] }, /input.predecessors\[1\]: "0576602" is not an AGS/],
      [{ predecessors: ['05766012', '05766999'] }, /input.predecessors\[1\]: 05766999 is not a municipality in the register on 2026-12-31/],
      [{ predecessors: ['05766012'] }, /input.predecessors: a MERGER has 2 or more predecessors, got 1/],
      [{ successors: [{ ags: '05766020', name: 'X' }] }, /input.successors\[0\].ags: 05766020 is not free: it is Detmold, Stadt on 2026-12-31/],
      [{ policies: [] }, /input.policies: 05766012 has jurisdictions for task VOLLSTRECKUNGSHILFE on 2026-12-31; say how/],
      [{ policies: [{ task: 'VOLLSTRECKUNGSHILFE', mode: 'AUTHORITY', authorityKey: 'ags:nope' }] }, /input.policies\[0\].authorityKey: no authority with key ags:nope/],
      [{ successors: [{ ags: '05766070', name: 'N', associationArs: '057770012' }] }, /associationArs: 057770012 is not in district 05766/],
    ];
    for (const [change, message] of bad) await expect(planStructuralChange(w.ctx, { ...nordlippe, ...change })).rejects.toThrow(message);
    expect(await count('structural_changes')).toBe(before);
  });

  it('plans a merger; a second change on the same municipality and date is a CONFLICT; upcoming changes list it', async () => {
    const c = await planStructuralChange(w.ctx, nordlippe);
    expect(c).toMatchObject({ status: 'PLANNED', kind: 'MERGER', effectiveDate: '2027-01-01', successors: [{ ags: '05766070', associationArs: '057660012' }] });
    await expect(
      planStructuralChange(w.ctx, { kind: 'INCORPORATION', effectiveDate: '2027-01-01', predecessors: ['05766024'], successors: [{ ags: '05766044', name: 'Lemgo, Stadt' }], policies: [{ task: 'VOLLSTRECKUNGSHILFE', mode: 'KEEP_SUCCESSOR' }] }),
    ).rejects.toThrow(`Municipality 05766024 is already part of structural change #${c.id} on 2027-01-01`);
    expect((await upcomingChanges(database.db, clock, 30)).map((u) => u.id)).toEqual([]);
    expect((await upcomingChanges(database.db, clock, 60)).map((u) => u.id)).toEqual([c.id]);
    // more kinds, all on 2027-01-01 unless said otherwise
    await planStructuralChange(w.ctx, { kind: 'RENAME', effectiveDate: '2027-01-01', predecessors: ['05766004'], successors: [{ ags: '05766004', name: 'Augustdorf, Stadt' }] });
    await planStructuralChange(w.ctx, { kind: 'REKEY', effectiveDate: '2027-01-01', predecessors: ['05766064'], successors: [{ ags: '05766099', name: 'Schlangen' }] });
    await planStructuralChange(w.ctx, {
      kind: 'SPLIT',
      effectiveDate: '2027-01-01',
      predecessors: ['05766028'],
      successors: [{ ags: '05766081', name: 'Extertal-Nord' }, { ags: '05766082', name: 'Extertal-Süd' }],
    });
    await planStructuralChange(w.ctx, {
      kind: 'INCORPORATION',
      effectiveDate: '2027-02-01',
      predecessors: ['05766036'],
      successors: [{ ags: '05766044', name: 'Lemgo, Stadt' }],
    });
    const cancelled = await planStructuralChange(w.ctx, { kind: 'RENAME', effectiveDate: '2027-01-01', predecessors: ['05766016'], successors: [{ ags: '05766016', name: 'Blomberg, Nelkenstadt' }] });
    expect((await cancelStructuralChange(w.ctx, cancelled.id, 1)).status).toBe('CANCELLED');
    await expect(cancelStructuralChange(w.ctx, cancelled.id, 2)).rejects.toThrow(/is CANCELLED; this needs PLANNED/);
  });

  it('nothing applies before the date; lookups answer as before', async () => {
    clock.set('2026-12-31T22:59:00Z'); // 23:59 on 31 December in Germany
    const run = await structuralChangesJob(database, clock, w.directory).execute();
    expect(run).toEqual({ ran: true, applied: [] });
    expect(await authorityOf({ ags: '05766024', at: '2027-01-05' })).toBe('ags:05766024');
  });

  it('applies on the date (job after midnight, German time): regions, postcodes, jurisdictions, successions', async () => {
    clock.set('2026-12-31T23:05:00Z'); // 00:05 on 1 January in Germany
    const run = (await structuralChangesJob(database, clock, w.directory).execute()) as { applied: number[] };
    expect(run.applied).toHaveLength(4); // merger, rename, rekey, split; the incorporation is due in February
    // the register: predecessors end, the successor begins
    const h = await municipalityHistory(database.db, '05766024');
    expect(h.versions.map((v) => [v.validFrom, v.validTo])).toEqual([[null, '2027-01-01']]);
    expect(h.successors.map((s) => [s.newAgs, s.effectiveDate, s.kind])).toEqual([['05766070', '2027-01-01', 'MERGER']]);
    const n = await municipalityHistory(database.db, '05766070');
    expect(n.versions.map((v) => [v.name, v.ars, v.validFrom, v.validTo])).toEqual([['Nordlippe, Stadt', '057660012070', '2027-01-01', null]]);
    expect(n.predecessors.map((s) => s.oldAgs).sort()).toEqual(['05766012', '05766024']);
    expect((await municipalityHistory(database.db, '05766004')).versions.map((v) => v.name)).toEqual(['Augustdorf', 'Augustdorf, Stadt']);
  });

  it('lookups by old key, old postcode and old address are forwarded after the date and unchanged before it', async () => {
    const after = await look({ ags: '05766024', at: '2027-01-01' });
    expect(after).toMatchObject({ status: 'RESOLVED', ags: '05766070', forwardedFrom: { ags: '05766024', name: 'Dörentrup', successorAgs: '05766070', kind: 'MERGER', effectiveDate: '2027-01-01' } });
    expect(after.authority?.key).toBe('ags:05766012'); // FROM_PREDECESSOR Barntrup
    expect(after.explanation.join(' ')).toMatch(/AGS 05766024 \(Dörentrup\) was replaced on 2027-01-01 by structural change #\d+ \(MERGER\)/);
    const before = await look({ ags: '05766024', at: '2026-12-31' });
    expect(before).toMatchObject({ status: 'RESOLVED', ags: '05766024', forwardedFrom: null });
    expect(before.authority?.key).toBe('ags:05766024');
    const byPostcode = await look({ postalCode: '32694', at: '2027-03-01' });
    expect(byPostcode).toMatchObject({ status: 'RESOLVED', ags: '05766070', forwardedFrom: { ags: '05766024' } });
    const byAddress = await look({ address: { street: 'Hauptstraße', houseNumber: '3', postalCode: '32694', city: 'Dörentrup' }, at: '2027-03-01' });
    expect(byAddress).toMatchObject({ status: 'RESOLVED', ags: '05766070', forwardedFrom: { ags: '05766024' } });
    expect(byAddress.authority?.key).toBe('ags:05766012');
    expect((await look({ address: { postalCode: '32694', city: 'Dörentrup' }, at: '2026-06-01' })).forwardedFrom).toBeNull();
    // REKEY carries the municipality's own rules to the new key
    expect(await look({ ags: '05766064', at: '2027-01-02' })).toMatchObject({ ags: '05766099', authority: { key: 'ags:05766064' }, forwardedFrom: { kind: 'REKEY' } });
    // a split key cannot be forwarded to one municipality: the address decides
    const split = await look({ ags: '05766028', at: '2027-01-02' });
    expect(split.status).toBe('AMBIGUOUS');
    expect(split.candidates.map((c) => c.ags)).toEqual(['05766081', '05766082']);
    expect(split.candidates.map((c) => c.authority?.key)).toEqual(['kreis:05766', 'kreis:05766']);
  });

  it('applying again changes nothing; the catch-up after downtime applies what fell due meanwhile', async () => {
    const snapshot = async () => [await count('regions'), await count('postal_codes'), await count('jurisdictions'), await count('key_successions'), await count('directory_changes')];
    const s1 = await snapshot();
    expect(await applyDueStructuralChanges(database.db, clock, '2027-01-01', testActor)).toEqual({ ran: true, applied: [] });
    expect(await snapshot()).toEqual(s1);
    // the server was down from 31 January to 3 March: on start-up the job catches up
    clock.set('2027-03-03T08:00:00Z');
    const run = (await structuralChangesJob(database, clock, w.directory).execute()) as { applied: number[] };
    expect(run.applied).toHaveLength(1);
    expect(await look({ ags: '05766036', at: '2027-02-01' })).toMatchObject({ ags: '05766044', authority: { key: 'ags:05766044' }, forwardedFrom: { kind: 'INCORPORATION' } });
    expect(await look({ ags: '05766036', at: '2027-01-31' })).toMatchObject({ ags: '05766036', authority: { key: 'kreis:05766' }, forwardedFrom: null });
    const [applied] = await listChanges(database.db, { status: 'APPLIED', from: '2027-02-01', to: '2027-02-01', limit: 10 });
    expect(applied).toMatchObject({ kind: 'INCORPORATION', appliedBy: 'job:structural-changes', result: { successions: 1 } });
    await expect(cancelStructuralChange(w.ctx, applied!.id, applied!.version)).rejects.toThrow(/is APPLIED; this needs PLANNED/);
  });

  it('a partial transfer moves the listed postcode on its date; both municipalities remain', async () => {
    const plan = { kind: 'PARTIAL_TRANSFER' as const, effectiveDate: '2027-04-01', predecessors: ['05766020'], successors: [{ ags: '05766040', name: 'Lage, Stadt' }] };
    await expect(planStructuralChange(w.ctx, plan)).rejects.toThrow(/input.transfers: a PARTIAL_TRANSFER names the postcodes or streets that move/);
    await expect(planStructuralChange(w.ctx, { ...plan, transfers: [{ postcode: '32791', toAgs: '05766040' }] })).rejects.toThrow(/input.transfers\[0\].postcode: 32791 is not a postcode of 05766020 on 2027-03-31/);
    await planStructuralChange(w.ctx, { ...plan, transfers: [{ postcode: '32760', toAgs: '05766040' }] });
    clock.set('2027-03-31T21:59:00Z'); // 23:59 in Germany (summer time)
    expect(await structuralChangesJob(database, clock, w.directory).execute()).toEqual({ ran: true, applied: [] });
    clock.set('2027-03-31T22:05:00Z');
    expect(((await structuralChangesJob(database, clock, w.directory).execute()) as { applied: number[] }).applied).toHaveLength(1);
    expect(await look({ postalCode: '32760', at: '2027-03-31' })).toMatchObject({ ags: '05766020', forwardedFrom: null });
    expect(await look({ postalCode: '32760', at: '2027-04-01' })).toMatchObject({ ags: '05766040', forwardedFrom: null });
    expect(await look({ postalCode: '32756', at: '2027-04-01' })).toMatchObject({ ags: '05766020' });
    expect(await look({ ags: '05766020', at: '2027-04-01' })).toMatchObject({ status: 'RESOLVED', ags: '05766020', forwardedFrom: null });
    expect((await municipalityHistory(database.db, '05766020')).successors).toEqual([]);
  });

  it('the change feed lists every change to regions, jurisdictions and authorities in order, with a stable cursor', async () => {
    const all = await feedAfter(database.db, null, 100_000);
    expect(all.length).toBeGreaterThan(20);
    expect(new Set(all.map((r) => r.entity))).toEqual(new Set(['REGION', 'JURISDICTION', 'AUTHORITY']));
    const paged = [];
    for (let after: [number, number] | null = null; ; ) {
      const page = await feedAfter(database.db, after, 7);
      if (!page.length) break;
      paged.push(...page);
      after = [page.at(-1)!.version, page.at(-1)!.seq];
    }
    expect(paged.map((r) => r.seq)).toEqual(all.map((r) => r.seq));
    const merged = all.filter((r) => r.entity === 'REGION' && r.entityKey === '05766070');
    expect(merged.map((r) => r.operation)).toEqual(['INSERT']);
    // a new change appears after the last cursor
    const last = all.at(-1)!;
    await createAuthority(w.ctx, { key: 'ags:05766070', kind: 'ENFORCEMENT', name: 'Stadt Nordlippe', postalAddress: addr('Nordlippe', '32683') });
    const next = await feedAfter(database.db, [last.version, last.seq], 10);
    expect(next.map((r) => [r.entity, r.operation, r.entityKey])).toEqual([['AUTHORITY', 'INSERT', 'ags:05766070']]);
    expect(next[0]!.data).not.toHaveProperty('webhook_secret');
  });
});

forEachEngine('structural changes over GraphQL', (engine) => {
  let database: Database;
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  let app: ReturnType<typeof testApp>;
  let adminToken: string;
  let clientToken: string;
  let managerToken: string;

  beforeAll(async () => {
    database = await engine.open();
    await world(database, clock);
    const keys = await makeKeys();
    app = testApp(database, clock, keys);
    adminToken = await token(keys, { role: 'ADMIN', now: clock.now(), expiresIn: 3600 * 24 * 400 });
    clientToken = await token(keys, { role: 'CLIENT', scope: 'ags:05766044', now: clock.now(), expiresIn: 3600 * 24 * 400 });
    managerToken = await token(keys, { role: 'TENANT_MANAGER', scope: 'lippe', now: clock.now(), expiresIn: 3600 * 24 * 400 });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('plans, lists, applies and forwards; a CLIENT may read but not plan', async () => {
    const PLAN = `mutation($i: PlanStructuralChangeInput!) { planStructuralChange(input: $i) { id status kind effectiveDate successors { ags name associationArs } version } }`;
    const denied = await gql(app, PLAN, { i: nordlippe }, clientToken);
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Only ADMIN plans: the rule lives in the access table, so a tenant manager is refused before the service.
    const manager = await gql(app, PLAN, { i: nordlippe }, managerToken);
    expect(manager.body.errors?.[0]?.message).toBe('Role TENANT_MANAGER may not use Mutation.planStructuralChange; it needs ADMIN');
    const planned = await gql(app, PLAN, { i: nordlippe }, adminToken);
    expect(planned.body.errors).toBeUndefined();
    const bad = await gql(app, PLAN, { i: { ...nordlippe, effectiveDate: '2027-01-01', predecessors: ['05766012', 'x'] } }, adminToken);
    expect(bad.body.errors?.[0]).toMatchObject({ message: 'input.predecessors[1]: "x" is not an AGS: expected 8 digits', extensions: { code: 'BAD_USER_INPUT' } });
    const upcoming = await gql(app, `{ upcomingStructuralChanges(days: 60) { id kind predecessors } }`, {}, clientToken);
    expect(upcoming.body.data).toEqual({ upcomingStructuralChanges: [{ id: expect.any(String), kind: 'MERGER', predecessors: ['05766012', '05766024'] }] });
    const early = await gql(app, `mutation { applyDueStructuralChanges(at: "2027-01-01") { ran } }`, {}, adminToken);
    expect(early.body.errors?.[0]?.message).toMatch(/2027-01-01 is in the future/);
    clock.set('2027-01-01T08:00:00Z');
    const applied = await gql(app, `mutation { applyDueStructuralChanges(at: "2027-01-01") { ran applied { id status result } } }`, {}, adminToken);
    expect(applied.body.data).toMatchObject({ applyDueStructuralChanges: { ran: true, applied: [{ status: 'APPLIED' }] } });
    const looked = await gql(
      app,
      `{ responsibleAuthority(input: { ags: "05766024" }) { status authority { key } municipality { ags name } forwardedFrom { ags name successorAgs kind effectiveDate changeId } } }`,
      {},
      clientToken,
    );
    expect(looked.body.data).toEqual({
      responsibleAuthority: {
        status: 'RESOLVED',
        authority: { key: 'ags:05766012' },
        municipality: { ags: '05766070', name: 'Nordlippe, Stadt' },
        forwardedFrom: { ags: '05766024', name: 'Dörentrup', successorAgs: '05766070', kind: 'MERGER', effectiveDate: '2027-01-01', changeId: expect.any(String) },
      },
    });
    const history = await gql(app, `{ municipalityHistory(ags: "05766024") { versions { name validFrom validTo } successors { newAgs effectiveDate } } }`, {}, clientToken);
    expect(history.body.data).toEqual({ municipalityHistory: { versions: [{ name: 'Dörentrup', validFrom: null, validTo: '2027-01-01' }], successors: [{ newAgs: '05766070', effectiveDate: '2027-01-01' }] } });
    const feed1 = await gql(app, `{ directoryChanges(first: 3) { nodes { cursor entity operation key } pageInfo { hasNextPage endCursor } } }`, {}, clientToken);
    const p1 = feed1.body.data!.directoryChanges as { nodes: { cursor: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(p1.nodes).toHaveLength(3);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const feed2 = await gql(app, `query($a: String) { directoryChanges(after: $a, first: 2) { nodes { cursor } } }`, { a: p1.pageInfo.endCursor }, clientToken);
    const all = await gql(app, `{ directoryChanges(first: 5) { nodes { cursor } } }`, {}, clientToken);
    const cursors = (nodes: { cursor: string }[]) => nodes.map((n) => n.cursor);
    expect(cursors([...p1.nodes, ...(feed2.body.data!.directoryChanges as { nodes: { cursor: string }[] }).nodes])).toEqual(
      cursors((all.body.data!.directoryChanges as { nodes: { cursor: string }[] }).nodes),
    );
  });
});

const LOOK = `query($i: JurisdictionInput!) {
  responsibleAuthority(input: $i) {
    status warnings authority { key } forwardedFrom { ags kind }
    municipality { ags name association { ars name validFrom parent { ars } } }
    plannedChanges { changeId kind status effectiveDate predecessors { ags name } successors { ags name } }
  }
}`;

/** A world whose GraphQL app shares the services' in-memory directory, so both see each change at once. */
async function worldWithApp(engine: { open(): Promise<Database> }, clock: ManualClock) {
  const database = await engine.open();
  const w = await world(database, clock);
  const keys = await makeKeys();
  const app = testApp(database, clock, keys, ['ES256'], { directory: w.directory });
  const adminToken = await token(keys, { role: 'ADMIN', now: clock.now(), expiresIn: 3600 * 24 * 400 });
  type Answer = { status: string; warnings: string[]; plannedChanges: unknown[]; authority: { key: string } | null; forwardedFrom: unknown; municipality: unknown };
  const ask = async (i: RawLookupInput) => {
    const res = await gql(app, LOOK, { i }, adminToken);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.responsibleAuthority as Answer;
  };
  return { database, ...w, app, adminToken, ask };
}

forEachEngine('planned structural changes in lookups', (engine) => {
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  let t: Awaited<ReturnType<typeof worldWithApp>>;
  beforeAll(async () => {
    t = await worldWithApp(engine, clock);
  });
  afterAll(async () => {
    await t?.database.close();
  });
  const mergerNotice = (changeId: number) => ({
    changeId: String(changeId),
    kind: 'MERGER',
    status: 'PLANNED',
    effectiveDate: '2027-01-01',
    predecessors: [
      { ags: '05766012', name: 'Barntrup, Stadt' },
      { ags: '05766024', name: 'Dörentrup' },
    ],
    successors: [{ ags: '05766070', name: 'Nordlippe, Stadt' }],
  });

  it('a lookup on or after the date of a planned merger warns and lists the change; before the date it does not', async () => {
    const v0 = await directoryVersion(t.database.db);
    const c = await planStructuralChange(t.ctx, nordlippe);
    expect(await directoryVersion(t.database.db)).toBeGreaterThan(v0); // other instances reload too
    const on = await t.ask({ ags: '05766012', at: '2027-01-01' });
    expect(on).toMatchObject({ status: 'RESOLVED', authority: { key: 'ags:05766012' }, forwardedFrom: null, plannedChanges: [mergerNotice(c.id)] });
    expect(on.warnings).toEqual([
      `Municipality Barntrup, Stadt (05766012) is to be merged into Nordlippe, Stadt (05766070) on 2027-01-01 by structural change #${c.id} (MERGER, planned); this answer is the register as it stands now.`,
    ]);
    expect((await t.ask({ address: { postalCode: '32694', city: 'Dörentrup' }, at: '2027-03-01' })).plannedChanges).toEqual([mergerNotice(c.id)]);
    expect(await t.ask({ ags: '05766012', at: '2026-12-31' })).toMatchObject({ warnings: [], plannedChanges: [] });
    expect(await t.ask({ ags: '05766044', at: '2027-01-01' })).toMatchObject({ warnings: [], plannedChanges: [] });
    const v1 = await directoryVersion(t.database.db);
    await cancelStructuralChange(t.ctx, c.id, c.version);
    expect(await directoryVersion(t.database.db)).toBeGreaterThan(v1);
    expect(await t.ask({ ags: '05766012', at: '2027-01-01' })).toMatchObject({ warnings: [], plannedChanges: [] });
  });

  it('a PROPOSED change (a suggestion from an edition) is no warning; once confirmed it is', async () => {
    const now = clock.now();
    const [row] = await t.database.db
      .insert(structuralChanges)
      .values({ ...nordlippe, policies: nordlippe.policies!, transfers: [], status: 'PROPOSED', createdBy: 'import', createdAt: now, updatedAt: now, proposal: { confidence: 0.9, reasons: ['test'], edition: '2027-01-01' } })
      .returning();
    await reloadDirectoryOf(t.app);
    expect(await t.ask({ ags: '05766024', at: '2027-01-05' })).toMatchObject({ warnings: [], plannedChanges: [] });
    await confirmProposal(t.ctx, row!.id, row!.version);
    expect((await t.ask({ ags: '05766024', at: '2027-01-05' })).plannedChanges).toEqual([mergerNotice(row!.id)]);
  });

  it('once applied, the old key is forwarded as before and nothing is planned any more', async () => {
    clock.set('2027-01-01T08:00:00Z');
    const applied = await gql(t.app, `mutation { applyDueStructuralChanges(at: "2027-01-01") { applied { status } } }`, {}, t.adminToken);
    expect(applied.body.data).toEqual({ applyDueStructuralChanges: { applied: [{ status: 'APPLIED' }] } });
    const after = await t.ask({ ags: '05766024', at: '2027-01-01' });
    expect(after).toMatchObject({ status: 'RESOLVED', authority: { key: 'ags:05766012' }, forwardedFrom: { ags: '05766024', kind: 'MERGER' }, warnings: [], plannedChanges: [] });
  });
});

/** Lügde and Schieder-Schwalenberg, each a Verband of its own, merge on 2027-01-01. */
const luegdeSchieder: PlanInput = {
  kind: 'MERGER',
  effectiveDate: '2027-01-01',
  predecessors: ['05766052', '05766060'],
  successors: [{ ags: '05766072', name: 'Lügde-Schieder, Stadt' }],
};
const NEW_VERBAND = { ars: '057660072', name: 'Lügde-Schieder, Stadt' };

forEachEngine('structural changes that open a Gemeindeverband', (engine) => {
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  let t: Awaited<ReturnType<typeof worldWithApp>>;
  const written = async () => [
    ...(await queryRows<{ n: number }>(t.database.db, sql`select (select count(*) from structural_changes)::int as n union all select (select count(*) from regions)::int`)).map((r) => Number(r.n)),
    await directoryVersion(t.database.db),
  ];
  beforeAll(async () => {
    t = await worldWithApp(engine, clock);
  });
  afterAll(async () => {
    await t?.database.close();
  });
  const successor = (extra: Record<string, unknown>) => ({ ...luegdeSchieder, successors: [{ ...luegdeSchieder.successors[0]!, ...extra }] });

  it('a merger of two Verbände without associationArs or newAssociation is BAD_USER_INPUT listing the choices; nothing is written', async () => {
    const before = await written();
    const e = await planStructuralChange(t.ctx, luegdeSchieder).catch((x: unknown) => x);
    expect(e).toMatchObject({
      message:
        'input.successors[0]: the predecessors belong to different Gemeindeverbände; choose associationArs 057660052 (Lügde, Stadt der Osterräder) or associationArs 057660060 (Schieder-Schwalenberg, Stadt), or newAssociation { ars, name } to open a new one',
      extensions: { code: 'BAD_USER_INPUT', argument: 'input.successors[0]', choices: ['057660052', '057660060', 'newAssociation'] },
    });
    const over = await gql(t.app, `mutation($i: PlanStructuralChangeInput!) { planStructuralChange(input: $i) { id } }`, { i: luegdeSchieder }, t.adminToken);
    expect(over.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'input.successors[0]' } });
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ newAssociation: { ars: '057660052', name: 'X' } }, /input.successors\[0\].newAssociation.ars: Gemeindeverband 057660052 \(Lügde, Stadt der Osterräder\) exists on 2027-01-01: name it as associationArs instead/],
      [{ newAssociation: { ars: '05766007', name: 'X' } }, /input.successors\[0\].newAssociation.ars: "05766007" is not a 9-digit Gemeindeverband ARS/],
      [{ newAssociation: { ars: '057770072', name: 'X' } }, /input.successors\[0\].newAssociation.ars: 057770072 is not in district 05766 of 05766072/],
      [{ newAssociation: { ars: '057660072', name: ' ' } }, /input.successors\[0\].newAssociation.name: must not be empty/],
      [{ associationArs: '057660052', newAssociation: NEW_VERBAND }, /input.successors\[0\].associationArs: give an existing Gemeindeverband \(associationArs\) or a new one \(newAssociation\), not both/],
      [{ associationArs: '057660072' }, /input.successors\[0\].associationArs: Gemeindeverband 057660072 does not exist on 2027-01-01; to open it with this change, give newAssociation/],
    ];
    for (const [extra, message] of bad) await expect(planStructuralChange(t.ctx, successor(extra))).rejects.toThrow(message);
    const incorporation: PlanInput = { kind: 'INCORPORATION', effectiveDate: '2027-01-01', predecessors: ['05766052'], successors: [{ ags: '05766044', name: 'Lemgo, Stadt', newAssociation: NEW_VERBAND }], policies: [] };
    await expect(planStructuralChange(t.ctx, incorporation)).rejects.toThrow(/input.successors\[0\].newAssociation: 05766044 exists on 2026-12-31 and keeps its Gemeindeverband in a INCORPORATION/);
    expect(await written()).toEqual(before);
  });

  it('a Verband whose members all merge is not kept silently; one that keeps members is the default', async () => {
    const member = (ags: string, name: string) => ({ level: 'MUNICIPALITY' as const, ars: `057660900${ags.slice(5)}`, ags, name, nameKey: name.toLowerCase(), parentArs: '057660900', source: 'test' });
    await t.database.db.insert(regions).values([
      { level: 'ASSOCIATION', ars: '057660900', name: 'Amt Testland', nameKey: 'amt testland', parentArs: '05766', source: 'test' },
      member('05766901', 'Eins'),
      member('05766902', 'Zwei'),
      member('05766903', 'Drei'),
    ]);
    const all = { kind: 'MERGER' as const, effectiveDate: '2027-01-01', predecessors: ['05766901', '05766902', '05766903'], successors: [{ ags: '05766905', name: 'Dreieinig' }] };
    await expect(planStructuralChange(t.ctx, all)).rejects.toThrow(
      'input.successors[0]: Gemeindeverband 057660900 (Amt Testland) loses all its members with this merger; choose associationArs 057660900 to keep it, or newAssociation { ars, name } to open a new one',
    );
    const two = await planStructuralChange(t.ctx, { ...all, predecessors: ['05766901', '05766902'], successors: [{ ags: '05766904', name: 'Zweieinig' }] });
    expect(two.successors).toEqual([{ ags: '05766904', name: 'Zweieinig', associationArs: '057660900' }]);
    await cancelStructuralChange(t.ctx, two.id, two.version);
  });

  it('plans the merger with a new Verband and applies it on its date: the new municipality is in it, the old Verbände end, old keys forward', async () => {
    const c = await planStructuralChange(t.ctx, successor({ newAssociation: NEW_VERBAND }));
    expect(c.successors).toEqual([{ ags: '05766072', name: 'Lügde-Schieder, Stadt', associationArs: '057660072', newAssociation: NEW_VERBAND }]);
    const again = { kind: 'RENAME' as const, effectiveDate: '2027-02-01', predecessors: ['05766004'], successors: [{ ags: '05766004', name: 'Augustdorf, Stadt', newAssociation: { ...NEW_VERBAND, name: 'Augustdorf' } }] };
    await expect(planStructuralChange(t.ctx, again)).rejects.toThrow(`Gemeindeverband 057660072 is already opened by structural change #${c.id} on 2027-01-01`);
    clock.set('2027-01-01T08:00:00Z');
    const applied = await gql(t.app, `mutation { applyDueStructuralChanges(at: "2027-01-01") { applied { status } } }`, {}, t.adminToken);
    expect(applied.body.data).toEqual({ applyDueStructuralChanges: { applied: [{ status: 'APPLIED' }] } });
    for (const old of ['05766052', '05766060']) {
      expect(await t.ask({ ags: old, at: '2027-01-01' })).toMatchObject({
        status: 'RESOLVED',
        authority: { key: 'kreis:05766' },
        forwardedFrom: { ags: old, kind: 'MERGER' },
        municipality: { ags: '05766072', name: 'Lügde-Schieder, Stadt', association: { ars: '057660072', name: 'Lügde-Schieder, Stadt', validFrom: '2027-01-01', parent: { ars: '05766' } } },
      });
    }
    expect(await t.ask({ ags: '05766060', at: '2026-12-31' })).toMatchObject({ forwardedFrom: null, municipality: { ags: '05766060', association: { ars: '057660060' } } });
    const ended = await queryRows<{ ars: string; valid_to: string }>(t.database.db, sql`select ars, valid_to::text from regions where level = 'ASSOCIATION' and ars in ('057660052', '057660060') order by ars`);
    expect(ended).toEqual([
      { ars: '057660052', valid_to: '2027-01-01' },
      { ars: '057660060', valid_to: '2027-01-01' },
    ]);
  });
});

forEachEngine('correcting a planned change (editStructuralChange)', (engine) => {
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  let t: Awaited<ReturnType<typeof worldWithApp>>;
  beforeAll(async () => {
    t = await worldWithApp(engine, clock);
  });
  afterAll(async () => {
    await t?.database.close();
  });
  const EDIT = `mutation($id: ID!, $v: Int!, $e: StructuralChangeEdits!) { editStructuralChange(id: $id, expectedVersion: $v, edits: $e) { id status effectiveDate version } }`;
  const edit = (id: number, v: number, e: Record<string, unknown>) => gql(t.app, EDIT, { id: String(id), v, e }, t.adminToken);
  const stored = async (id: number) => (await t.database.db.select().from(structuralChanges).where(sql`id = ${id}`))[0]!;

  it('moves the effective date, validated like a new plan against the other plans on the new date; stale versions and other statuses are CONFLICT', async () => {
    const merger = await planStructuralChange(t.ctx, nordlippe);
    const rename = await planStructuralChange(t.ctx, { kind: 'RENAME', effectiveDate: '2027-02-01', predecessors: ['05766012'], successors: [{ ags: '05766012', name: 'Barntrup, Hansestadt' }] });

    const clash = await edit(merger.id, merger.version, { effectiveDate: '2027-02-01' });
    expect(clash.body.errors?.[0]).toMatchObject({ message: `Municipality 05766012 is already part of structural change #${rename.id} on 2027-02-01`, extensions: { code: 'CONFLICT' } });
    expect(await stored(merger.id)).toMatchObject({ effectiveDate: '2027-01-01', version: merger.version });
    const empty = await edit(merger.id, merger.version, {});
    expect(empty.body.errors?.[0]).toMatchObject({ message: 'edits: name at least one field to change', extensions: { code: 'BAD_USER_INPUT' } });

    const moved = await edit(merger.id, merger.version, { effectiveDate: '2027-03-01' });
    expect(moved.body.data).toEqual({ editStructuralChange: { id: String(merger.id), status: 'PLANNED', effectiveDate: '2027-03-01', version: merger.version + 1 } });
    // Lookups warn from the new date on, no longer from the old one.
    expect(await t.ask({ ags: '05766024', at: '2027-01-05' })).toMatchObject({ plannedChanges: [] });
    expect((await t.ask({ ags: '05766024', at: '2027-03-01' })).plannedChanges).toMatchObject([{ changeId: String(merger.id), effectiveDate: '2027-03-01' }]);
    const [audit] = await queryRows<{ action: string }>(t.database.db, sql`select action from audit_log where entity_id = ${String(merger.id)} order by id desc limit 1`);
    expect(audit!.action).toBe('EDIT_STRUCTURAL_CHANGE');

    const stale = await edit(merger.id, merger.version, { effectiveDate: '2027-04-01' });
    expect(stale.body.errors?.[0]).toMatchObject({ message: `Structural change #${merger.id} is at version ${merger.version + 1}, not ${merger.version}`, extensions: { code: 'CONFLICT' } });
    await cancelStructuralChange(t.ctx, rename.id, rename.version);
    const cancelled = await edit(rename.id, rename.version + 1, { effectiveDate: '2027-04-01' });
    expect(cancelled.body.errors?.[0]).toMatchObject({ message: `Structural change #${rename.id} is CANCELLED; this needs PLANNED`, extensions: { code: 'CONFLICT' } });
  });
});

const pg = engines().find((e) => e.name === 'postgres');
describe.skipIf(!pg)('two instances on one PostgreSQL [postgres]', () => {
  it('apply each change exactly once', async () => {
    const fresh = await pg!.url!();
    const a = await openPostgres(fresh.url, 4);
    const b = await openPostgres(fresh.url, 4);
    try {
      const clock = new ManualClock('2026-11-22T10:00:00Z');
      const w = await world(a, clock);
      await planStructuralChange(w.ctx, nordlippe);
      await planStructuralChange(w.ctx, { kind: 'RENAME', effectiveDate: '2027-01-01', predecessors: ['05766004'], successors: [{ ags: '05766004', name: 'Augustdorf, Stadt' }] });
      await planStructuralChange(w.ctx, { kind: 'REKEY', effectiveDate: '2027-01-02', predecessors: ['05766064'], successors: [{ ags: '05766099', name: 'Schlangen' }] });
      clock.set('2027-01-05T08:00:00Z');
      const runs = await Promise.all([a, b, a, b].map((d, i) => applyDueStructuralChanges(d.db, clock, '2027-01-05', { id: `instance-${i}` })));
      expect(runs.flatMap((r) => r.applied.map((x) => x.changeId)).sort()).toHaveLength(3);
      const audit = await queryRows<{ n: number }>(a.db, sql`select count(*)::int as n from audit_log where action = 'APPLY_STRUCTURAL_CHANGE'`);
      expect(Number(audit[0]!.n)).toBe(3);
      const versions = await queryRows<{ n: number }>(a.db, sql`select count(*)::int as n from regions where ags = '05766070'`);
      expect(Number(versions[0]!.n)).toBe(1);
      expect((await applyDueStructuralChanges(b.db, clock, '2027-01-05', { id: 'late' })).applied).toEqual([]);
    } finally {
      await a.close();
      await b.close();
      await fresh.drop();
    }
  });
});
