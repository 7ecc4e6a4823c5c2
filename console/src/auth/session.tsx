// The signed-in user: the token (in memory only: a reload means signing in again) and what the server
// says about it (me). Everything below the provider reads it with useSession().
import { createContext, useContext, type ReactNode } from 'react';
import type { ConsoleSettings, Role } from './settings';

export interface Principal {
  subject: string;
  role: Role;
  scope: string | null;
}

export interface Session {
  token: string;
  principal: Principal;
  via: 'oidc' | 'dev';
}

export interface SessionContextValue {
  settings: ConsoleSettings;
  session: Session | null;
  signOut(reason?: string): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ value, children }: { value: SessionContextValue; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionContext(): SessionContextValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The signed-in user; pages below the shell are only shown with one. */
export function useSession(): Session {
  const { session } = useSessionContext();
  if (!session) throw new Error('not signed in');
  return session;
}

/** Asks the server who the token belongs to; its answer decides what the console shows. */
export async function whoAmI(token: string): Promise<Principal> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: 'query Me { me { subject role scope } }' }),
  });
  const body = (await res.json().catch(() => ({}))) as { data?: { me?: Principal }; errors?: { message: string }[] };
  if (!body.data?.me) throw new Error(`Der Server hat die Anmeldung nicht angenommen: ${body.errors?.[0]?.message ?? `HTTP ${res.status}`}`);
  return body.data.me;
}

export const ROLE_NAMES: Record<Role, string> = {
  ADMIN: 'Administration',
  TENANT_MANAGER: 'Mandantenverwaltung',
  DATA_CENTER: 'Rechenzentrum',
  CLIENT: 'Fachverfahren',
};

export const SCOPE_NAMES: Partial<Record<Role, string>> = {
  TENANT_MANAGER: 'Mandant',
  DATA_CENTER: 'Rechenzentrum',
};
