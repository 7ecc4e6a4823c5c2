// What the signed-in user may change, as the API will decide it (the API checks again; this only
// hides buttons that would be refused).
import type { Principal } from './session';

/** ADMIN everywhere; a tenant manager for its own tenant's authorities (territory is checked by the API). */
export function canEditAuthority(p: Principal, tenantCode: string | null): boolean {
  return p.role === 'ADMIN' || (p.role === 'TENANT_MANAGER' && !!p.scope && p.scope === tenantCode);
}

/** A tenant manager works with its own tenant's authorities only; others see the whole directory. */
export function canViewAuthority(p: Principal, tenantCode: string | null): boolean {
  return p.role !== 'TENANT_MANAGER' || (!!p.scope && p.scope === tenantCode);
}

/** Data centres and tenants are created and changed by ADMIN (a data centre may edit its own, not the status). */
export function canManageTenants(p: Principal): boolean {
  return p.role === 'ADMIN';
}

/** Endpoint health, certificate warnings and the endpoint test: ADMIN, or the data centre itself. */
export function canOperateDataCenter(p: Principal, dataCenterCode: string): boolean {
  return p.role === 'ADMIN' || (p.role === 'DATA_CENTER' && p.scope === dataCenterCode);
}

/** Deliveries, their statistics and the audit log are ADMIN's (the API answers others FORBIDDEN). */
export function canSeeOperations(p: Principal): boolean {
  return p.role === 'ADMIN';
}

/** Structural changes are planned, confirmed, rejected, corrected and cancelled by ADMIN only. */
export function canManageStructuralChanges(p: Principal): boolean {
  return p.role === 'ADMIN';
}

/** Coverage and bulk registration are the work of those who register jurisdictions (a tenant manager: its territory). */
export function canRegisterJurisdictions(p: Principal): boolean {
  return p.role === 'ADMIN' || p.role === 'TENANT_MANAGER';
}
