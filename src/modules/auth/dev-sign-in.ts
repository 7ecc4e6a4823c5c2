// The console's development sign-in: a token signed with the local development key for a role
// (and scope) the user picks. Only offered in development with that key (main.ts decides).
import { signDevToken } from './dev-keys.js';
import { SCOPED_ROLES, type Role } from './principal.js';

/** Roles that sign in to the console (a CLIENT is a Fachverfahren, not a person). */
export const CONSOLE_ROLES: readonly Role[] = ['ADMIN', 'TENANT_MANAGER', 'DATA_CENTER'];

const SCOPE_FORMAT = /^[A-Za-z0-9._:-]{1,64}$/;

export type DevSignInRefusal = { field: string; message: string };
export type DevSignInOutcome = { token: string; role: Role; scope: string | null } | DevSignInRefusal;

/** Checks the body of a development sign-in: a console role, and a scope exactly when the role needs one. */
export function parseDevSignIn(body: string): { role: Role; scope: string | undefined } | DevSignInRefusal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { field: 'body', message: 'must be a JSON object {"role": …, "scope": …}' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { field: 'body', message: 'must be a JSON object {"role": …, "scope": …}' };
  const { role, scope } = parsed as Record<string, unknown>;
  if (typeof role !== 'string' || !CONSOLE_ROLES.includes(role as Role)) return { field: 'role', message: `must be one of ${CONSOLE_ROLES.join(', ')}` };
  if (scope !== undefined && scope !== null && typeof scope !== 'string') return { field: 'scope', message: 'must be a string' };
  const needs = SCOPED_ROLES[role as Role];
  const given = typeof scope === 'string' && scope.trim() ? scope.trim() : undefined;
  if (needs && !given) return { field: 'scope', message: `role ${role} needs a scope (${needs})` };
  if (!needs && given) return { field: 'scope', message: `role ${role} takes no scope` };
  if (given && !SCOPE_FORMAT.test(given)) return { field: 'scope', message: 'must be 1 to 64 letters, digits, . _ : or -' };
  return { role: role as Role, scope: given };
}

/** Signs a token for a valid request with the development key in dataDir (8 hours, subject dev-console:<role>). */
export function devSignIn(dataDir: string): (body: string) => Promise<DevSignInOutcome> {
  return async (body) => {
    const request = parseDevSignIn(body);
    if ('field' in request) return request;
    const token = await signDevToken(dataDir, { role: request.role, scope: request.scope, subject: `dev-console:${request.role.toLowerCase()}` });
    return { token, role: request.role, scope: request.scope ?? null };
  };
}
