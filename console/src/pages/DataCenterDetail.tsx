// One data centre: its data, endpoints with their health and the endpoint test, certificates and tenants.
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { errorText } from '../api/errors';
import { canOperateDataCenter } from '../auth/permissions';
import { useSession } from '../auth/session';
import { Loading, Page } from '../components/Page';
import { DATA_CENTER_STATUS } from '../text';
import { CertificateTable } from './Certificates';
import { Areas } from './DataCenters';
import { EndpointTest, HealthFacts } from './EndpointHealth';
import { DATA_CENTER, ENDPOINT_HEALTH, type DataCenterDetail, type Operations } from './tenant-queries';

function Facts({ dc }: { dc: DataCenterDetail }) {
  const c = dc.contact;
  return (
    <dl className="facts card">
      <dt>Code</dt><dd><code>{dc.code}</code></dd>
      <dt>Status</dt><dd className={dc.status === 'ACTIVE' ? undefined : 'warn'}>{DATA_CENTER_STATUS[dc.status] ?? dc.status}</dd>
      <dt>Endpunkte</dt>
      <dd>{dc.endpoints.length ? <ol className="plain">{dc.endpoints.map((e) => <li key={e}><code>{e}</code></li>)}</ol> : <span className="warn">keiner – es wird nur auf Papier zugestellt</span>}</dd>
      <dt>Kontakt</dt><dd>{[c.name, c.email, c.phone, c.fax && `Fax ${c.fax}`, c.website].filter(Boolean).join(' · ') || '–'}</dd>
    </dl>
  );
}

/** Health and the test: ADMIN and the data centre itself (the API refuses the others). */
function Operation({ code }: { code: string }) {
  const [r] = useQuery<Pick<Operations, 'endpointHealth'>>({ query: ENDPOINT_HEALTH, variables: { code }, requestPolicy: 'network-only' });
  const health = r.data?.endpointHealth.find((h) => h.dataCenterCode === code);
  return (
    <section aria-labelledby="health-title" className="card">
      <h2 id="health-title">Endpunkt</h2>
      {r.error && <p role="alert" className="error">{errorText(r.error)}</p>}
      {health && <HealthFacts health={health} />}
      <EndpointTest code={code} />
    </section>
  );
}

export function DataCenterPage() {
  const { code = '' } = useParams();
  const { principal } = useSession();
  const [r] = useQuery<{ dataCenter: DataCenterDetail | null }>({ query: DATA_CENTER, variables: { code }, requestPolicy: 'cache-and-network' });
  const dc = r.data?.dataCenter;
  if (r.error) return <Page title="Rechenzentrum"><p role="alert" className="alert alert-error">{errorText(r.error)}</p></Page>;
  if (!r.data) return <Page title="Rechenzentrum"><Loading /></Page>;
  if (!dc) {
    return <Page title="Rechenzentrum nicht gefunden"><p>Es gibt kein Rechenzentrum <code>{code}</code>, das Sie sehen dürfen. <Link to="/data-centers">Zur Übersicht</Link></p></Page>;
  }
  const operator = canOperateDataCenter(principal, dc.code);
  return (
    <Page title={dc.name} actions={operator && <Link className="button" to={`/data-centers/${encodeURIComponent(dc.code)}/edit`}>Bearbeiten</Link>}>
      <p><Link to="/data-centers">← Rechenzentren und Mandanten</Link></p>
      <Facts dc={dc} />
      {operator && <Operation code={dc.code} />}
      <h2>Zertifikate</h2>
      <CertificateTable certificates={dc.certificates} />
      <h2>Mandanten</h2>
      {dc.tenants.length ? (
        <ul className="plain">
          {dc.tenants.map((t) => <li key={t.code}><Link to={`/tenants/${encodeURIComponent(t.code)}`}>{t.name}</Link> <code>{t.code}</code> – Gebiet: <Areas areas={t.areas} /></li>)}
        </ul>
      ) : <p className="muted">Keine Mandanten.</p>}
    </Page>
  );
}
