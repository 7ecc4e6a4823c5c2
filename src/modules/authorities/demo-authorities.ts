// A nationwide demo directory: one demo enforcement authority per Gemeindeverband (record 50) with
// jurisdiction over its municipalities, a plausible postal address and, for a deterministic share,
// electronic participation. Everything is marked as demo data (isDemo, key prefix "demo:").
import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authorities, jurisdictions, regions } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { CHUNK, validAt } from '../../db/versioned.js';
import { municipalityCityKey } from '../addresses/normalize.js';
import { writeAudit, type Actor } from '../audit/audit.service.js';
import { bumpDirectoryVersion } from '../directory/version.js';
import { SPECIFICITY } from '../directory/specificity.js';
import { MESSAGE_TYPES } from './message-types.js';

export const DEMO_PREFIX = 'demo:';
/** Share of demo authorities that take part electronically, in percent. */
export const DEMO_ELECTRONIC_PERCENT = 60;

export interface DemoResult {
  associations: number;
  created: number;
  updated: number;
  deactivated: number;
  electronic: number;
  jurisdictionsCreated: number;
  skippedAreas: number;
}

export class DemoError extends Error {}

const hashByte = (s: string, i = 0) => createHash('sha256').update(s).digest()[i]!;

type RegionRow = typeof regions.$inferSelect;
type NewAuthority = typeof authorities.$inferInsert;
type AuthorityRow = typeof authorities.$inferSelect;

/** What every step of one generation shares. */
interface DemoRun {
  tx: Db;
  at: string;
  task: string;
  now: Date;
  result: DemoResult;
}

const demoKeys = () => sql`${authorities.key} like ${`${DEMO_PREFIX}%`}`;

export async function generateDemoAuthorities(db: Db, clock: Clock, opts: { at: string; task?: string; actor: Actor }): Promise<DemoResult> {
  const task = opts.task ?? 'VOLLSTRECKUNGSHILFE';
  return db.transaction(async (tx) => {
    const wanted = wantedAuthorities(await associationsWithMembers(tx, opts.at));
    const existing = new Map((await tx.select().from(authorities).where(demoKeys())).map((a) => [a.key, a]));
    const result: DemoResult = { associations: wanted.size, created: 0, updated: 0, deactivated: 0, electronic: 0, jurisdictionsCreated: 0, skippedAreas: 0 };
    const run: DemoRun = { tx, at: opts.at, task, now: clock.now(), result };
    await upsertAuthorities(run, wanted, existing);
    await deactivateStale(run, wanted, existing);
    await createRules(run, wanted);
    await writeAudit(tx, clock, opts.actor, { action: 'GENERATE_DEMO_AUTHORITIES', entityType: 'DemoDirectory', entityId: opts.at, after: { task, ...result } });
    await bumpDirectoryVersion(tx);
    return result;
  });
}

/** The Gemeindeverbände on `at`, each with its municipalities. */
async function associationsWithMembers(tx: Db, at: string): Promise<{ a: RegionRow; members: RegionRow[] }[]> {
  const assocs = await tx.select().from(regions).where(and(eq(regions.level, 'ASSOCIATION'), validAt(regions, at)));
  if (!assocs.length) throw new DemoError(`The register has no Gemeindeverbände on ${at}: import a GV100AD edition first`);
  const munis = await tx.select().from(regions).where(and(eq(regions.level, 'MUNICIPALITY'), validAt(regions, at)));
  const byAssoc = new Map<string, RegionRow[]>();
  for (const m of munis) {
    const k = m.ars.slice(0, 9);
    byAssoc.set(k, [...(byAssoc.get(k) ?? []), m]);
  }
  return assocs.map((a) => ({ a, members: byAssoc.get(a.ars) ?? [] }));
}

/** One demo authority per Gemeindeverband that has municipalities, by key. */
function wantedAuthorities(assocs: { a: RegionRow; members: RegionRow[] }[]): Map<string, NewAuthority> {
  const wanted = new Map<string, NewAuthority>();
  for (const { a, members } of assocs) {
    if (!members.length) continue;
    wanted.set(`${DEMO_PREFIX}${a.ars}`, demoAuthority(a, members));
  }
  return wanted;
}

