// What the server says about sign-in (GET /console/config.json).
export type Role = 'ADMIN' | 'TENANT_MANAGER' | 'DATA_CENTER' | 'CLIENT';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  scope: string;
  resource: string | null;
  /** development only: the provider may be reached over plain http */
  allowHttp: boolean;
}

export interface ConsoleSettings {
  oidc: OidcSettings | null;
  devSignIn: boolean;
}

/** Roles that use the console (a CLIENT is a Fachverfahren, not a person). */
export const CONSOLE_ROLES: Role[] = ['ADMIN', 'TENANT_MANAGER', 'DATA_CENTER'];

export async function loadSettings(): Promise<ConsoleSettings> {
  const res = await fetch('/console/config.json', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`Die Einstellungen der Konsole sind nicht abrufbar (HTTP ${res.status}).`);
  return (await res.json()) as ConsoleSettings;
}
