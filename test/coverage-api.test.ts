// The coverage report through GraphQL and the CLI, on every engine: the demo seed with jurisdictions
// registered through the API; roles and territory; paging; errors naming the argument. With the
// shared national register: the demo directory covers it completely, and deactivating one authority
// uncovers exactly its municipalities.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { App } from '../src/app/app.js';
import type { Database } from '../src/db/client.js';
import { authorities } from '../src/db/schema.js';
import { generateDemoAuthorities } from '../src/modules/authorities/demo-authorities.js';
import { updateAuthority } from '../src/modules/authorities/authorities.service.js';
import { computeCoverage } from '../src/modules/coverage/coverage.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import { Directory } from '../src/modules/directory/directory.js';
import { lookupOne } from '../src/modules/jurisdictions/lookup.js';
import { importGv100ad } from '../src/modules/regions/gv100ad.import.js';
import { loadDemoSeed } from '../seed/load.js';
import { gql, makeKeys, testApp, token, type TestKeys } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { clock, testActor } from './helpers/fixtures.js';
import { runCli } from './helpers/processes.js';
import { EDITIONS, sharedFile } from './helpers/shared-data.js';

const edition = sharedFile(EDITIONS[2025]);

const COVERAGE = `query($task: String, $at: Date, $district: String, $first: Int, $after: String, $only: Boolean) {
  coverage(task: $task, at: $at, district: $district) {
    task at district municipalities covered uncovered partiallyCovered
    districts(onlyWithGaps: $only) { ars name municipalities covered uncovered partiallyCovered }
    uncoveredMunicipalities(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { ags ars name districtArs districtName gap streetRules candidates { key } }
    }
  }
}`;

const address = { street: 'Marktplatz', houseNumber: '5', postalCode: '32756', city: 'Detmold' };
const SEED_AGS = ['01062053', '02000000', '09162000', '11000000'];

