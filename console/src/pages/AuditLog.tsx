// The audit log (ADMIN): who changed what and when, newest first, filtered by kind of record and its key.
import { useState, type FormEvent } from 'react';
import { gql, useQuery } from 'urql';
import { errorText } from '../api/errors';
import { canSeeOperations } from '../auth/permissions';
import { useSession } from '../auth/session';
import { SelectField, TextField } from '../components/Field';
import { Loading, Page } from '../components/Page';
import { AUDIT_ACTIONS, AUDIT_ENTITIES, formatDateTime } from '../text';

const AUDIT_LOG = gql`
  query ConsoleAuditLog($entityType: String, $entityId: String, $first: Int, $after: String) {
    auditLog(entityType: $entityType, entityId: $entityId, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id at actor action entityType entityId before after }
    }
  }
`;

interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

interface Filter {
  entityType: string;
  entityId: string;
}

const PAGE = 50;

/** The recorded state, shortened for the table; the full JSON is one click away. */
function Change({ row }: { row: AuditRow }) {
  if (row.before == null && row.after == null) return <span className="muted">–</span>;
  return (
    <details>
      <summary>Daten</summary>
      {row.before != null && <><p className="muted">vorher</p><pre>{JSON.stringify(row.before, null, 2)}</pre></>}
      {row.after != null && <><p className="muted">nachher</p><pre>{JSON.stringify(row.after, null, 2)}</pre></>}
    </details>
  );
}

function ResultPage({ filter, after, last, onMore }: { filter: Filter; after: string | null; last: boolean; onMore: (c: string) => void }) {
  const variables = { entityType: filter.entityType || undefined, entityId: filter.entityId.trim() || undefined, first: PAGE, after };
  const [r] = useQuery<{ auditLog: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: AuditRow[] } }>({ query: AUDIT_LOG, variables, requestPolicy: 'cache-and-network' });
  const data = r.data?.auditLog;
  return (
    <tbody>
      {r.error && <tr><td colSpan={5} role="alert" className="error">{errorText(r.error)}</td></tr>}
      {!data && r.fetching && <tr><td colSpan={5}><Loading /></td></tr>}
      {data?.nodes.map((e) => (
        <tr key={e.id}>
          <td>{formatDateTime(e.at)}</td>
          <td title={e.action}>{AUDIT_ACTIONS[e.action] ?? e.action}</td>
          <td>{AUDIT_ENTITIES[e.entityType] ?? e.entityType} <code>{e.entityId}</code></td>
          <td>{e.actor}</td>
          <td><Change row={e} /></td>
        </tr>
      ))}
      {data && after === null && !data.nodes.length && <tr className="summary"><td colSpan={5} role="status">Keine Einträge.</td></tr>}
      {data && last && data.pageInfo.hasNextPage && data.pageInfo.endCursor && (
        <tr><td colSpan={5}><button type="button" onClick={() => onMore(data.pageInfo.endCursor!)}>Weitere laden</button></td></tr>
      )}
    </tbody>
  );
}

export function AuditLogPage() {
  const { principal } = useSession();
  const [draft, setDraft] = useState<Filter>({ entityType: '', entityId: '' });
  const [filter, setFilter] = useState<Filter>(draft);
  const [pages, setPages] = useState<(string | null)[]>([null]);
  if (!canSeeOperations(principal)) return <Page title="Kein Zugriff"><p>Das Protokoll sieht die Administration.</p></Page>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft);
    setPages([null]);
  };
  return (
    <Page title="Protokoll">
      <p className="muted">Jede Änderung am Verzeichnis, neueste zuerst.</p>
      <form role="search" aria-label="Protokoll filtern" onSubmit={submit} className="card filters">
        <SelectField label="Art des Eintrags" value={draft.entityType} onChange={(e) => setDraft({ ...draft, entityType: e.target.value })}>
          <option value="">alle</option>
          {Object.entries(AUDIT_ENTITIES).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </SelectField>
        <TextField label="Schlüssel oder Code" value={draft.entityId} onChange={(e) => setDraft({ ...draft, entityId: e.target.value })} maxLength={255} hint="genau, z. B. ags:05766020 oder lippe" />
        <button type="submit">Filtern</button>
      </form>
      <table className="table">
        <caption className="visually-hidden">Protokolleinträge</caption>
        <thead>
          <tr><th scope="col">Zeitpunkt</th><th scope="col">Aktion</th><th scope="col">Betrifft</th><th scope="col">Von</th><th scope="col">Daten</th></tr>
        </thead>
        {pages.map((after, i) => (
          <ResultPage key={after ?? 'first'} filter={filter} after={after} last={i === pages.length - 1} onMore={(c) => setPages([...pages, c])} />
        ))}
      </table>
    </Page>
  );
}
