// One tenant: its territory, its data centre, its authorities and what it holds outside its territory.
// A tenant the caller may not see answers as unknown (the API returns null for it).
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { errorText } from '../api/errors';
import { canManageTenants } from '../auth/permissions';
import { useSession } from '../auth/session';
import { Loading, Page } from '../components/Page';
import { count } from '../text';
import { Areas } from './DataCenters';
import { TENANT, type TenantDetail } from './tenant-queries';

function Outside({ o }: { o: TenantDetail['outsideTerritory'] }) {
  if (!o.authorityCount && !o.jurisdictionCount) return null;
  return (
    <div className="alert alert-warn" role="status">
      <p>
        Außerhalb des Gebiets: {count(o.authorityCount, 'Behörde', 'Behörden')}, {count(o.jurisdictionCount, 'laufende Zuständigkeit', 'laufende Zuständigkeiten')}. Die
        Mandantenverwaltung kann sie nicht mehr ändern, die Administration schon.
      </p>
      {o.authorityKeys.length > 0 && <p>{o.authorityKeys.map((k) => <Link key={k} to={`/authorities/${encodeURIComponent(k)}`} className="area">{k}</Link>)}</p>}
    </div>
  );
}

export function TenantPage() {
  const { code = '' } = useParams();
  const { principal } = useSession();
  const [r] = useQuery<{ tenant: TenantDetail | null }>({ query: TENANT, variables: { code }, requestPolicy: 'cache-and-network' });
  const t = r.data?.tenant;
  if (r.error) return <Page title="Mandant"><p role="alert" className="alert alert-error">{errorText(r.error)}</p></Page>;
  if (!r.data) return <Page title="Mandant"><Loading /></Page>;
  if (!t) {
    return <Page title="Mandant nicht gefunden"><p>Es gibt keinen Mandanten <code>{code}</code>, den Sie sehen dürfen. <Link to="/data-centers">Zur Übersicht</Link></p></Page>;
  }
  return (
    <Page title={t.name} actions={canManageTenants(principal) && <Link className="button" to={`/tenants/${encodeURIComponent(t.code)}/edit`}>Bearbeiten</Link>}>
      <p><Link to="/data-centers">← Rechenzentren und Mandanten</Link></p>
      <dl className="facts card">
        <dt>Code</dt><dd><code>{t.code}</code></dd>
        <dt>Gebiet</dt><dd><Areas areas={t.areas} /></dd>
        <dt>Rechenzentrum</dt><dd><Link to={`/data-centers/${encodeURIComponent(t.dataCenter.code)}`}>{t.dataCenter.name}</Link> <code>{t.dataCenter.code}</code></dd>
        <dt>Behörden</dt><dd>{t.authorityCount}</dd>
      </dl>
      <Outside o={t.outsideTerritory} />
    </Page>
  );
}