forEachEngine('coverage report through GraphQL', (engine) => {
  let database: Database;
  let app: App;
  let keys: TestKeys;
  const c = clock(); // 2026-11-22
  const t: Record<string, string> = {};
  const ask = async (variables: Record<string, unknown>, who = 'ADMIN') => gql(app, COVERAGE, variables, t[who]);
  const ok = async (query: string, variables: Record<string, unknown> = {}, who = 'ADMIN') => {
    const res = await gql(app, query, variables, t[who]);
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    return res.body.data!;
  };
  const createAuthority = (key: string) =>
    ok(`mutation($input: CreateAuthorityInput!) { createAuthority(input: $input) { key } }`, {
      input: { key, kind: 'ENFORCEMENT', name: `Kasse ${key}`, postalAddress: address, tenantCode: 'lippe' },
    });
  const createRule = (authorityKey: string, scope: Record<string, unknown>, validFrom?: string) =>
    ok(`mutation($input: CreateJurisdictionInput!) { createJurisdiction(input: $input) { id } }`, { input: { authorityKey, scope, validFrom } });

  beforeAll(async () => {
    database = await engine.open();
    await loadDemoSeed(database.db, c, testActor);
    keys = await makeKeys();
    app = testApp(database, c, keys);
    const tok = (role: string, scope?: string) => token(keys, { role, scope, sub: `${role}:${scope ?? '-'}`, now: c.now(), expiresIn: 3600 });
    t.ADMIN = await tok('ADMIN');
    t.LIPPE = await tok('TENANT_MANAGER', 'lippe');
    t.EMPTY = await tok('TENANT_MANAGER', 'leer');
    t.DATA_CENTER = await tok('DATA_CENTER', 'krz');
    t.CLIENT = await tok('CLIENT', 'ags:05766044');
    await ok(`mutation { createDataCenter(input: { code: "krz", name: "KRZ" }) { code } }`);
    await ok(`mutation { createTenant(input: { code: "lippe", name: "Lippe", dataCenterCode: "krz", areas: ["05766"] }) { code } }`);
    await ok(`mutation { createTenant(input: { code: "leer", name: "Leer", dataCenterCode: "krz" }) { code } }`);
    // Kreis Lippe from June 2026; a street rule in Lemgo always; Hamburg always.
    await createAuthority('kreis:lippe');
    await createRule('kreis:lippe', { level: 'DISTRICT', key: '05766' }, '2026-06-01');
    await createAuthority('ags:05766044');
    await createRule('ags:05766044', { level: 'STREET', street: { ags: '05766044', postalCode: '32657', street: 'Mittelstraße' } });
    await createAuthority('ags:02000000');
    await createRule('ags:02000000', { level: 'MUNICIPALITY', key: '02000000' });
  });
  afterAll(async () => database?.close());

  it('counts per Kreis and in total, today by default; covered is exactly what responsibleAuthority resolves', async () => {
    const res = await ask({ only: true });
    expect(res.body.errors).toBeUndefined();
    const r = res.body.data!.coverage;
    expect(r).toMatchObject({ task: 'VOLLSTRECKUNGSHILFE', at: '2026-11-22', district: null, municipalities: 20, covered: 17, uncovered: 3, partiallyCovered: 0 });
    expect(r.districts.map((d: any) => [d.ars, d.uncovered])).toEqual([['01062', 1], ['09162', 1], ['11000', 1]]);
    expect(r.uncoveredMunicipalities.nodes.map((n: any) => n.ags)).toEqual(['01062053', '09162000', '11000000']);
    expect(r.uncoveredMunicipalities.nodes[0]).toEqual({
      ags: '01062053', ars: '010620053053', name: 'Oststeinbek', districtArs: '01062', districtName: 'Stormarn', gap: 'NO_JURISDICTION', streetRules: 0, candidates: [],
    });
    const all = (await gql(app, `{ regions(level: MUNICIPALITY, first: 100) { edges { node { ags } } } }`, {}, t.ADMIN)).body.data!.regions.edges.map((e: any) => e.node.ags);
    expect(all).toHaveLength(20);
    const lookups = await ok(`query($inputs: [JurisdictionInput!]!) { responsibleAuthorities(inputs: $inputs) { status municipality { ags } } }`, { inputs: all.map((ags: string) => ({ ags })) });
    const unresolved = lookups.responsibleAuthorities.filter((l: any) => l.status !== 'RESOLVED').map((l: any) => l.municipality.ags).sort();
    expect(unresolved).toEqual(['01062053', '09162000', '11000000']);
  });

  it('before the Kreis rule: Lippe uncovered, Lemgo partially (its street rule); pages by AGS without gaps or repeats', async () => {
    const r = (await ask({ at: '2026-01-01', first: 7 })).body.data!.coverage;
    expect(r).toMatchObject({ municipalities: 20, covered: 1, uncovered: 19, partiallyCovered: 1 });
    expect(r.districts.find((d: any) => d.ars === '05766')).toEqual({ ars: '05766', name: 'Lippe', municipalities: 16, covered: 0, uncovered: 16, partiallyCovered: 1 });
    expect(r.districts).toHaveLength(5);
    const seen: any[] = [...r.uncoveredMunicipalities.nodes];
    let info = r.uncoveredMunicipalities.pageInfo;
    for (let i = 0; i < 5 && info.hasNextPage; i++) {
      const next = (await ask({ at: '2026-01-01', first: 7, after: info.endCursor })).body.data!.coverage.uncoveredMunicipalities;
      seen.push(...next.nodes);
      info = next.pageInfo;
    }
    expect(info.hasNextPage).toBe(false);
    expect(seen.map((n) => n.ags)).toEqual([...seen.map((n) => n.ags)].sort());
    expect(new Set(seen.map((n) => n.ags)).size).toBe(19);
    expect(seen.find((n) => n.ags === '05766044')).toMatchObject({ gap: 'NO_JURISDICTION', streetRules: 1 });
    const lippe = (await ask({ at: '2026-01-01', district: '05766' })).body.data!.coverage;
    expect(lippe).toMatchObject({ district: '05766', municipalities: 16, uncovered: 16 });
  });

  it('a TENANT_MANAGER sees its territory only; other roles are refused', async () => {
    const own = (await ask({ at: '2026-01-01' }, 'LIPPE')).body.data!.coverage;
    expect(own).toMatchObject({ municipalities: 16, covered: 0, uncovered: 16 });
    expect(own.districts.map((d: any) => d.ars)).toEqual(['05766']);
    const none = (await ask({}, 'EMPTY')).body.data!.coverage;
    expect(none).toMatchObject({ municipalities: 0, covered: 0, uncovered: 0, districts: [], uncoveredMunicipalities: { totalCount: 0, nodes: [] } });
    for (const who of ['DATA_CENTER', 'CLIENT']) {
      const res = await ask({}, who);
      expect(res.body.errors!.map((e) => e.extensions?.code), who).toEqual(['FORBIDDEN']);
      expect(res.body.data).toBeNull();
    }
    const anonymous = await gql(app, COVERAGE, {});
    expect(anonymous.body.errors!.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('an unknown task or Kreis, a bad page size or cursor: BAD_USER_INPUT naming the argument', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ task: 'NOPE' }, /^task: "NOPE" is not a task; known: VOLLSTRECKUNGSHILFE/],
      [{ district: '0576' }, /^district: "0576" is not a Kreis: expected its 5-digit ARS/],
      [{ district: '05758' }, /^district: 05758 is not a Kreis in the register on 2026-11-22$/],
      [{ district: 'x'.repeat(33) }, /district/],
      [{ first: 0 }, /^first: must be between 1 and 1000, got 0$/],
      [{ after: 'garbage' }, /^after: is not a cursor returned by this API$/],
    ];
    for (const [variables, message] of cases) {
      const res = await ask(variables);
      expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
      expect(res.body.errors![0]!.message, JSON.stringify(variables)).toMatch(message);
    }
  });

  it('follows the directory: a deactivated authority uncovers its municipalities at once', async () => {
    const [row] = await database.db.select().from(authorities).where(eq(authorities.key, 'kreis:lippe'));
    await ok(`mutation($v: Int!) { deactivateAuthority(key: "kreis:lippe", expectedVersion: $v) { status } }`, { v: row!.version });
    const r = (await ask({ district: '05766' })).body.data!.coverage;
    expect(r).toMatchObject({ municipalities: 16, covered: 0, uncovered: 16, partiallyCovered: 1 });
  });
});

