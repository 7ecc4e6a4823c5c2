// Compiled execution (graphql-jit) must run the operation the request names, however often the
// document came before and whoever sent it: the plugin caches one compiled query per document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { openPglite } from '../src/db/client.js';
import { ManualClock } from '../src/lib/clock.js';
import { loadDemoSeed } from '../seed/load.js';
import { makeKeys, serve, testApp, token } from './helpers/app.js';
import { testActor } from './helpers/fixtures.js';

const clock = new ManualClock('2026-11-22T10:00:00Z');
// More than the runs after which a document is compiled (COMPILE_AFTER in src/app/yoga.ts).
const RUNS = 12;

describe('compiled documents and operation names [pglite]', () => {
  let database: Database;
  let served: Awaited<ReturnType<typeof serve>>;
  let admin: string;
  beforeAll(async () => {
    database = await openPglite({});
    await database.migrate();
    await loadDemoSeed(database.db, clock, testActor);
    const keys = await makeKeys();
    admin = await token(keys, { role: 'ADMIN', now: clock.now() });
    served = await serve(testApp(database, clock, keys));
  });
  afterAll(async () => {
    await served?.close();
    await database?.close();
  });

  const post = async (body: object) => {
    const r = await fetch(`${served.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify(body),
    });
    return (await r.json()) as { data?: Record<string, unknown> | null; errors?: { message: string }[] };
  };
  const input = { address: { postalCode: '32657', city: 'Lemgo' } };

  it('each operation of a two-operation document answers with its own fields, in either order', async () => {
    const query = 'query Short($i: JurisdictionInput!) { r: responsibleAuthority(input: $i) { status } } query Full($i: JurisdictionInput!) { r: responsibleAuthority(input: $i) { status explanation } }';
    const short = { data: { r: { status: expect.any(String) } } };
    for (let i = 0; i < RUNS; i++) expect(await post({ query, operationName: 'Short', variables: { i: input } })).toEqual(short);
    const full = await post({ query, operationName: 'Full', variables: { i: input } });
    expect(full.errors).toBeUndefined();
    expect((full.data!.r as { explanation: string[] }).explanation.length).toBeGreaterThan(0);
    for (let i = 0; i < RUNS; i++) await post({ query, operationName: 'Full', variables: { i: input } });
    expect(await post({ query, operationName: 'Short', variables: { i: input } })).toEqual(short);
  });

  it('a GET naming the query never runs the document’s mutation, however often it was posted', async () => {
    const query = 'mutation M { importAuthorities(csv: "key,name\\n", dryRun: true) { __typename } } query Q { me { role } }';
    for (let i = 0; i < RUNS; i++) await post({ query, operationName: 'M' });
    const url = `${served.url}/graphql?${new URLSearchParams({ query, operationName: 'Q' })}`;
    const r = await fetch(url, { headers: { authorization: `Bearer ${admin}`, accept: 'application/json' } });
    expect(await r.json()).toEqual({ data: { me: { role: 'ADMIN' } } });
  });

  it('a name no operation has is refused for that request only, not cached for everyone sending the text', async () => {
    const query = 'query Mine { me { role } }';
    for (let i = 0; i < RUNS; i++) expect(await post({ query })).toEqual({ data: { me: { role: 'ADMIN' } } });
    const wrong = await post({ query, operationName: 'Nope' });
    expect(wrong.data ?? null).toBeNull();
    expect(wrong.errors?.[0]?.message).toMatch(/operation/);
    expect(await post({ query })).toEqual({ data: { me: { role: 'ADMIN' } } });
    expect(await post({ query, operationName: 'Mine' })).toEqual({ data: { me: { role: 'ADMIN' } } });
  });
});
