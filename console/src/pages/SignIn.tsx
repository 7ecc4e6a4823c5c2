// Sign-in: through the identity provider (OpenID Connect) and, in development, as a chosen role.
import { useRef, useState, type FormEvent } from 'react';
import { useLocation } from 'react-router';
import type { SignInFn } from '../App';
import { startSignIn } from '../auth/oidc';
import { ROLE_NAMES, SCOPE_NAMES, useSessionContext } from '../auth/session';
import { CONSOLE_ROLES, type Role } from '../auth/settings';
import { ErrorSummary, SelectField, TextField } from '../components/Field';

function OidcSignIn() {
  const { settings } = useSessionContext();
  const location = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const oidc = settings.oidc!;
  const go = () => {
    setBusy(true);
    setError(null);
    startSignIn(oidc, location.pathname + location.search).catch((e: Error) => {
      setError(`Der Identitätsanbieter ist nicht erreichbar: ${e.message}`);
      setBusy(false);
    });
  };
  return (
    <section aria-labelledby="oidc-title" className="card">
      <h2 id="oidc-title">Mit Ihrem Dienstkonto</h2>
      <p className="muted">Anmeldung über {new URL(oidc.issuer).host}.</p>
      <ErrorSummary errors={error ? [error] : []} />
      <button type="button" className="primary" onClick={go} disabled={busy}>
        {busy ? 'Weiterleitung …' : 'Anmelden'}
      </button>
    </section>
  );
}

async function requestDevToken(role: Role, scope: string): Promise<string> {
  const res = await fetch('/console/dev-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role, scope: scope.trim() || undefined }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string; error?: { message: string; field?: string } };
  if (!res.ok || !body.token) throw new Error(body.error ? `${body.error.field ?? 'Anfrage'}: ${body.error.message}` : `HTTP ${res.status}`);
  return body.token;
}

const SCOPE_MISSING: Partial<Record<Role, string>> = {
  TENANT_MANAGER: 'Geben Sie den Code Ihres Mandanten an.',
  DATA_CENTER: 'Geben Sie den Code Ihres Rechenzentrums an.',
};

function DevSignIn({ signIn }: { signIn: SignInFn }) {
  const [role, setRole] = useState<Role>('ADMIN');
  const [scope, setScope] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [scopeError, setScopeError] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const scopeName = SCOPE_NAMES[role];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // A tenant manager or data centre without its code would be refused by the server; say so here.
    if (scopeName && !scope.trim()) {
      setScopeError(`Pflichtfeld: ${SCOPE_MISSING[role]}`);
      form.current?.querySelector<HTMLInputElement>('input[type="text"], input:not([type])')?.focus();
      return;
    }
    setScopeError(null);
    setBusy(true);
    setError(null);
    try {
      await signIn(await requestDevToken(role, scopeName ? scope : ''), 'dev');
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="dev-title" className="card">
      <h2 id="dev-title">Entwicklungsanmeldung</h2>
      <p className="muted">Nur in der Entwicklung: ein Token mit dem lokalen Schlüssel für eine gewählte Rolle.</p>
      <form onSubmit={submit} noValidate ref={form}>
        <ErrorSummary errors={error ? [error] : []} />
        <SelectField label="Rolle" value={role} onChange={(e) => { setRole(e.target.value as Role); setScopeError(null); }}>
          {CONSOLE_ROLES.map((r) => (
            <option key={r} value={r}>{ROLE_NAMES[r]} ({r})</option>
          ))}
        </SelectField>
        {scopeName && (
          <TextField label={`${scopeName} (Code)`} value={scope} required onChange={(e) => setScope(e.target.value)} maxLength={64} autoComplete="off" error={scopeError ?? undefined} />
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Anmeldung …' : 'Als Entwickler anmelden'}
        </button>
      </form>
    </section>
  );
}

export function SignIn({ signIn, notice }: { signIn: SignInFn; notice: string | null }) {
  const { settings } = useSessionContext();
  return (
    <main className="signin" id="main">
      <h1>Behördenverzeichnis – Konsole</h1>
      {notice && <p role="status" className="alert">{notice}</p>}
      {settings.oidc && <OidcSignIn />}
      {settings.devSignIn && <DevSignIn signIn={signIn} />}
      {!settings.oidc && !settings.devSignIn && (
        <p className="alert alert-error" role="alert">
          Für diesen Server ist keine Anmeldung eingerichtet: Setzen Sie CONSOLE_OIDC_CLIENT_ID und AUTH_ISSUER.
        </p>
      )}
    </main>
  );
}