forEachEngine('coverage on the command line', (engine) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-coverage-'));
  let env: Record<string, string> = { DATA_DIR: dir, SEED_DEMO: 'false' };
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (engine.url) {
      const fresh = await engine.url();
      env = { ...env, DATABASE_URL: fresh.url };
      drop = fresh.drop;
    }
    expect((await runCli(['seed'], env)).code).toBe(0);
  });
  afterAll(async () => {
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints totals, the Kreise with gaps and the uncovered municipalities; --json and --out give them all', async () => {
    const human = await runCli(['coverage', '--at', '2026-11-22'], env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('Coverage of VOLLSTRECKUNGSHILFE on 2026-11-22: 20 municipalities, 0 covered, 20 uncovered\n');
    expect(human.stdout).toContain('  05766 Lippe: 16 of 16 uncovered\n');
    expect(human.stdout).toContain('  05766044 Lemgo, Stadt: NO_JURISDICTION\n');
    const json = await runCli(['coverage', '--at', '2026-11-22', '--district', '05766', '--json'], env);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.lastLine);
    expect(r).toMatchObject({ task: 'VOLLSTRECKUNGSHILFE', at: '2026-11-22', district: '05766', municipalities: 16, covered: 0, uncovered: 16 });
    expect(r.uncoveredMunicipalities[0]).toEqual({
      ags: '05766004', ars: '057660004004', name: 'Augustdorf', districtArs: '05766', districtName: 'Lippe', gap: 'NO_JURISDICTION', streetRules: 0, candidates: [],
    });
    const out = path.join(dir, 'gaps.csv');
    const written = await runCli(['coverage', '--out', out], env);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(`20 uncovered municipalities written to ${out}`);
    expect(written.stdout).not.toContain('Uncovered municipalities:');
    const rows = parse(fs.readFileSync(out, 'utf8')) as string[][];
    expect(rows[0]).toEqual(['ags', 'ars', 'name', 'district_ars', 'district_name', 'gap', 'street_rules', 'candidates']);
    const ags = rows.slice(1).map((x) => x[0]!);
    expect(ags).toHaveLength(20);
    expect(ags).toEqual([...ags].sort());
    expect(ags.filter((a) => !a.startsWith('05766'))).toEqual(SEED_AGS);
  });

  it('a malformed Kreis is a usage error (exit 2), an unknown task or Kreis a failure (exit 1)', async () => {
    const usage = await runCli(['coverage', '--district', '5766'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain(`--district must be a Kreis's 5-digit ARS, e.g. 05766, got "5766"`);
    const task = await runCli(['coverage', '--task', 'NOPE'], env);
    expect(task.code).toBe(1);
    expect(task.stderr).toContain('--task: "NOPE" is not a task; known: VOLLSTRECKUNGSHILFE');
    const kreis = await runCli(['coverage', '--district', '05758', '--json'], env);
    expect(kreis.code).toBe(1);
    expect(JSON.parse(kreis.lastLine).error.message).toMatch(/^--district: 05758 is not a Kreis in the register on /);
  });
});

