// Loads the demo seed once, into an empty register; a marker in app_meta keeps later starts from re-seeding.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../src/db/client.js';
import { appMeta, postalCodes, regions } from '../src/db/schema.js';
import type { Clock } from '../src/lib/clock.js';
import { foldName } from '../src/lib/fold.js';
import { writeAudit, type Actor } from '../src/modules/audit/audit.service.js';
import { bumpDirectoryVersion } from '../src/modules/directory/version.js';
import { DEMO_POSTCODES, DEMO_REGIONS } from './demo.js';

export const DEMO_SOURCE = 'DEMO_SEED';
const MARKER = 'demo_seed';

export type SeedOutcome = 'seeded' | 'already-seeded' | 'register-not-empty';

export async function loadDemoSeed(db: Db, clock: Clock, actor: Actor): Promise<SeedOutcome> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`lock table app_meta in exclusive mode`);
    const [marker] = await tx.select().from(appMeta).where(eq(appMeta.key, MARKER));
    if (marker) return 'already-seeded';
    const [{ n } = { n: 0 }] = await tx.select({ n: sql<number>`count(*)::int` }).from(regions);
    const outcome: SeedOutcome = Number(n) > 0 ? 'register-not-empty' : 'seeded';
    if (outcome === 'seeded') {
      await tx.insert(regions).values(
        DEMO_REGIONS.map((r) => ({
          level: r.level,
          ars: r.ars,
          ags: r.ags ?? null,
          name: r.name,
          nameKey: foldName(r.name),
          seat: r.seat ?? null,
          typeCode: r.typeCode ?? null,
          parentArs: r.parentArs ?? null,
          townHallPostcode: r.townHallPostcode ?? null,
          postcodeUnique: r.postcodeUnique ?? null,
          areaHectares: r.areaHectares ?? null,
          population: r.population ?? null,
          taxOfficeDistrict: r.taxOfficeDistrict ?? null,
          higherRegionalCourtDistrict: r.localCourtDistrict?.slice(0, 1) ?? null,
          regionalCourtDistrict: r.localCourtDistrict?.slice(0, 2) ?? null,
          localCourtDistrict: r.localCourtDistrict ?? null,
          employmentAgencyDistrict: r.employmentAgencyDistrict ?? null,
          validFrom: null,
          edition: null,
          source: DEMO_SOURCE,
        })),
      );
      await tx.insert(postalCodes).values(
        DEMO_POSTCODES.map(([postcode, ags, locality]) => ({
          postcode,
          ags,
          locality,
          localityKey: foldName(locality),
          source: DEMO_SOURCE,
        })),
      );
      await bumpDirectoryVersion(tx);
      await writeAudit(tx, clock, actor, {
        action: 'LOAD_DEMO_SEED',
        entityType: 'Register',
        entityId: DEMO_SOURCE,
        after: { regions: DEMO_REGIONS.length, postcodes: DEMO_POSTCODES.length },
      });
    }
    await tx.insert(appMeta).values({ key: MARKER, value: { outcome, at: clock.now().toISOString() } });
    return outcome;
  });
}
