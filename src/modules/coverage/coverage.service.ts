// The coverage report as a caller may see it: ADMIN the whole register, a TENANT_MANAGER the
// municipalities of its tenant's territory (the areas in which it registers authorities).
import type { Db } from '../../db/client.js';
import { badInput, forbidden } from '../../lib/errors.js';
import type { Principal } from '../auth/principal.js';
import type { DirectoryIndex } from '../directory/directory-index.js';
import { tenantAreas } from '../tenants/territory.service.js';
import { cachedCoverage, coverageQueryError, type CoverageQuery, type CoverageReport } from './coverage.js';

export async function coverageFor(db: Db, ix: DirectoryIndex, principal: Principal, q: Omit<CoverageQuery, 'areas'>): Promise<CoverageReport> {
  const areas = await visibleAreas(db, principal);
  const problem = coverageQueryError(ix, q);
  if (problem) throw badInput(problem.argument, problem.message);
  return cachedCoverage(ix, { ...q, areas });
}

/** undefined: the whole register. */
async function visibleAreas(db: Db, principal: Principal): Promise<string[] | undefined> {
  if (principal.role === 'ADMIN') return undefined;
  if (principal.role === 'TENANT_MANAGER' && principal.scope) return tenantAreas(db, principal.scope);
  throw forbidden(`Role ${principal.role} may not read the coverage report; it needs ADMIN or TENANT_MANAGER`);
}