forEachEngine('coverage of the national register with the demo directory', (engine) => {
  let database: Database;
  const c = clock();
  const at = '2026-11-22';
  beforeAll(async () => {
    database = await engine.open();
    if (!edition) return;
    await importGv100ad(database.db, c, { bytes: fs.readFileSync(edition), fileName: 'GV100AD_30112025.txt', actor: testActor });
    await generateDemoAuthorities(database.db, c, { at, actor: testActor });
  });
  afterAll(async () => database?.close());

  it.skipIf(!edition)('is complete; deactivating one authority uncovers exactly its municipalities', async () => {
    const directory = new Directory(database, { pollMs: 0 });
    const ix = await directory.get();
    const started = performance.now();
    const full = computeCoverage(ix, { task: 'VOLLSTRECKUNGSHILFE', at });
    console.log(`[coverage] ${full.municipalities} municipalities in ${Math.round(performance.now() - started)} ms`);
    expect(full.municipalities).toBeGreaterThan(10_000);
    expect(full).toMatchObject({ covered: full.municipalities, uncovered: 0, partiallyCovered: 0, gaps: [] });
    // 400 Kreise, and two ARS prefixes without one: the German-Luxembourg condominium (07000) and
    // unincorporated land and coastal waters of Mecklenburg-Vorpommern (13000), listed with name null
    expect(full.districts).toHaveLength(402);
    expect(full.districts.filter((d) => d.name === null).map((d) => d.ars)).toEqual(['07000', '13000']);
    // The Gemeindeverband with the most municipalities: its demo authority goes.
    const members = new Map<string, string[]>();
    for (const versions of ix.municipalitiesByArs.values()) {
      const m = versions.find((v) => (v.validFrom ?? '') <= at && (v.validTo === null || v.validTo > at));
      if (m) members.set(m.ars.slice(0, 9), [...(members.get(m.ars.slice(0, 9)) ?? []), m.ags!]);
    }
    const [association, ags] = [...members].sort((a, b) => b[1].length - a[1].length)[0]!;
    expect(ags.length).toBeGreaterThan(20);
    const admin = makeServiceContext({ db: database.db, clock: c, principal: { subject: 'admin', role: 'ADMIN', scope: null }, actor: testActor, directory });
    const [row] = await database.db.select().from(authorities).where(eq(authorities.key, `demo:${association}`));
    await updateAuthority(admin, row!.key, row!.version, { status: 'INACTIVE' }, 'DEACTIVATE_AUTHORITY');
    const after = await directory.get();
    expect(after).not.toBe(ix);
    const r = computeCoverage(after, { task: 'VOLLSTRECKUNGSHILFE', at });
    expect(r.gaps.map((g) => g.ags)).toEqual([...ags].sort());
    expect(r).toMatchObject({ covered: full.municipalities - ags.length, uncovered: ags.length });
    expect(r.districts.filter((d) => d.uncovered > 0).map((d) => [d.ars, d.uncovered])).toEqual([[association.slice(0, 5), ags.length]]);
    expect(lookupOne(after, { ags: ags[0]! }, at).status).toBe('NO_JURISDICTION');
  });
});
