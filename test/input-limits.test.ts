// Walks the schema: every String argument and input field (at any depth) has a documented @limit, and
// an over-long, a NUL-bearing or (for lists) an over-full value is refused with BAD_USER_INPUT naming
// the field and the limit, before any resolver runs: nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getDirectiveValues,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLDirective,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { sql } from 'drizzle-orm';
import type { App } from '../src/app/app.js';
import { queryRows, type Database } from '../src/db/client.js';
import { openPglite } from '../src/db/client.js';
import { ROOT_ACCESS } from '../src/graphql/access.js';
import { ManualClock } from '../src/lib/clock.js';
import { loadDemoSeed } from '../seed/load.js';
import { gql, makeKeys, testApp, token } from './helpers/app.js';
import { testActor } from './helpers/fixtures.js';
import { placeholder } from './helpers/schema-walk.js';

interface Target {
  /** root field (Query.x / Mutation.x) or the one nested field with arguments */
  operation: 'query' | 'mutation';
  field: string;
  arg: GraphQLArgument;
  /** path inside the argument's value: field names and list indexes */
  path: (string | number)[];
  /** the error names the field like this, e.g. input.address.city */
  name: string;
  max: number;
  items?: number;
}


/** Every string (or list) position reachable from one argument, with its limit. */
function positions(directive: GraphQLDirective, input: GraphQLArgument | GraphQLInputField, path: (string | number)[], name: string, seen: Set<string>): Omit<Target, 'operation' | 'field' | 'arg'>[] {
  const limit = input.astNode ? (getDirectiveValues(directive, input.astNode) as { max: number; items?: number } | undefined) : undefined;
  let type = getNullableType(input.type) as GraphQLInputType;
  const out: Omit<Target, 'operation' | 'field' | 'arg'>[] = [];
  if (isListType(type)) {
    if (limit?.items) out.push({ path, name, max: limit.max, items: limit.items });
    type = getNullableType(type.ofType) as GraphQLInputType;
    path = [...path, 0];
    name = `${name}[0]`;
  }
  if (isScalarType(type) && (type.name === 'String' || type.name === 'ID')) {
    expect(limit, `${name} has no @limit`).toBeDefined();
    out.push({ path, name, max: limit!.max });
  }
  if (isInputObjectType(type) && !seen.has(type.name)) {
    for (const f of Object.values(type.getFields())) out.push(...positions(directive, f, [...path, f.name], `${name}.${f.name}`, new Set([...seen, type.name])));
  }
  return out;
}

function targets(schema: GraphQLSchema): Target[] {
  const directive = schema.getDirective('limit')!;
  const out: Target[] = [];
  for (const [operation, type] of [['query', schema.getQueryType()!], ['mutation', schema.getMutationType()!]] as const) {
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) {
        for (const p of positions(directive, arg, [], arg.name, new Set())) out.push({ operation, field: field.name, arg, ...p });
      }
    }
  }
  return out;
}

/** A valid-looking value of this type with `v` at `path` (required siblings filled with placeholders). */
function valueAt(type: GraphQLInputType, path: (string | number)[], v: unknown): unknown {
  if (!path.length) return v;
  const t = getNullableType(type) as GraphQLInputType;
  const [head, ...rest] = path;
  if (isListType(t)) return [valueAt(t.ofType as GraphQLInputType, rest, v)];
  if (!isInputObjectType(t)) throw new Error(`cannot descend into ${String(t)} at ${String(head)}`);
  return { ...(placeholder(t) as object), [head!]: valueAt(t.getFields()[head as string]!.type, rest, v) };
}

/** A document calling one root field with all its required arguments (placeholders) and the target's value. */
function operationFor(t: Target, field: { args: readonly GraphQLArgument[] }, value: unknown) {
  const used = field.args.filter((a) => a === t.arg || (isNonNullType(a.type) && a.defaultValue === undefined));
  const variables: Record<string, unknown> = {};
  for (const a of used) variables[a.name] = a === t.arg ? valueAt(a.type, t.path, value) : placeholder(a.type);
  const decl = `(${used.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ')})`;
  const pass = `(${used.map((a) => `${a.name}: $${a.name}`).join(', ')})`;
  return { query: `${t.operation}${decl} { ${t.field}${pass} { __typename } }`, variables };
}

