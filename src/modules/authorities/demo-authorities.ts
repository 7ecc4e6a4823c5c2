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

export async function generateDemoAuthorities(db: Db, clock: Clock, opts: { at: string; task?: string; actor: Actor }): Promise<DemoResult> {
  const task = opts.task ?? 'VOLLSTRECKUNGSHILFE';
  return db.transaction(async (tx) => {
    const assocs = await tx.select().from(regions).where(and(eq(regions.level, 'ASSOCIATION'), validAt(regions, opts.at)));
    if (!assocs.length) throw new DemoError(`The register has no Gemeindeverbände on ${opts.at}: import a GV100AD edition first`);
    const munis = await tx.select().from(regions).where(and(eq(regions.level, 'MUNICIPALITY'), validAt(regions, opts.at)));
    const byAssoc = new Map<string, typeof munis>();
    for (const m of munis) {
      const k = m.ars.slice(0, 9);
      byAssoc.set(k, [...(byAssoc.get(k) ?? []), m]);
    }
    const existing = new Map(
      (await tx.select().from(authorities).where(sql`${authorities.key} like ${`${DEMO_PREFIX}%`}`)).map((a) => [a.key, a]),
    );
    const now = clock.now();
    const wanted = new Map<string, typeof authorities.$inferInsert>();
    for (const a of assocs) {
      const members = byAssoc.get(a.ars) ?? [];
      if (!members.length) continue;
      const seatName = a.seat ?? a.name.split(',')[0]!;
      const seat = members.find((m) => municipalityCityKey(m.name) === municipalityCityKey(seatName)) ?? members[0]!;
      const electronic = (hashByte(a.ars) * 100) / 256 < DEMO_ELECTRONIC_PERCENT;
      wanted.set(`${DEMO_PREFIX}${a.ars}`, {
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
      });
    }
    const result: DemoResult = { associations: wanted.size, created: 0, updated: 0, deactivated: 0, electronic: 0, jurisdictionsCreated: 0, skippedAreas: 0 };
    const inserts: (typeof authorities.$inferInsert)[] = [];
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
    // Demo authorities of associations that no longer exist are deactivated, their rules ended.
    const stale = [...existing.values()].filter((a) => !wanted.has(a.key) && a.status === 'ACTIVE');
    if (stale.length) {
      const ids = stale.map((a) => a.id);
      await tx.update(authorities).set({ status: 'INACTIVE', updatedAt: now }).where(inArray(authorities.id, ids));
      await tx
        .update(jurisdictions)
        .set({ validTo: opts.at })
        .where(and(inArray(jurisdictions.authorityId, ids), isNull(jurisdictions.validTo), sql`coalesce(${jurisdictions.validFrom}, '-infinity') < ${opts.at}`));
      result.deactivated = stale.length;
    }
    // One association rule per demo authority, unless the area already has an association rule now.
    const ids = new Map(
      (await tx.select({ id: authorities.id, key: authorities.key }).from(authorities).where(sql`${authorities.key} like ${`${DEMO_PREFIX}%`}`)).map((a) => [a.key, a.id]),
    );
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
      if (before.some((r) => r.validTo === null || r.validTo > opts.at)) {
        result.skippedAreas++;
        continue;
      }
      rules.push({
        authorityId: ids.get(key)!,
        taskCode: task,
        level: 'ASSOCIATION',
        areaKey: ars,
        specificity: SPECIFICITY.ASSOCIATION,
        validFrom: before.length ? opts.at : null,
        createdAt: now,
      });
    }
    for (let i = 0; i < rules.length; i += CHUNK) await tx.insert(jurisdictions).values(rules.slice(i, i + CHUNK));
    result.jurisdictionsCreated = rules.length;
    await writeAudit(tx, clock, opts.actor, { action: 'GENERATE_DEMO_AUTHORITIES', entityType: 'DemoDirectory', entityId: opts.at, after: { task, ...result } });
    await bumpDirectoryVersion(tx);
    return result;
  });
}
