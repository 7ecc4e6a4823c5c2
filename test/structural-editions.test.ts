// End to end with the official editions: 2022 register + postcode mapping, authorities on the old
// municipalities, the 2025 edition proposes changes; the Uder, Berga-Wünschendorf and Jahnatal
// proposals are confirmed (one with a corrected date), applied, and old keys, postcodes and
// addresses then lead to the new municipalities and their authorities.
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { createAuthority } from '../src/modules/authorities/authorities.service.js';
import { Directory } from '../src/modules/directory/directory.js';
import { createJurisdiction } from '../src/modules/jurisdictions/jurisdictions.service.js';
import { lookupOne, type RawLookupInput } from '../src/modules/jurisdictions/lookup.js';
import { importPostcodes } from '../src/modules/postcodes/postcodes.import.js';
import { importGv100ad } from '../src/modules/regions/gv100ad.import.js';
import { applyDueStructuralChanges } from '../src/modules/structural/apply.js';
import { confirmProposal, listChanges, rejectProposal, type StructuralChangeRow } from '../src/modules/structural/plan.js';
import { forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';
import { EDITIONS, POSTCODES, sharedFile } from './helpers/shared-data.js';
import { makeServiceContext, type ServiceContext } from '../src/modules/directory/context.js';

const files = { 2022: sharedFile(EDITIONS[2022]), 2025: sharedFile(EDITIONS[2025]), postcodes: sharedFile(POSTCODES) };
const haveData = !!(files[2022] && files[2025] && files.postcodes);
const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };
// Asbach-Sickenberg and Dietzenrode/Vatterode stayed (they only moved to the new Einheitsgemeinde
// association); Wüstheuterode joined: eleven keys, as the edition shows.
const OLD_UDER = ['16061007', '16061028', '16061065', '16061067', '16061068', '16061077', '16061084', '16061091', '16061096', '16061097', '16061111'];

