// Walks the schema: every root field has an access rule, refuses an anonymous caller (unless public)
// and refuses principals of the wrong role or the wrong scope; nested fields cannot be used to reach
// another tenant's authority settings or another data centre's inner details.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  getNamedType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLObjectType,
} from 'graphql';
import { sql } from 'drizzle-orm';
import type { App } from '../src/app/app.js';
import { queryRows, type Database } from '../src/db/client.js';
import { ROOT_ACCESS } from '../src/graphql/access.js';
import { ManualClock } from '../src/lib/clock.js';
import { createAuthority } from '../src/modules/authorities/authorities.service.js';
import { createJurisdiction } from '../src/modules/jurisdictions/jurisdictions.service.js';
import { dispatch } from '../src/modules/delivery/intake.service.js';
import { createDataCenter, createTenant } from '../src/modules/tenants/tenants.service.js';
import { gql, makeKeys, testApp, token, type TestKeys } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { testActor } from './helpers/fixtures.js';
import { setUp } from './helpers/network.js';
import { makeServiceContext } from '../src/modules/directory/context.js';
import { COLUMNS } from '../src/modules/jurisdictions/registration-csv.js';
import { placeholder } from './helpers/schema-walk.js';

const admin = { subject: 'admin', role: 'ADMIN' as const, scope: null };

/** A bulk registration that renames lippe's authority and leaves out its jurisdictions (which would end them). */
const intruder: Record<string, string> = { key: 'ags:05766020', kind: 'ENFORCEMENT', name: 'Hijacked', street: 'Markt', house_number: '1', postal_code: '32756', city: 'Detmold', tenant: 'lippe' };
const intruderFile = `${COLUMNS.join(',')}\n${COLUMNS.map((c) => intruder[c] ?? '').join(',')}\n`;

