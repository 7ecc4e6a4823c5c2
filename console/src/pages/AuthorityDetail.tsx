// One authority: its data, deactivation, and its jurisdictions (create, end).
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { errorText, formErrors } from '../api/errors';
import { canEditAuthority, canViewAuthority } from '../auth/permissions';
import { useSession } from '../auth/session';
import { ErrorSummary } from '../components/Field';
import { Loading, Page } from '../components/Page';
import { AUTHORITY_KINDS, AUTHORITY_STATUS } from '../text';
import { AUTHORITY, DEACTIVATE, type AuthorityDetail } from './authority-queries';
import { Jurisdictions } from './Jurisdictions';

function Deactivate({ a }: { a: AuthorityDetail }) {
  const [asking, setAsking] = useState(false);
  const [state, deactivate] = useMutation(DEACTIVATE);
  const errors = formErrors(state.error, []).general;
  if (a.status !== 'ACTIVE') return null;
  if (!asking) return <button type="button" className="danger" onClick={() => setAsking(true)}>Deaktivieren</button>;
  return (
    <div className="confirm" role="group" aria-label="Deaktivierung bestätigen">
      <p>Deaktivieren? Ihre Zuständigkeiten gewinnen dann keine Ermittlung mehr.</p>
      <ErrorSummary errors={errors} />
      <button type="button" className="danger" autoFocus disabled={state.fetching} onClick={() => deactivate({ key: a.key, expectedVersion: a.version })}>
        Ja, deaktivieren
      </button>
      <button type="button" onClick={() => setAsking(false)}>Abbrechen</button>
    </div>
  );
}

function Address({ p }: { p: AuthorityDetail['postalAddress'] }) {
  return (
    <>
      {p.poBox ? `Postfach ${p.poBox}` : `${p.street ?? ''} ${p.houseNumber ?? ''}`}
      <br />
      {p.postalCode} {p.city}
    </>
  );
}

function Facts({ a }: { a: AuthorityDetail }) {
  const c = a.contact;
  return (
    <dl className="facts card">
      <dt>Schlüssel</dt><dd><code>{a.key}</code>{a.isDemo && <span className="badge">Demo</span>}</dd>
      <dt>Art</dt><dd>{AUTHORITY_KINDS[a.kind] ?? a.kind}</dd>
      <dt>Status</dt><dd>{AUTHORITY_STATUS[a.status] ?? a.status}</dd>
      <dt>Anschrift</dt><dd><Address p={a.postalAddress} /></dd>
      <dt>Mandant</dt><dd>{a.tenantCode ?? '–'}</dd>
      <dt>Elektronisch angenommen</dt><dd>{a.acceptedMessageTypes.length ? a.acceptedMessageTypes.join(', ') : 'keine Nachrichtentypen'}{a.standardVersion && ` (XAmtshilfe ${a.standardVersion})`}</dd>
      <dt>Kontakt</dt><dd>{[c.name, c.email, c.phone, c.fax && `Fax ${c.fax}`, c.website].filter(Boolean).join(' · ') || '–'}</dd>
    </dl>
  );
}

export function AuthorityPage() {
  const { key = '' } = useParams();
  const { principal } = useSession();
  const [result] = useQuery<{ authority: AuthorityDetail | null }>({ query: AUTHORITY, variables: { key } });
  const a = result.data?.authority;
  if (result.error) return <Page title="Behörde"><p role="alert" className="alert alert-error">{errorText(result.error)}</p></Page>;
  if (!result.data) return <Page title="Behörde"><Loading /></Page>;
  if (!a) return <Page title="Behörde nicht gefunden"><p>Es gibt keine Behörde mit dem Schlüssel <code>{key}</code>. <Link to="/authorities">Zur Suche</Link></p></Page>;
  if (!canViewAuthority(principal, a.tenantCode)) {
    return <Page title="Kein Zugriff"><p>Diese Behörde gehört nicht zu Ihrem Mandanten {principal.scope}. <Link to="/authorities">Zu Ihren Behörden</Link></p></Page>;
  }
  const editable = canEditAuthority(principal, a.tenantCode);
  return (
    <Page
      title={a.name}
      actions={editable && (<><Link className="button" to={`/authorities/${encodeURIComponent(a.key)}/edit`}>Bearbeiten</Link><Deactivate a={a} /></>)}
    >
      <p><Link to="/authorities">← Alle Behörden</Link></p>
      <Facts a={a} />
      <Jurisdictions authority={a} editable={editable && a.status === 'ACTIVE'} />
    </Page>
  );
}