const scalarReturn = new Set(['applyDueStructuralChanges', 'deleteJurisdiction', 'me']);

describe('input limits walked over the whole schema', () => {
  let database: Database;
  let app: App;
  let admin: string;
  /** a token for fields ADMIN may not use (acknowledgeDelivery: the recipient's) */
  let recipient: string;
  const clock = new ManualClock('2026-11-22T10:00:00Z');

  beforeAll(async () => {
    database = await openPglite({});
    await database.migrate();
    await loadDemoSeed(database.db, clock, testActor);
    const keys = await makeKeys();
    app = testApp(database, clock, keys);
    admin = await token(keys, { role: 'ADMIN', now: clock.now() });
    recipient = await token(keys, { role: 'CLIENT', scope: 'ags:05766020', now: clock.now() });
  });
  afterAll(async () => {
    await database?.close();
  });

  const auditCount = async () => (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log`))[0]!.n;

  async function expectRefused(t: Target, value: unknown, reason: RegExp) {
    const schema = app.yoga.getEnveloped().schema;
    const root = t.operation === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
    const field = root.getFields()[t.field]!;
    let { query, variables } = operationFor(t, field, value);
    const named = getNamedType(field.type);
    if (scalarReturn.has(t.field) || isScalarType(named) || isEnumType(named)) query = query.replace(' { __typename } }', ' }');
    const access = ROOT_ACCESS[`${root.name}.${t.field}`];
    const r = await gql(app, query, variables, Array.isArray(access) && !access.includes('ADMIN') ? recipient : admin);
    const errors = r.body.errors ?? [];
    expect(errors.map((e) => e.extensions?.code), `${t.field} ${t.name}: ${JSON.stringify(errors)}`).toEqual(['BAD_USER_INPUT']);
    expect(errors[0]!.message).toMatch(new RegExp(`^${t.name.replace(/[[\]().]/g, '\\$&')}: `));
    expect(errors[0]!.message).toMatch(reason);
  }

  it('every String input has a limit, and over-long, NUL and over-full values are refused naming the field', async () => {
    const list = targets(app.yoga.getEnveloped().schema);
    expect(list.length).toBeGreaterThan(100);
    const before = await auditCount();
    for (const t of list) {
      if (t.items) {
        await expectRefused(t, Array.from({ length: t.items + 1 }, () => 'x'), new RegExp(`at most ${t.items} items, got ${t.items + 1}`));
        continue;
      }
      // Values beyond what a request body may carry are stopped by the body limit (413) instead.
      if (t.max < 1_000_000) await expectRefused(t, 'a'.repeat(t.max + 1), new RegExp(`at most ${t.max} characters, got ${t.max + 1}`));
      await expectRefused(t, 'a\u0000b', /control character U\+0000 at position 1/);
    }
    expect(await auditCount()).toBe(before);
  });

  it('arguments of nested fields are limited too', async () => {
    const create = `mutation { createAuthority(input: { key: "ags:05766020", kind: ENFORCEMENT, name: "Stadt Detmold",
      postalAddress: { street: "Marktplatz", houseNumber: "5", postalCode: "32756", city: "Detmold" } }) { key } }`;
    expect((await gql(app, create, {}, admin)).body.data?.createAuthority?.key).toBe('ags:05766020');
    const q = 'query($m: String!) { authorities(first: 1) { nodes { acceptsElectronicDelivery(messageType: $m) } } }';
    const r = await gql(app, q, { m: '1'.repeat(33) }, admin);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.body.errors?.[0]?.message).toBe('messageType: at most 32 characters, got 33');
  });

  it('free text keeps its line breaks; one-line fields refuse them', async () => {
    const plan = `mutation($d: String) { createTask(code: "LIMITS_TEST", name: "Grenzen", description: $d) { code } }`;
    expect((await gql(app, plan, { d: 'Zeile 1\nZeile 2\tmit Tab' }, admin)).body.data?.createTask?.code).toBe('LIMITS_TEST');
    const r = await gql(app, 'mutation($n: String!) { createTask(code: "LIMITS_TEST2", name: $n) { code } }', { n: 'Zeile 1\nZeile 2' }, admin);
    expect(r.body.errors?.[0]?.message).toBe('name: control character U+000a at position 7 is not allowed (one line of text)');
  });
});
