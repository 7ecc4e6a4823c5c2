// Loads the in-memory directory from the database (the source of truth) in one read-only snapshot.
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  authorities,
  certificates,
  dataCenters,
  jurisdictions,
  keySuccessions,
  postalCodes,
  regions,
  streets,
  structuralChanges,
  tasks,
  tenants,
} from '../../db/schema.js';
import { DirectoryIndex } from './directory-index.js';
import { directoryVersion } from './version.js';

/** Key successions with the kind of change that made them (index and municipality history). */
export function successionsQuery(db: Db) {
  return db
    .select({
      oldAgs: keySuccessions.oldAgs,
      newAgs: keySuccessions.newAgs,
      effectiveDate: keySuccessions.effectiveDate,
      changeId: keySuccessions.changeId,
      kind: structuralChanges.kind,
    })
    .from(keySuccessions)
    .innerJoin(structuralChanges, eq(structuralChanges.id, keySuccessions.changeId));
}

export async function loadDirectoryIndex(db: Db): Promise<DirectoryIndex> {
  // One snapshot: all reads in one repeatable-read transaction.
  return db.transaction(
    async (tx) => {
      const version = await directoryVersion(tx);
      const index = new DirectoryIndex(version, new Date());
      await loadRegister(tx, index);
      const streetRows = await tx
        .select({
          ags: streets.ags,
          postcode: streets.postcode,
          streetKey: streets.streetKey,
          name: streets.name,
          validFrom: streets.validFrom,
          validTo: streets.validTo,
        })
        .from(streets);
      for (const s of streetRows) index.addStreet(s);
      for (const a of await tx.select().from(authorities)) index.addAuthority(a);
      for (const j of await tx.select().from(jurisdictions)) index.addRule(j);
      for (const t of await tx.select({ code: tasks.code }).from(tasks)) index.taskCodes.add(t.code);
      const successionRows = await successionsQuery(tx);
      for (const s of successionRows) index.addSuccession(s);
      await loadPlannedChanges(tx, index);
      await loadDeliveryFacts(tx, index);
      return index;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/**
 * The register's full rows (read API) and the lookup entries drawn from them. Ordered by the
 * database, whose collation decides the order `regions` pages in.
 */
async function loadRegister(tx: Db, index: DirectoryIndex): Promise<void> {
  const regionRows = await tx.select().from(regions).orderBy(asc(regions.nameKey), asc(regions.id));
  for (const r of regionRows) index.register.addRegion(r);
  // The lookup entries in id order, as the resolution has always seen them.
  for (const r of [...regionRows].sort(byId)) {
    index.addRegion({ level: r.level, ars: r.ars, ags: r.ags, name: r.name, validFrom: r.validFrom, validTo: r.validTo });
  }
  const areas = await tx.select().from(postalCodes).orderBy(asc(postalCodes.postcode), asc(postalCodes.locality), asc(postalCodes.id));
  for (const p of areas) index.register.addPostalArea(p);
  index.register.finish();
  for (const p of [...areas].sort(byId)) {
    index.addPostcode({ postcode: p.postcode, ags: p.ags, locality: p.locality, predecessorAgs: p.predecessorAgs, validFrom: p.validFrom, validTo: p.validTo });
  }
}

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

/** PLANNED changes (after the regions, whose names they use). PROPOSED ones are suggestions, not plans. */
async function loadPlannedChanges(tx: Db, index: DirectoryIndex): Promise<void> {
  const rows = await tx
    .select({ id: structuralChanges.id, kind: structuralChanges.kind, effectiveDate: structuralChanges.effectiveDate, predecessors: structuralChanges.predecessors, successors: structuralChanges.successors })
    .from(structuralChanges)
    .where(eq(structuralChanges.status, 'PLANNED'))
    .orderBy(asc(structuralChanges.effectiveDate), asc(structuralChanges.id));
  for (const c of rows) {
    index.addPlannedChange({
      changeId: c.id,
      kind: c.kind,
      status: 'PLANNED',
      effectiveDate: c.effectiveDate,
      predecessors: c.predecessors.map((ags) => ({ ags, name: index.nameBefore(ags, c.effectiveDate) ?? ags })),
      successors: c.successors.map((s) => ({ ags: s.ags, name: s.name })),
    });
  }
}

/** Tenants, data centres and their encryption certificates: only what the delivery decision reads. */
async function loadDeliveryFacts(tx: Db, index: DirectoryIndex): Promise<void> {
  const dcRows = await tx
    .select({ id: dataCenters.id, code: dataCenters.code, status: dataCenters.status, endpoints: dataCenters.endpoints })
    .from(dataCenters);
  for (const d of dcRows) index.addDataCenter(d);
  for (const t of await tx.select({ code: tenants.code, dataCenterId: tenants.dataCenterId }).from(tenants)) index.addTenant(t);
  const certRows = await tx
    .select({
      id: certificates.id,
      dataCenterId: certificates.dataCenterId,
      thumbprintSha256: certificates.thumbprintSha256,
      activationAt: certificates.activationAt,
      notAfter: certificates.notAfter,
      revokedAt: certificates.revokedAt,
      revocationReason: certificates.revocationReason,
    })
    .from(certificates)
    .where(eq(certificates.usage, 'ENCRYPTION'));
  for (const { dataCenterId, ...c } of certRows) index.addEncryptionCertificate(dataCenterId, c);
}
