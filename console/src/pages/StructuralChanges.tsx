// Gebietsänderungen: structural changes of municipalities by status. Proposals (from a GV100AD
// edition) show why they were suggested; the detail page confirms, rejects, corrects or cancels.
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { errorText } from '../api/errors';
import { Loading, Page } from '../components/Page';
import { CHANGE_KINDS, CHANGE_STATUS, formatDate, plural } from '../text';
import { STRUCTURAL_CHANGES, type StructuralChange } from './structural-queries';

const TABS = ['PROPOSED', 'PLANNED', 'APPLIED', 'REJECTED', 'CANCELLED'] as const;

const TAB_LABELS: Record<string, string> = {
  PROPOSED: 'Vorgeschlagen',
  PLANNED: 'Geplant',
  APPLIED: 'Durchgeführt',
  REJECTED: 'Abgelehnt',
  CANCELLED: 'Storniert',
};

const TAB_HINTS: Record<string, string> = {
  PROPOSED: 'Vorschläge aus dem Vergleich zweier GV100AD-Ausgaben; erst nach Bestätigung werden sie geplant.',
  PLANNED: 'Bestätigte Änderungen; sie werden an ihrem Stichtag durchgeführt. Ermittlungen warnen ab dem Stichtag.',
  APPLIED: 'Durchgeführte Änderungen; alte Schlüssel werden auf ihre Nachfolger weitergeleitet.',
  REJECTED: 'Abgelehnte Vorschläge.',
  CANCELLED: 'Geplante Änderungen, die vor ihrem Stichtag storniert wurden.',
};

/** "87 %" for a confidence between 0 and 1. */
export const percent = (c: number) => `${Math.round(c * 100)} %`;

export function successorText(c: StructuralChange): string {
  return c.successors.map((s) => `${s.name} (${s.ags})`).join(', ');
}

export function StructuralChangesPage() {
  const [params, setParams] = useSearchParams();
  const status = TABS.find((t) => t === params.get('status')) ?? 'PROPOSED';
  return (
    <Page title="Gebietsänderungen">
      <nav aria-label="Status" className="tabs">
        <ul>
          {TABS.map((t) => (
            <li key={t}>
              <a href={`?status=${t}`} aria-current={t === status ? 'page' : undefined} onClick={(e) => { e.preventDefault(); setParams({ status: t }); }}>
                {TAB_LABELS[t]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <p className="muted">{TAB_HINTS[status]}</p>
      <ChangeList key={status} status={status} />
    </Page>
  );
}

function ChangeList({ status }: { status: string }) {
  const [result] = useQuery<{ structuralChanges: { nodes: StructuralChange[]; pageInfo: { hasNextPage: boolean } } }>({
    query: STRUCTURAL_CHANGES,
    variables: { status, first: 200 },
  });
  if (result.error) return <p role="alert" className="alert alert-error">{errorText(result.error)}</p>;
  if (!result.data) return <Loading />;
  const { nodes, pageInfo } = result.data.structuralChanges;
  const proposals = status === 'PROPOSED';
  return (
    <table className="table">
      <caption className="visually-hidden">Gebietsänderungen: {TAB_LABELS[status]}</caption>
      <thead>
        <tr>
          <th scope="col">Stichtag</th><th scope="col">Art</th><th scope="col">Vorher (AGS)</th><th scope="col">Nachher</th>
          {proposals && <><th scope="col">Konfidenz</th><th scope="col">Gründe</th></>}
        </tr>
      </thead>
      <tbody>
        {nodes.map((c) => (
          <tr key={c.id}>
            <td><Link to={`/structural-changes/${c.id}`} aria-label={`Gebietsänderung ${c.id} vom ${formatDate(c.effectiveDate)}`}>{formatDate(c.effectiveDate)}</Link></td>
            <td>{CHANGE_KINDS[c.kind] ?? c.kind}</td>
            <td>{c.predecessors.join(', ')}</td>
            <td>{successorText(c)}</td>
            {proposals && (
              <>
                <td>{c.proposal ? percent(c.proposal.confidence) : '–'}</td>
                <td>{c.proposal?.reasons.join('; ') ?? '–'}</td>
              </>
            )}
          </tr>
        ))}
        <tr className="summary">
          <td colSpan={proposals ? 6 : 4} role="status">
            {nodes.length === 0 ? `Keine Gebietsänderungen mit dem Status „${CHANGE_STATUS[status]}“.` : `${nodes.length}${pageInfo.hasNextPage ? '+' : ''} ${plural(nodes.length + (pageInfo.hasNextPage ? 1 : 0), 'Gebietsänderung', 'Gebietsänderungen')}`}
          </td>
        </tr>
      </tbody>
    </table>
  );
}