forEachEngine('structural changes from the 2022 → 2025 editions', (engine) => {
  let database: Database;
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  let directory: Directory;
  let ctx: ServiceContext;
  let proposals: StructuralChangeRow[] = [];
  const look = async (input: RawLookupInput) => lookupOne(await directory.get(), input, '2026-11-22');
  const proposalFor = (ags: string) => proposals.find((p) => p.successors.some((s) => s.ags === ags));

  beforeAll(async () => {
    if (!haveData) return;
    database = await engine.open();
    directory = new Directory(database, { pollMs: 0 });
    ctx = makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory });
    await importGv100ad(database.db, clock, { bytes: fs.readFileSync(files[2022]!), fileName: 'GV100AD_31122022.txt', actor: testActor });
    await importPostcodes(database.db, clock, { bytes: fs.readFileSync(files.postcodes!), fileName: 'zuordnung_plz_ort.csv', actor: testActor });
    const town = (key: string, name: string, postalCode: string, city: string) =>
      createAuthority(ctx, { key, kind: 'ENFORCEMENT', name, postalAddress: { street: 'Markt', houseNumber: '1', postalCode, city } });
    await town('lra:16061', 'Landratsamt Eichsfeld', '37308', 'Heilbad Heiligenstadt');
    await town('ags:16076004', 'Stadt Berga/Elster', '07980', 'Berga/Elster');
    await town('ags:14522450', 'Gemeinde Ostrau', '04749', 'Ostrau');
    await town('ags:16061119', 'Gemeinde Uder', '37318', 'Uder');
    await town('ags:14522275', 'Gemeinde Jahnatal', '04749', 'Jahnatal');
    await createJurisdiction(ctx, { authorityKey: 'lra:16061', scope: { level: 'DISTRICT', key: '16061' } });
    await createJurisdiction(ctx, { authorityKey: 'ags:16076004', scope: { level: 'MUNICIPALITY', key: '16076004' } });
    await createJurisdiction(ctx, { authorityKey: 'ags:14522450', scope: { level: 'MUNICIPALITY', key: '14522450' } });
    const r = await importGv100ad(database.db, clock, { bytes: fs.readFileSync(files[2025]!), fileName: 'GV100AD_30112025.txt', actor: testActor });
    expect(r.proposals).toBeGreaterThan(0);
    await directory.reload();
    proposals = await listChanges(database.db, { status: 'PROPOSED', limit: 1000 });
    expect(proposals).toHaveLength(r.proposals);
  });
  afterAll(async () => {
    await database?.close();
  });

  it.skipIf(!haveData)('proposes the three mergers with their predecessors, reasons and a suggested jurisdiction', () => {
    const uder = proposalFor('16061119')!;
    expect(uder).toMatchObject({ kind: 'MERGER', status: 'PROPOSED', effectiveDate: '2025-11-30', successors: [{ ags: '16061119', name: 'Uder', associationArs: '160615051' }] });
    expect(uder.predecessors).toEqual(OLD_UDER);
    expect(uder.proposal!.confidence).toBeGreaterThanOrEqual(0.3);
    expect(uder.proposal!.reasons.find((x) => x.startsWith('16061097'))).toMatch(/name "Uder" contains "Uder"/);
    const berga = proposalFor('16076094')!;
    // Kühdorf (16076038) vanished too; it shares Berga's town-hall postcode 07980
    expect(berga).toMatchObject({ kind: 'MERGER', predecessors: ['16076004', '16076038', '16076084'], policies: [{ task: 'VOLLSTRECKUNGSHILFE', mode: 'FROM_PREDECESSOR', predecessorAgs: '16076004' }] });
    expect(berga.proposal!.confidence).toBeGreaterThanOrEqual(0.5);
    expect(berga.proposal!.reasons.find((x) => x.startsWith('16076084'))).toMatch(/name "Berga-Wünschendorf, Stadt" is formed with "Wünschendorf\/Elster"/);
    const jahnatal = proposalFor('14522275')!;
    expect(jahnatal).toMatchObject({ kind: 'MERGER', predecessors: ['14522450', '14522620'] });
    // Zschaitz-Ottewig's town hall shares Döbeln's postcode; its former Verband with Ostrau decides
    expect(jahnatal.proposal!.reasons.find((x) => x.startsWith('14522620'))).toMatch(/was in Gemeindeverband 145225123 with Ostrau, which went into 14522275/);
    // every vanished key of the diff is in at most one proposal
    const claimed = proposals.flatMap((p) => (p.kind === 'RENAME' || p.successors.some((s) => p.predecessors.includes(s.ags)) ? [] : p.predecessors));
    expect(new Set(claimed).size).toBe(claimed.length);
  });

  it.skipIf(!haveData)('nothing is applied unconfirmed; confirmed (one with a corrected date and policy) they apply and forward old keys', async () => {
    expect(await applyDueStructuralChanges(database.db, clock, '2026-11-22', testActor)).toEqual({ ran: true, applied: [] });
    expect((await look({ ags: '16061097' })).status).toBe('NOT_FOUND'); // the edition closed it; no succession yet
    const uder = proposalFor('16061119')!;
    await confirmProposal(ctx, uder.id, uder.version, { effectiveDate: '2024-01-01', policies: [{ task: 'VOLLSTRECKUNGSHILFE', mode: 'AUTHORITY', authorityKey: 'ags:16061119' }] });
    const berga = proposalFor('16076094')!;
    await confirmProposal(ctx, berga.id, berga.version);
    const jahnatal = proposalFor('14522275')!;
    await expect(confirmProposal(ctx, jahnatal.id, jahnatal.version, { policies: [] })).rejects.toThrow(/14522450 has jurisdictions for task VOLLSTRECKUNGSHILFE/);
    await confirmProposal(ctx, jahnatal.id, jahnatal.version, { policies: [{ task: 'VOLLSTRECKUNGSHILFE', mode: 'AUTHORITY', authorityKey: 'ags:14522275' }] });
    const other = proposals.find((p) => ![uder.id, berga.id, jahnatal.id].includes(p.id))!;
    expect((await rejectProposal(ctx, other.id, other.version)).status).toBe('REJECTED');

    const run = await applyDueStructuralChanges(database.db, clock, '2026-11-22', testActor);
    expect(run.applied.map((a) => a.changeId).sort()).toEqual([uder.id, berga.id, jahnatal.id].sort());
    expect(run.applied.find((a) => a.changeId === uder.id)).toMatchObject({ successions: 11, regionsAdjusted: 2, regionsClosed: 11 });
    await directory.reload();

    for (const old of OLD_UDER) {
      const r = await look({ ags: old });
      expect(r, old).toMatchObject({ status: 'RESOLVED', ags: '16061119', authority: { key: 'ags:16061119' }, forwardedFrom: { ags: old, successorAgs: '16061119', kind: 'MERGER', effectiveDate: '2024-01-01' } });
    }
    // the corrected date holds: new Uder from 2024-01-01, the old keys until then
    expect(await look({ ags: '16061097', at: '2024-06-01' })).toMatchObject({ ags: '16061119', forwardedFrom: { ags: '16061097' } });
    expect(await look({ ags: '16061097', at: '2023-12-31' })).toMatchObject({ ags: '16061097', authority: { key: 'lra:16061' }, forwardedFrom: null });
    expect(await look({ ags: '16076084' })).toMatchObject({ ags: '16076094', authority: { key: 'ags:16076004' }, forwardedFrom: { name: 'Wünschendorf/Elster' } });
    expect(await look({ ags: '14522620' })).toMatchObject({ ags: '14522275', authority: { key: 'ags:14522275' } });
    // old postcode and old address: the postcode mapping still names the old municipalities
    expect(await look({ address: { street: 'Hauptstraße', houseNumber: '1', postalCode: '37318', city: 'Birkenfelde' } })).toMatchObject({
      status: 'RESOLVED',
      ags: '16061119',
      authority: { key: 'ags:16061119' },
      forwardedFrom: { ags: '16061007', name: 'Birkenfelde' },
    });
    // Arenshausen shares 37318 but stayed a municipality of its own: not forwarded
    expect(await look({ address: { postalCode: '37318', city: 'Arenshausen' } })).toMatchObject({ ags: '16061001', authority: { key: 'lra:16061' }, forwardedFrom: null });
    expect(await look({ address: { postalCode: '07980', city: 'Berga/Elster' } })).toMatchObject({ ags: '16076094', authority: { key: 'ags:16076004' }, forwardedFrom: { ags: '16076004' } });
    expect(await look({ address: { postalCode: '04749', city: 'Ostrau' } })).toMatchObject({ ags: '14522275', authority: { key: 'ags:14522275' }, forwardedFrom: { ags: '14522450' } });
  });
});
