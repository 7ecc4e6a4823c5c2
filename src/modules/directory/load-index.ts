// Loads the in-memory directory from the database (the source of truth) in one read-only snapshot:
// first the rows as plain data (a snapshot that can be posted to worker threads, each building its
// own index: the CSV resolution), then the index built from them.
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
  return buildDirectoryIndex(await readDirectorySnapshot(db));
}

/** Everything the index is built from, as plain rows (structured-cloneable). */
export type DirectorySnapshot = Awaited<ReturnType<typeof readRows>>;

export async function readDirectorySnapshot(db: Db): Promise<DirectorySnapshot> {
  // One snapshot: all reads in one repeatable-read transaction.
  return db.transaction((tx) => readRows(tx), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

async function readRows(tx: Db) {
  return {
    version: await directoryVersion(tx),
    // Regions and postal areas in the database's order: its collation decides the order `regions` pages in.
    regions: await tx.select().from(regions).orderBy(asc(regions.nameKey), asc(regions.id)),
    postalAreas: await tx.select().from(postalCodes).orderBy(asc(postalCodes.postcode), asc(postalCodes.locality), asc(postalCodes.id)),
    streets: await tx
      .select({ ags: streets.ags, postcode: streets.postcode, streetKey: streets.streetKey, name: streets.name, validFrom: streets.validFrom, validTo: streets.validTo })
      .from(streets),
    authorities: await tx.select().from(authorities),
    jurisdictions: await tx.select().from(jurisdictions),
    taskCodes: (await tx.select({ code: tasks.code }).from(tasks)).map((t) => t.code),
    successions: await successionsQuery(tx),
    // PLANNED changes only: PROPOSED ones are suggestions, not plans.
    plannedChanges: await tx
      .select({ id: structuralChanges.id, kind: structuralChanges.kind, effectiveDate: structuralChanges.effectiveDate, predecessors: structuralChanges.predecessors, successors: structuralChanges.successors })
      .from(structuralChanges)
      .where(eq(structuralChanges.status, 'PLANNED'))
      .orderBy(asc(structuralChanges.effectiveDate), asc(structuralChanges.id)),
    ...(await readDeliveryFacts(tx)),
  };
}

/** Tenants, data centres and their encryption certificates: only what the delivery decision reads. */
async function readDeliveryFacts(tx: Db) {
  return {
    dataCenters: await tx.select({ id: dataCenters.id, code: dataCenters.code, status: dataCenters.status, endpoints: dataCenters.endpoints }).from(dataCenters),
    tenants: await tx.select({ code: tenants.code, dataCenterId: tenants.dataCenterId }).from(tenants),
    encryptionCertificates: await tx
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
      .where(eq(certificates.usage, 'ENCRYPTION')),
  };
}

export function buildDirectoryIndex(s: DirectorySnapshot, loadedAt = new Date()): DirectoryIndex {
  const index = new DirectoryIndex(s.version, loadedAt);
  addRegister(index, s);
  for (const st of s.streets) index.addStreet(st);
  for (const a of s.authorities) index.addAuthority(a);
  for (const j of s.jurisdictions) index.addRule(j);
  for (const t of s.taskCodes) index.taskCodes.add(t);
  for (const su of s.successions) index.addSuccession(su);
  // After the regions, whose names they use.
  for (const c of s.plannedChanges) {
    index.addPlannedChange({
      changeId: c.id,
      kind: c.kind,
      status: 'PLANNED',
      effectiveDate: c.effectiveDate,
      predecessors: c.predecessors.map((ags) => ({ ags, name: index.nameBefore(ags, c.effectiveDate) ?? ags })),
      successors: c.successors.map((x) => ({ ags: x.ags, name: x.name })),
    });
  }
  for (const d of s.dataCenters) index.addDataCenter(d);
  for (const t of s.tenants) index.addTenant(t);
  for (const { dataCenterId, ...c } of s.encryptionCertificates) index.addEncryptionCertificate(dataCenterId, c);
  return index;
}

/** The register's full rows (read API) and the lookup entries drawn from them. */
function addRegister(index: DirectoryIndex, s: DirectorySnapshot): void {
  for (const r of s.regions) index.register.addRegion(r);
  // The lookup entries in id order, as the resolution has always seen them.
  for (const r of [...s.regions].sort(byId)) {
    index.addRegion({ level: r.level, ars: r.ars, ags: r.ags, name: r.name, validFrom: r.validFrom, validTo: r.validTo });
  }
  for (const p of s.postalAreas) index.register.addPostalArea(p);
  index.register.finish();
  for (const p of [...s.postalAreas].sort(byId)) {
    index.addPostcode({ postcode: p.postcode, ags: p.ags, locality: p.locality, predecessorAgs: p.predecessorAgs, validFrom: p.validFrom, validTo: p.validTo });
  }
}

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
