// Who is calling, and the guards every resolver uses.
import { forbidden, unauthenticated } from '../../lib/errors.js';

export const ROLES = ['ADMIN', 'TENANT_MANAGER', 'DATA_CENTER', 'CLIENT'] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose token must name what they are bound to. */
export const SCOPED_ROLES: Partial<Record<Role, string>> = {
  TENANT_MANAGER: 'tenant code',
  DATA_CENTER: 'data centre code',
  CLIENT: 'authority key',
};

export interface Principal {
  subject: string;
  role: Role;
  /** tenant code, data centre code or authority key, by role */
  scope: string | null;
}

export function requirePrincipal(principal: Principal | null): Principal {
  if (!principal) throw unauthenticated();
  return principal;
}

export function requireRole(principal: Principal | null, ...roles: Role[]): Principal {
  const p = requirePrincipal(principal);
  if (!roles.includes(p.role)) {
    throw forbidden(`Role ${p.role} may not do this; it needs ${roles.join(' or ')}`);
  }
  return p;
}
