// Logs carry request ids and no personal data or tokens; /metrics speaks Prometheus text format.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { startJobs } from '../src/jobs/scheduler.js';
import { ManualClock } from '../src/lib/clock.js';
import { createLogger } from '../src/lib/logger.js';
import { makeKeys, serve, testApp, token } from './helpers/app.js';
import { forEachEngine } from './helpers/engines.js';
import { setUp } from './helpers/network.js';

function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  let raw = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      raw += chunk.toString();
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: createLogger('debug', stream), lines, raw: () => raw };
}

/** The value of one sample line, e.g. metric('bv_lookups_total{status="RESOLVED"}'); 0 when absent. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

forEachEngine('logs and metrics', (engine) => {
  let database: Database;
  let served: { url: string; close(): Promise<void> };
  const clock = new ManualClock('2026-11-22T10:00:00Z');
  const mem = memoryLog();
  let bearer: string;
  let thumbprint: string;

  beforeAll(async () => {
    database = await engine.open();
    const keys = await makeKeys();
    const net = await setUp(database, clock, 'http://127.0.0.1:9/xta');
    thumbprint = net.thumbprint;
    const app = testApp(database, clock, keys, ['ES256'], { directory: net.directory, log: mem.log, metricsToken: 'metrics-token-0123456789' });
    served = await serve(app);
    bearer = await token(keys, { role: 'CLIENT', scope: 'ags:05766044', now: clock.now() });
  });
  afterAll(async () => {
    await served?.close();
    await database?.close();
  });

  const metrics = async () => {
    const res = await fetch(`${served.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('/metrics needs its token when one is configured', async () => {
    expect((await fetch(`${served.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${served.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('one log line per request with its request id, and none with the address, variables or token', async () => {
    const query = `query Lookup($a: AddressInput!) { responsibleAuthority(input: { address: $a }) { status } }`;
    const res = await fetch(`${served.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, 'x-request-id': 'fv-4711' },
      body: JSON.stringify({ query, variables: { a: { street: 'Geheimweg', houseNumber: '13', postalCode: '32756', city: 'Detmold' } } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('fv-4711');
    const line = mem.lines.find((l) => l.requestId === 'fv-4711');
    expect(line).toMatchObject({ msg: 'request', method: 'POST', path: '/graphql', status: 200, operation: 'query Lookup', role: 'CLIENT', service: 'behoerdenverzeichnis' });
    expect(typeof line!.ms).toBe('number');
    const generated = await fetch(`${served.url}/healthz`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(mem.raw()).not.toMatch(/Geheimweg|Bearer|eyJ/);
    expect(mem.raw()).not.toContain(bearer.split('.')[2]);
  });

  it('counts requests, operations, lookups and deliveries; reads outbox and certificate expiry from the database', async () => {
    const before = await metrics();
    const gql = (query: string, variables: Record<string, unknown> = {}) =>
      fetch(`${served.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ query, variables }),
      }).then((r) => r.json() as Promise<any>);
    await gql(`query Many { responsibleAuthorities(inputs: [{ ags: "05766020" }, { ags: "99999999" }, { ags: "99999998" }]) { status } }`);
    const sent = await gql(
      `mutation Send($i: DispatchInput!) { dispatch(input: $i) { id status channel } }`,
      { i: { idempotencyKey: 'metrics-0001', senderKey: 'ags:05766044', messageType: '100', recipientKey: 'ags:05766020', reference: 'R', payload: 'PHgvPg==', fileName: 'x.xml', contentType: 'application/xml' } },
    );
    expect(sent.data.dispatch).toMatchObject({ status: 'PENDING', channel: 'ELECTRONIC' });
    const jobs = startJobs([{ id: 'metrics-probe', schedule: '0 0 1 1 *', runAtStart: true, execute: async () => 'ok' }], mem.log);
    await jobs.stop();
    const after = await metrics();
    const delta = (name: string) => sample(after, name) - sample(before, name);
    expect(delta('bv_http_requests_total{path="/graphql",status="200"}')).toBe(2);
    expect(delta('bv_graphql_operation_duration_seconds_count{operation="query Many",outcome="ok"}')).toBe(1);
    expect(delta('bv_graphql_operation_duration_seconds_count{operation="mutation Send",outcome="ok"}')).toBe(1);
    expect(delta('bv_lookups_total{status="RESOLVED"}') + delta('bv_lookups_total{status="NO_JURISDICTION"}')).toBe(1);
    expect(delta('bv_lookups_total{status="NOT_FOUND"}')).toBe(2); // a bulk request counts each status once, by its number
    expect(delta('bv_delivery_events_total{status="PENDING",channel="ELECTRONIC"}')).toBe(1);
    expect(delta('bv_job_runs_total{job="metrics-probe",outcome="ok"}')).toBe(1);
    expect(sample(after, 'bv_delivery_outbox{channel="ELECTRONIC"}')).toBe(1);
    expect(sample(after, 'bv_database_up')).toBe(1);
    // The fixture certificate runs 90 days from the test clock's "now".
    const expiry = sample(after, `bv_certificate_expiry_seconds{data_center="krz",usage="ENCRYPTION",thumbprint="${thumbprint}"}`);
    expect(expiry).toBe(90 * 86_400);
    expect(after).toMatch(/^bv_process_resident_memory_bytes \d+/m);
  });
});