/** Arguments that aim at the protected side: data centre krz, tenant lippe, authorities of lippe. */
function argumentsFor(field: string, f: { jurisdictionId: string; deliveryId: string; thumbprint: string }): Record<string, unknown> {
  const address = { postalCode: '32756', city: 'Detmold' };
  const table: Record<string, Record<string, unknown>> = {
    municipality: { ags: '05766020' },
    region: { ars: '05766' },
    postalCode: { postcode: '32756' },
    responsibleAuthority: { input: { ags: '05766020' } },
    responsibleAuthorities: { inputs: [{ ags: '05766020' }] },
    authority: { key: 'ags:05766020' },
    createAuthority: { input: { key: 'ags:05766999', kind: 'ENFORCEMENT', name: 'Intruder', postalAddress: address, tenantCode: 'lippe' } },
    updateAuthority: { key: 'ags:05766020', expectedVersion: 1, input: { name: 'Hijacked' } },
    deactivateAuthority: { key: 'ags:05766020', expectedVersion: 1 },
    createTask: { code: 'INTRUDER', name: 'x' },
    importAuthorities: { csv: intruderFile, dryRun: false },
    deleteAuthority: { key: 'ags:05766020' },
    deleteTask: { code: 'VOLLSTRECKUNGSHILFE' },
    createJurisdiction: { input: { authorityKey: 'ags:05766020', scope: { level: 'MUNICIPALITY', key: '05766020' } } },
    endJurisdiction: { id: f.jurisdictionId, validTo: '2030-01-01', expectedVersion: 1 },
    deleteJurisdiction: { id: f.jurisdictionId, expectedVersion: 1 },
    dataCenter: { code: 'krz' },
    tenant: { code: 'lippe' },
    createDataCenter: { input: { code: 'intruder', name: 'x' } },
    updateDataCenter: { code: 'krz', expectedVersion: 1, input: { name: 'Hijacked' } },
    createTenant: { input: { code: 'intruder', name: 'x', dataCenterCode: 'krz' } },
    updateTenant: { code: 'lippe', expectedVersion: 1, input: { name: 'Hijacked' } },
    requestCertificateChallenge: { dataCenterCode: 'krz', certificate: 'MIIB' },
    uploadCertificate: { input: { dataCenterCode: 'krz', usage: 'ENCRYPTION', certificate: 'MIIB', proof: 'x.y.z' } },
    revokeCertificate: { thumbprintSha256: f.thumbprint, reason: 'test' },
    route: { input: { recipientKey: 'ags:05766020', messageType: '100' } },
    delivery: { id: f.deliveryId },
    acknowledgeDelivery: { id: f.deliveryId, outcome: 'ACCEPTED' },
    endpointHealth: { dataCenterCode: 'krz' },
    testDataCenterEndpoint: { dataCenterCode: 'krz' },
    dispatch: {
      input: {
        idempotencyKey: 'intruder-0001',
        senderKey: 'ags:05766020',
        messageType: '100',
        recipientKey: 'ags:05766044',
        reference: 'x',
        payload: Buffer.from('<x/>').toString('base64'),
        fileName: 'x.xml',
        contentType: 'application/xml',
      },
    },
    deliveryStatistics: { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', groupBy: 'DAY' },
    municipalityHistory: { ags: '05766020' },
    structuralChange: { id: '1' },
    planStructuralChange: { input: { kind: 'RENAME', effectiveDate: '2027-01-01', predecessors: ['05766020'], successors: [{ ags: '05766020', name: 'X' }] } },
    cancelStructuralChange: { id: '1', expectedVersion: 1 },
    confirmStructuralChange: { id: '1', expectedVersion: 1 },
    rejectStructuralChange: { id: '1', expectedVersion: 1 },
    applyDueStructuralChanges: { at: '2026-11-22' },
  };
  return table[field] ?? {};
}

/** What a list-returning read selects, so a leak would show. */
const SELECTIONS: Record<string, string> = {
  dataCenters: '{ code }',
  deliveries: '{ nodes { id senderKey } }',
  certificateWarnings: '{ expiring { thumbprintSha256 } dataCentersWithoutEncryption { dataCenterCode } }',
  dataCenter: '{ code }',
  tenant: '{ code }',
  delivery: '{ id }',
  endpointHealth: '{ dataCenterCode lastFailureReason }',
  testDataCenterEndpoint: '{ dataCenterCode endpointUrl detail }',
  coverage: '{ municipalities districts { ars } uncoveredMunicipalities { nodes { ags name } } }',
};


function operationFor(kind: 'query' | 'mutation', name: string, args: readonly GraphQLArgument[], returns: unknown, given: Record<string, unknown>) {
  const used = args.filter((a) => a.name in given || (isNonNullType(a.type) && a.defaultValue === undefined));
  const variables: Record<string, unknown> = {};
  for (const a of used) variables[a.name] = a.name in given ? given[a.name] : placeholder(a.type);
  const decl = used.length ? `(${used.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ')})` : '';
  const pass = used.length ? `(${used.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
  const selection = isObjectType(getNamedType(returns as never)) ? (SELECTIONS[name] ?? '{ __typename }') : '';
  return { query: `${kind}${decl} { ${name}${pass} ${selection} }`, variables };
}

forEachEngine('access rules walked over the whole schema', (engine) => {
  let database: Database;
  let app: App;
  let keys: TestKeys;
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  const fixture = { jurisdictionId: '', deliveryId: '', thumbprint: '' };
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    database = await engine.open();
    keys = await makeKeys();
    const net = await setUp(database, clock, 'http://127.0.0.1:9/xta');
    fixture.thumbprint = net.thumbprint;
    const ctx = makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory: net.directory });
    await createDataCenter(ctx, { code: 'other', name: 'Other RZ' });
    await createTenant(ctx, { code: 'fremd', name: 'Fremd', dataCenterCode: 'other' });
    const addr = { street: 'Markt', houseNumber: '1', postalCode: '32825', city: 'Blomberg' };
    await createAuthority(ctx, { key: 'ags:05766008', kind: 'ENFORCEMENT', name: 'Blomberg', postalAddress: addr, tenantCode: 'fremd', webhookUrl: 'http://127.0.0.1:9/hook', webhookSecret: 'a-secret-of-16-chars' });
    const j = await createJurisdiction(ctx, { authorityKey: 'ags:05766020', task: 'VOLLSTRECKUNGSHILFE', scope: { level: 'STREET', street: { ags: '05766020', postalCode: '32756', street: 'Marktplatz' } } } as never);
    fixture.jurisdictionId = String(j.id);
    const d = await dispatch(makeServiceContext({ db: database.db, clock, principal: admin, actor: testActor, directory: net.directory }), {
      idempotencyKey: 'access-test-0001',
      senderKey: 'ags:05766044',
      messageType: '100',
      recipientKey: 'ags:05766020',
      reference: 'VH-1',
      payload: Buffer.from('<x/>').toString('base64'),
      fileName: 'x.xml',
      contentType: 'application/xml',
    } as never, { maxPayloadBytes: 1024 * 1024 });
    fixture.deliveryId = d.id;
    app = testApp(database, clock, keys, ['ES256'], { directory: net.directory });
    const t = (role: string, scope?: string) => token(keys, { role, scope, now: clock.now(), sub: `${role}:${scope ?? '-'}` });
    tokens.ADMIN = await t('ADMIN');
    tokens.TENANT_MANAGER = await t('TENANT_MANAGER', 'lippe');
    tokens.DATA_CENTER = await t('DATA_CENTER', 'krz');
    tokens.CLIENT = await t('CLIENT', 'ags:05766044');
    tokens.FOREIGN_TENANT_MANAGER = await t('TENANT_MANAGER', 'fremd');
    tokens.FOREIGN_DATA_CENTER = await t('DATA_CENTER', 'other');
    tokens.FOREIGN_CLIENT = await t('CLIENT', 'ags:05766008');
  });
  afterAll(async () => {
    await database?.close();
  });

  const auditCount = async () => (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log`))[0]!.n;
  const codesAt = (body: any, field: string) => (body.errors ?? []).filter((e: any) => e.path?.[0] === field).map((e: any) => e.extensions?.code);

  it('every root field has a rule; anonymous callers are refused everywhere but the public register', async () => {
    const schema = app.yoga.getEnveloped().schema;
    const roots: ['query' | 'mutation', GraphQLObjectType][] = [
      ['query', schema.getQueryType()!],
      ['mutation', schema.getMutationType()!],
    ];
    let checked = 0;
    for (const [kind, type] of roots) {
      for (const field of Object.values(type.getFields())) {
        const access = ROOT_ACCESS[`${type.name}.${field.name}`];
        expect(access, `${type.name}.${field.name} has an access rule`).toBeDefined();
        const op = operationFor(kind, field.name, field.args, field.type, argumentsFor(field.name, fixture));
        const res = await gql(app, op.query, op.variables);
        const codes = codesAt(res.body, field.name);
        if (access === 'PUBLIC') expect(codes, field.name).not.toContain('UNAUTHENTICATED');
        else {
          expect(codes, `${field.name} anonymous: ${JSON.stringify(res.body.errors)}`).toEqual(['UNAUTHENTICATED']);
          expect(res.body.data?.[field.name] ?? null, field.name).toBeNull();
        }
        checked++;
      }
    }
    expect(checked).toBe(Object.keys(ROOT_ACCESS).length);
  });

  it('wrong role or wrong scope: refused (or shown nothing of the other side), and nothing changes', async () => {
    const before = await auditCount();
    const schema = app.yoga.getEnveloped().schema;
    const callers = ['FOREIGN_TENANT_MANAGER', 'FOREIGN_DATA_CENTER', 'FOREIGN_CLIENT'];
    const report: string[] = [];
    const roots: ['query' | 'mutation', GraphQLObjectType][] = [
      ['query', schema.getQueryType()!],
      ['mutation', schema.getMutationType()!],
    ];
    for (const [kind, type] of roots) {
      for (const field of Object.values(type.getFields())) {
        const access = ROOT_ACCESS[`${type.name}.${field.name}`]!;
        if (access === 'PUBLIC' || access === 'ANY') continue; // the directory itself: open to every participant
        const op = operationFor(kind, field.name, field.args, field.type, argumentsFor(field.name, fixture));
        for (const caller of callers) {
          const role = caller.replace('FOREIGN_', '');
          const res = await gql(app, op.query, op.variables, tokens[caller]);
          const codes = codesAt(res.body, field.name);
          const value = res.body.data?.[field.name] ?? null;
          const leaked = JSON.stringify(value ?? null).match(/krz|lippe|05766044|05766020/);
          const refused = codes.includes('FORBIDDEN') || codes.includes('NOT_FOUND');

          if (!(access as string[]).includes(role)) {
            if (!codes.includes('FORBIDDEN')) report.push(`${field.name} as ${caller}: wrong role not refused ${JSON.stringify(res.body)}`);
          } else if (!(refused || !leaked)) {
            report.push(`${field.name} as ${caller}: wrong scope not refused ${JSON.stringify(res.body)}`);
          }
        }
      }
    }
    expect(report).toEqual([]);
    expect(await auditCount()).toBe(before);
  });

  it('the right scope gets through the same root fields (the refusals above are about scope, not blanket)', async () => {
    const reads: [string, string, Record<string, unknown>][] = [
      ['TENANT_MANAGER', `{ tenant(code: "lippe") { code dataCenter { code endpoints } } }`, { tenant: { code: 'lippe', dataCenter: { code: 'krz', endpoints: ['http://127.0.0.1:9/xta'] } } }],
      ['DATA_CENTER', `{ dataCenter(code: "krz") { code tenants { code } } }`, { dataCenter: { code: 'krz', tenants: [{ code: 'lippe' }] } }],
      ['CLIENT', `query($id: ID!) { delivery(id: $id) { senderKey } }`, { delivery: { senderKey: 'ags:05766044' } }],
    ];
    for (const [role, query, data] of reads) {
      const res = await gql(app, query, { id: fixture.deliveryId }, tokens[role]);
      expect(res.body, role).toEqual({ data });
    }
  });

  it("nested fields: a client learns the channel through route, but not the data centre's endpoint, certificate or inner details", async () => {
    const channel = `{ route(input: { recipientKey: "ags:05766020", messageType: "100" }) { channel transport { recipientKey dataCenter { code name } } } }`;
    expect((await gql(app, channel, {}, tokens.CLIENT)).body).toEqual({
      data: { route: { channel: 'ELECTRONIC', transport: { recipientKey: 'ags:05766020', dataCenter: { code: 'krz', name: 'KRZ' } } } },
    });
    const inners = ['endpointUrl', 'certificate { thumbprintSha256 }', 'dataCenter { activeCertificate { revocationReason } }'];
    inners.push(...['certificates { thumbprintSha256 }', 'tenants { code }', 'endpoints', 'contact { email }', 'status'].map((f) => `dataCenter { ${f} }`));
    for (const inner of inners) {
      const q = `{ route(input: { recipientKey: "ags:05766020", messageType: "100" }) { transport { ${inner} } } }`;
      const refused = await gql(app, q, {}, tokens.CLIENT);
      expect(refused.body.errors!.map((e) => e.extensions?.code), inner).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(refused.body.data), inner).not.toMatch(/lippe|xta|127\.0\.0\.1|[0-9a-f]{64}/);
      // The data centre itself and ADMIN read it through the same path.
      for (const insider of ['DATA_CENTER', 'ADMIN']) {
        const own = await gql(app, q, {}, tokens[insider]);
        expect(own.body.errors, `${inner} as ${insider}`).toBeUndefined();
      }
    }
    const own = await gql(app, `{ route(input: { recipientKey: "ags:05766020", messageType: "100" }) { transport { endpointUrl certificate { thumbprintSha256 } } } }`, {}, tokens.DATA_CENTER);
    expect(own.body.data!.route.transport).toEqual({ endpointUrl: 'http://127.0.0.1:9/xta', certificate: { thumbprintSha256: fixture.thumbprint } });
  });

  it('deleteAuthority counts deliveries among what references an authority', async () => {
    const res = await gql(app, `mutation { deleteAuthority(key: "ags:05766044") }`, {}, tokens.ADMIN);
    expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe('CONFLICT');
    expect(res.body.errors![0]!.message).toContain(`1 delivery as sender or recipient (#${fixture.deliveryId})`);
  });

  it("nested fields: another tenant's webhook settings are not visible through lookups", async () => {
    const q = `{ responsibleAuthority(input: { ags: "05766020" }) { authority { key } } a: authority(key: "ags:05766008") { key webhookUrl } }`;
    const foreign = await gql(app, q, {}, tokens.TENANT_MANAGER);
    expect(foreign.body.data!.a).toEqual({ key: 'ags:05766008', webhookUrl: null });
    expect(foreign.body.errors!.map((e: any) => [e.path, e.extensions?.code])).toEqual([[['a', 'webhookUrl'], 'FORBIDDEN']]);
    const owner = await gql(app, `{ authority(key: "ags:05766008") { webhookUrl } }`, {}, tokens.FOREIGN_TENANT_MANAGER);
    expect(owner.body).toEqual({ data: { authority: { webhookUrl: 'http://127.0.0.1:9/hook' } } });
    const itself = await gql(app, `{ authority(key: "ags:05766008") { webhookUrl } }`, {}, tokens.FOREIGN_CLIENT);
    expect(itself.body.data!.authority.webhookUrl).toBe('http://127.0.0.1:9/hook');
  });
});
