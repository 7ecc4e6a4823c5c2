// Data centres and tenants as far as the API lets the caller see them: ADMIN all, a data centre its
// own with its tenants, a tenant manager its own tenant and the data centre hosting it.
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { errorText } from '../api/errors';
import { canManageTenants, canOperateDataCenter } from '../auth/permissions';
import { useSession } from '../auth/session';
import { Loading, Page } from '../components/Page';
import { DATA_CENTER_STATUS } from '../text';
import { CertificateBrief } from './Certificates';
import { HealthBrief } from './EndpointHealth';
import {
  DATA_CENTER_OPERATIONS, DATA_CENTERS, WARNING_DAYS,
  type DataCenterSummary, type EndpointHealth, type Operations, type TenantSummary,
} from './tenant-queries';

/** certificateWarnings and endpointHealth: only for ADMIN and a data centre (others are refused). */
function useOperations(enabled: boolean) {
  const [r] = useQuery<Operations>({ query: DATA_CENTER_OPERATIONS, variables: { days: WARNING_DAYS }, pause: !enabled });
  return r;
}

function Warnings({ ops }: { ops: Operations }) {
  const w = ops.certificateWarnings;
  if (!w.expiring.length && !w.dataCentersWithoutEncryption.length) return null;
  return (
    <div className="alert alert-warn" role="status" aria-label="Warnungen">
      <ul>
        {w.expiring.length > 0 && (
          <li>{w.expiring.length === 1 ? '1 Zertifikat läuft' : `${w.expiring.length} Zertifikate laufen`} in den nächsten {WARNING_DAYS} Tagen ab.</li>
        )}
        {w.dataCentersWithoutEncryption.map((d) => (
          <li key={d.dataCenterCode}>Rechenzentrum {d.dataCenterCode} hat jetzt oder in den nächsten {WARNING_DAYS} Tagen kein aktives Verschlüsselungszertifikat: elektronische Zustellungen gehen dann auf Papier.</li>
        ))}
      </ul>
    </div>
  );
}

function DataCenterTable({ list, health }: { list: DataCenterSummary[]; health: Map<string, EndpointHealth> | null }) {
  return (
    <table className="table">
      <caption className="visually-hidden">Rechenzentren</caption>
      <thead>
        <tr><th scope="col">Rechenzentrum</th><th scope="col">Status</th><th scope="col">Endpunkt</th>{health && <th scope="col">Zustand des Endpunkts</th>}<th scope="col">Zertifikate</th></tr>
      </thead>
      <tbody>
        {list.map((dc) => (
          <tr key={dc.code}>
            <td><Link to={`/data-centers/${encodeURIComponent(dc.code)}`}>{dc.name}</Link><br /><code>{dc.code}</code></td>
            <td className={dc.status === 'ACTIVE' ? undefined : 'warn'}>{DATA_CENTER_STATUS[dc.status] ?? dc.status}</td>
            <td>{dc.endpoints.length ? <ul className="plain">{dc.endpoints.map((e) => <li key={e}><code>{e}</code></li>)}</ul> : <span className="warn">keiner</span>}</td>
            {health && <td><HealthBrief health={health.get(dc.code)} /></td>}
            <td><CertificateBrief certificates={dc.certificates} /></td>
          </tr>
        ))}
        {!list.length && <tr><td colSpan={5} className="muted">Keine Rechenzentren.</td></tr>}
      </tbody>
    </table>
  );
}

export function Areas({ areas }: { areas: string[] }) {
  if (!areas.length) return <span className="muted">kein Gebiet</span>;
  return <>{areas.map((a) => <Link key={a} to={`/regions/${a}`} className="area">{a}</Link>)}</>;
}

function TenantTable({ rows }: { rows: (TenantSummary & { dataCenter: DataCenterSummary })[] }) {
  return (
    <table className="table">
      <caption className="visually-hidden">Mandanten</caption>
      <thead>
        <tr><th scope="col">Mandant</th><th scope="col">Rechenzentrum</th><th scope="col">Gebiet</th><th scope="col">Behörden</th></tr>
      </thead>
      <tbody>
        {rows.map((t) => (
          <tr key={t.code}>
            <td><Link to={`/tenants/${encodeURIComponent(t.code)}`}>{t.name}</Link><br /><code>{t.code}</code></td>
            <td>{t.dataCenter.name}</td>
            <td><Areas areas={t.areas} /></td>
            <td>{t.authorityCount}</td>
          </tr>
        ))}
        {!rows.length && <tr><td colSpan={4} className="muted">Keine Mandanten.</td></tr>}
      </tbody>
    </table>
  );
}

export function DataCentersPage() {
  const { principal } = useSession();
  const operator = principal.role === 'ADMIN' || principal.role === 'DATA_CENTER';
  const [r] = useQuery<{ dataCenters: DataCenterSummary[] }>({ query: DATA_CENTERS, requestPolicy: 'cache-and-network' });
  const ops = useOperations(operator);
  const admin = canManageTenants(principal);
  const actions = admin && (<><Link className="button primary" to="/data-centers/new">Neues Rechenzentrum</Link><Link className="button" to="/tenants/new">Neuer Mandant</Link></>);
  if (r.error) return <Page title="Rechenzentren und Mandanten"><p role="alert" className="alert alert-error">{errorText(r.error)}</p></Page>;
  if (!r.data) return <Page title="Rechenzentren und Mandanten"><Loading /></Page>;
  const list = r.data.dataCenters;
  const health = ops.data ? new Map(ops.data.endpointHealth.map((h) => [h.dataCenterCode, h])) : null;
  const tenants = list.flatMap((dc) => dc.tenants.map((t) => ({ ...t, dataCenter: dc }))).sort((x, y) => x.name.localeCompare(y.name, 'de'));
  return (
    <Page title="Rechenzentren und Mandanten" actions={actions}>
      {principal.role === 'TENANT_MANAGER' && <p className="muted">Ihr Mandant <strong>{principal.scope}</strong> und das Rechenzentrum, das ihn betreibt.</p>}
      {principal.role === 'DATA_CENTER' && <p className="muted">Ihr Rechenzentrum <strong>{principal.scope}</strong> und seine Mandanten.</p>}
      {ops.data && <Warnings ops={ops.data} />}
      {ops.error && <p role="alert" className="alert alert-error">{errorText(ops.error)}</p>}
      <h2>Rechenzentren</h2>
      <DataCenterTable list={list} health={health && list.some((dc) => canOperateDataCenter(principal, dc.code)) ? health : null} />
      <h2>Mandanten</h2>
      <TenantTable rows={tenants} />
    </Page>
  );
}
