// The start page: who is signed in and, for a tenant manager or a data centre, what it is responsible for.
import { Link } from 'react-router';
import { gql, useQuery } from 'urql';
import { canEditAuthority } from '../auth/permissions';
import { ROLE_NAMES, useSession, type Principal } from '../auth/session';
import { Page } from '../components/Page';
import { UnknownScope } from '../components/UnknownScope';

const INTRO: Record<string, string> = {
  ADMIN: 'Sie verwalten das gesamte Verzeichnis.',
  TENANT_MANAGER: 'Sie verwalten die Behörden Ihres Mandanten und deren Zuständigkeiten innerhalb seines Gebiets.',
  DATA_CENTER: 'Sie sehen das Verzeichnis und die Daten Ihres Rechenzentrums.',
};

const TENANT = gql`
  query ConsoleOwnTenant($code: String!) {
    tenant(code: $code) { code name areas dataCenter { code name } }
  }
`;

const DATA_CENTER = gql`
  query ConsoleOwnDataCenter($code: String!) {
    dataCenter(code: $code) { code name status endpoints tenants { code name } }
  }
`;

/** The tile texts say only what the role may do (auth/permissions.ts). */
function authoritiesText(p: Principal): string {
  if (p.role === 'TENANT_MANAGER') return canEditAuthority(p, p.scope) ? 'Die Behörden Ihres Mandanten: anlegen, bearbeiten, Zuständigkeiten pflegen.' : 'Die Behörden Ihres Mandanten.';
  if (canEditAuthority(p, null)) return 'Suchen, anlegen, bearbeiten, Zuständigkeiten pflegen.';
  return 'Suchen und ansehen, mit ihren Zuständigkeiten.';
}

function OwnTenant({ code }: { code: string }) {
  const [r] = useQuery<{ tenant: { code: string; name: string; areas: string[]; dataCenter: { code: string; name: string } } | null }>({ query: TENANT, variables: { code } });
  const t = r.data?.tenant;
  if (r.data && !t) return <UnknownScope what="Der Mandant" code={code} />;
  if (!t) return null;
  return (
    <section className="card" aria-labelledby="own-title">
      <h2 id="own-title">Ihr Mandant: {t.name}</h2>
      <dl className="facts">
        <dt>Gebiet</dt><dd>{t.areas.length ? t.areas.map((a) => <Link key={a} to={`/regions/${a}`} className="area">{a}</Link>) : 'keines – Sie können noch nichts anlegen'}</dd>
        <dt>Rechenzentrum</dt><dd>{t.dataCenter.name} ({t.dataCenter.code})</dd>
      </dl>
    </section>
  );
}

function OwnDataCenter({ code }: { code: string }) {
  const [r] = useQuery<{ dataCenter: { code: string; name: string; status: string; endpoints: string[]; tenants: { code: string; name: string }[] } | null }>({ query: DATA_CENTER, variables: { code } });
  const dc = r.data?.dataCenter;
  if (r.data && !dc) return <UnknownScope what="Das Rechenzentrum" code={code} />;
  if (!dc) return null;
  return (
    <section className="card" aria-labelledby="own-title">
      <h2 id="own-title">Ihr Rechenzentrum: {dc.name}</h2>
      <dl className="facts">
        <dt>Endpunkte</dt><dd>{dc.endpoints.length ? dc.endpoints.join(', ') : 'keine'}</dd>
        <dt>Mandanten</dt><dd>{dc.tenants.map((t) => `${t.name} (${t.code})`).join(', ') || 'keine'}</dd>
      </dl>
    </section>
  );
}

export function HomePage() {
  const { principal } = useSession();
  return (
    <Page title="Übersicht">
      <p>
        Angemeldet als <strong>{ROLE_NAMES[principal.role]}</strong>
        {principal.scope && <> für <strong>{principal.scope}</strong></>}. {INTRO[principal.role]}
      </p>
      {principal.role === 'TENANT_MANAGER' && principal.scope && <OwnTenant code={principal.scope} />}
      {principal.role === 'DATA_CENTER' && principal.scope && <OwnDataCenter code={principal.scope} />}
      <ul className="tiles">
        <li><Link to="/lookup">Zuständigkeit ermitteln</Link><span>Welche Behörde ist für eine Anschrift zuständig – mit Begründung.</span></li>
        <li><Link to="/authorities">Behörden</Link><span>{authoritiesText(principal)}</span></li>
        <li><Link to="/regions">Gebiete</Link><span>Länder, Kreise, Gemeindeverbände und Gemeinden des Gebietsregisters.</span></li>
      </ul>
    </Page>
  );
}