/** Seated in the member named like the Verband's seat; address and participation derived from the ARS. */
function demoAuthority(a: RegionRow, members: RegionRow[]): NewAuthority {
  const seatName = a.seat ?? a.name.split(',')[0]!;
  const seat = members.find((m) => municipalityCityKey(m.name) === municipalityCityKey(seatName)) ?? members[0]!;
  const electronic = (hashByte(a.ars) * 100) / 256 < DEMO_ELECTRONIC_PERCENT;
  return {
    key: `${DEMO_PREFIX}${a.ars}`,
    kind: 'ENFORCEMENT',
    name: `[DEMO] Vollstreckungsstelle ${a.name}`,
    street: 'Rathausplatz',
    houseNumber: String(1 + (hashByte(a.ars, 1) % 20)),
    postcode: seat.townHallPostcode ?? members.find((m) => m.townHallPostcode)?.townHallPostcode ?? '00000',
    city: seatName,
    contact: { email: `vollstreckung@${a.ars}.demo.invalid` },
    messageTypes: electronic ? [...MESSAGE_TYPES] : [],
    standardVersion: electronic ? '1.1.0' : null,
    isDemo: true,
    status: 'ACTIVE',
  };
}

async function upsertAuthorities({ tx, now, result }: DemoRun, wanted: Map<string, NewAuthority>, existing: Map<string, AuthorityRow>): Promise<void> {
  const inserts: NewAuthority[] = [];
  for (const [key, w] of wanted) {
    if ((w.messageTypes ?? []).length) result.electronic++;
    const cur = existing.get(key);
    if (!cur) inserts.push({ ...w, createdAt: now, updatedAt: now });
    else if (cur.name !== w.name || cur.postcode !== w.postcode || cur.city !== w.city || cur.status !== 'ACTIVE') {
      await tx
        .update(authorities)
        .set({ name: w.name, postcode: w.postcode, city: w.city, status: 'ACTIVE', version: cur.version + 1, updatedAt: now })
        .where(eq(authorities.id, cur.id));
      result.updated++;
    }
  }
  for (let i = 0; i < inserts.length; i += CHUNK) await tx.insert(authorities).values(inserts.slice(i, i + CHUNK));
  result.created = inserts.length;
}

/** Demo authorities of associations that no longer exist are deactivated, their rules ended. */
async function deactivateStale({ tx, at, now, result }: DemoRun, wanted: Map<string, NewAuthority>, existing: Map<string, AuthorityRow>): Promise<void> {
  const stale = [...existing.values()].filter((a) => !wanted.has(a.key) && a.status === 'ACTIVE');
  if (!stale.length) return;
  const ids = stale.map((a) => a.id);
  await tx.update(authorities).set({ status: 'INACTIVE', updatedAt: now }).where(inArray(authorities.id, ids));
  await tx
    .update(jurisdictions)
    .set({ validTo: at })
    .where(and(inArray(jurisdictions.authorityId, ids), isNull(jurisdictions.validTo), sql`coalesce(${jurisdictions.validFrom}, '-infinity') < ${at}`));
  result.deactivated = stale.length;
}

/** One association rule per demo authority, unless the area already has an association rule now. */
async function createRules({ tx, at, task, now, result }: DemoRun, wanted: Map<string, NewAuthority>): Promise<void> {
  const ids = new Map((await tx.select({ id: authorities.id, key: authorities.key }).from(authorities).where(demoKeys())).map((a) => [a.key, a.id]));
  const existingRules = new Map<string, { validFrom: string | null; validTo: string | null }[]>();
  for (const r of await tx
    .select({ areaKey: jurisdictions.areaKey, validFrom: jurisdictions.validFrom, validTo: jurisdictions.validTo })
    .from(jurisdictions)
    .where(and(eq(jurisdictions.taskCode, task), eq(jurisdictions.level, 'ASSOCIATION')))) {
    existingRules.set(r.areaKey, [...(existingRules.get(r.areaKey) ?? []), r]);
  }
  const rules: (typeof jurisdictions.$inferInsert)[] = [];
  for (const key of wanted.keys()) {
    const ars = key.slice(DEMO_PREFIX.length);
    const before = existingRules.get(ars) ?? [];
    // An area with a rule now or later is left alone; one without any rule gets a rule "since always".
    if (before.some((r) => r.validTo === null || r.validTo > at)) {
      result.skippedAreas++;
      continue;
    }
    rules.push({ authorityId: ids.get(key)!, taskCode: task, level: 'ASSOCIATION', areaKey: ars, specificity: SPECIFICITY.ASSOCIATION, validFrom: before.length ? at : null, createdAt: now });
  }
  for (let i = 0; i < rules.length; i += CHUNK) await tx.insert(jurisdictions).values(rules.slice(i, i + CHUNK));
  result.jurisdictionsCreated = rules.length;
}
