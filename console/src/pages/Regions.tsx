// The municipality register: search by name, level and parent region.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { gql, useQuery } from 'urql';
import { errorText } from '../api/errors';
import { SelectField, TextField } from '../components/Field';
import { Loading, Page } from '../components/Page';
import { count, REGION_LEVELS } from '../text';

const REGIONS = gql`
  query ConsoleRegions($name: String, $level: RegionLevel, $parentArs: String, $first: Int, $after: String) {
    regions(name: $name, level: $level, parentArs: $parentArs, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ars ags level name typeName parent { ars name } } }
    }
  }
`;

interface RegionRow {
  ars: string;
  ags: string | null;
  level: string;
  name: string;
  typeName: string | null;
  parent: { ars: string; name: string } | null;
}

interface Filter {
  name: string;
  level: string;
  parentArs: string;
}

export function RegionsPage() {
  const [draft, setDraft] = useState<Filter>({ name: '', level: '', parentArs: '' });
  const [filter, setFilter] = useState<Filter | null>(null);
  const [after, setAfter] = useState<string | null>(null);
  const variables = filter && { name: filter.name.trim() || undefined, level: filter.level || undefined, parentArs: filter.parentArs.trim() || undefined, first: 50, after };
  const [result] = useQuery<{ regions: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: RegionRow }[] } }>({
    query: REGIONS,
    variables: variables ?? {},
    pause: !filter,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft);
    setAfter(null);
  };
  const data = result.data?.regions;
  return (
    <Page title="Gebiete">
      <form role="search" aria-label="Gebiete suchen" onSubmit={submit} className="card filters">
        <TextField label="Name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} maxLength={200} hint="Anfang des Namens, z. B. Lemgo" />
        <SelectField label="Ebene" value={draft.level} onChange={(e) => setDraft({ ...draft, level: e.target.value })}>
          <option value="">alle</option>
          {Object.entries(REGION_LEVELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </SelectField>
        <TextField label="Innerhalb von (ARS)" value={draft.parentArs} onChange={(e) => setDraft({ ...draft, parentArs: e.target.value })} maxLength={32} inputMode="numeric" hint="z. B. 05766 für den Kreis Lippe" />
        <button type="submit">Suchen</button>
      </form>
      <div aria-live="polite">
        {result.fetching && <Loading />}
        {result.error && <p role="alert" className="alert alert-error">{errorText(result.error)}</p>}
        {data && <p role="status">{data.totalCount === 0 ? 'Keine Gebiete gefunden.' : count(data.totalCount, 'Gebiet', 'Gebiete')}</p>}
      </div>
      {data && data.edges.length > 0 && (
        <table className="table">
          <thead><tr><th scope="col">Name</th><th scope="col">Ebene</th><th scope="col">Schlüssel (ARS)</th><th scope="col">Gehört zu</th></tr></thead>
          <tbody>
            {data.edges.map(({ node: r }) => (
              <tr key={`${r.level}-${r.ars}`}>
                <td><Link to={`/regions/${r.ars}`}>{r.name}</Link></td>
                <td>{r.typeName ?? REGION_LEVELS[r.level] ?? r.level}</td>
                <td><code>{r.ars}</code>{r.ags && <span className="muted"> (AGS {r.ags})</span>}</td>
                <td>{r.parent ? <Link to={`/regions/${r.parent.ars}`}>{r.parent.name}</Link> : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data?.pageInfo.hasNextPage && data.pageInfo.endCursor && (
        <button type="button" onClick={() => setAfter(data.pageInfo.endCursor)}>Nächste Seite</button>
      )}
    </Page>
  );
}
