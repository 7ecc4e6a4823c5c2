// Authorities: search by name, kind and tenant. A tenant manager sees its own tenant's authorities only.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { gql, useQuery } from 'urql';
import { errorText } from '../api/errors';
import { useSession } from '../auth/session';
import { SelectField, TextField } from '../components/Field';
import { Loading, Page } from '../components/Page';
import { AUTHORITY_KINDS, AUTHORITY_STATUS, count } from '../text';

const AUTHORITIES = gql`
  query ConsoleAuthorities($name: String, $kind: AuthorityKind, $tenantCode: String, $first: Int, $after: String) {
    authorities(name: $name, kind: $kind, tenantCode: $tenantCode, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id key name kind status tenantCode postalAddress { city } }
    }
  }
`;

export interface AuthorityRow {
  id: string;
  key: string;
  name: string;
  kind: string;
  status: string;
  tenantCode: string | null;
  postalAddress: { city: string };
}

interface Filter {
  name: string;
  kind: string;
  tenantCode: string;
}

const PAGE = 50;

export function AuthoritiesPage() {
  const { principal } = useSession();
  const ownTenant = principal.role === 'TENANT_MANAGER' ? principal.scope : null;
  const [draft, setDraft] = useState<Filter>({ name: '', kind: '', tenantCode: '' });
  const [filter, setFilter] = useState<Filter>(draft);
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft);
    setPages([null]);
  };
  const canCreate = principal.role === 'ADMIN' || principal.role === 'TENANT_MANAGER';
  return (
    <Page title="Behörden" actions={canCreate && <Link className="button primary" to="/authorities/new">Neue Behörde</Link>}>
      {ownTenant && <p className="muted">Behörden des Mandanten <strong>{ownTenant}</strong>.</p>}
      <form role="search" aria-label="Behörden suchen" onSubmit={submit} className="card filters">
        <TextField label="Name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} maxLength={200} hint="Anfang oder Teil des Namens" />
        <SelectField label="Art" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value })}>
          <option value="">alle</option>
          {Object.entries(AUTHORITY_KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </SelectField>
        {!ownTenant && <TextField label="Mandant (Code)" value={draft.tenantCode} onChange={(e) => setDraft({ ...draft, tenantCode: e.target.value })} maxLength={64} />}
        <button type="submit">Suchen</button>
      </form>
      <table className="table">
        <caption className="visually-hidden">Gefundene Behörden</caption>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Schlüssel</th><th scope="col">Art</th><th scope="col">Ort</th><th scope="col">Mandant</th><th scope="col">Status</th></tr>
        </thead>
        {pages.map((after, i) => (
          <ResultPage key={after ?? 'first'} filter={filter} tenantCode={ownTenant ?? filter.tenantCode} after={after} last={i === pages.length - 1} onMore={(c) => setPages([...pages, c])} />
        ))}
      </table>
    </Page>
  );
}

function ResultPage({ filter, tenantCode, after, last, onMore }: { filter: Filter; tenantCode: string; after: string | null; last: boolean; onMore: (cursor: string) => void }) {
  const variables = { name: filter.name.trim() || undefined, kind: filter.kind || undefined, tenantCode: tenantCode.trim() || undefined, first: PAGE, after };
  const [result] = useQuery<{ authorities: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: AuthorityRow[] } }>({ query: AUTHORITIES, variables });
  const data = result.data?.authorities;
  return (
    <tbody>
      {result.error && <tr><td colSpan={6} role="alert" className="error">{errorText(result.error)}</td></tr>}
      {!data && result.fetching && <tr><td colSpan={6}><Loading /></td></tr>}
      {data?.nodes.map((a) => (
        <tr key={a.id}>
          <td><Link to={`/authorities/${encodeURIComponent(a.key)}`}>{a.name}</Link></td>
          <td><code>{a.key}</code></td>
          <td>{AUTHORITY_KINDS[a.kind] ?? a.kind}</td>
          <td>{a.postalAddress.city}</td>
          <td>{a.tenantCode ?? '–'}</td>
          <td>{AUTHORITY_STATUS[a.status] ?? a.status}</td>
        </tr>
      ))}
      {data && after === null && (
        <tr className="summary"><td colSpan={6} role="status">{data.totalCount === 0 ? 'Keine Behörden gefunden.' : count(data.totalCount, 'Behörde', 'Behörden')}</td></tr>
      )}
      {data && last && data.pageInfo.hasNextPage && data.pageInfo.endCursor && (
        <tr><td colSpan={6}><button type="button" onClick={() => onMore(data.pageInfo.endCursor!)}>Weitere laden</button></td></tr>
      )}
    </tbody>
  );
}
