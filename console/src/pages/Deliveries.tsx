// Deliveries (ADMIN): a chart of deliveries per day by channel, and the list with filters and paging.
import { useState, type FormEvent } from 'react';
import { gql, useQuery } from 'urql';
import { errorText } from '../api/errors';
import { canSeeOperations } from '../auth/permissions';
import { useSession } from '../auth/session';
import { BarChart, type Group } from '../components/BarChart';
import { SelectField, TextField } from '../components/Field';
import { Loading, Page } from '../components/Page';
import { CHANNELS, DELIVERY_STATUS, formatDate, formatDateTime, todayInGermany } from '../text';
import { addDays, berlinMidnight, daysBetween } from '../dates';

const STATISTICS = gql`
  query ConsoleDeliveryStatistics($from: DateTime!, $to: DateTime!) {
    deliveryStatistics(from: $from, to: $to, groupBy: DAY) { key total electronic print failed }
  }
`;

const DELIVERIES = gql`
  query ConsoleDeliveries($filter: DeliveryFilter, $first: Int, $after: String) {
    deliveries(filter: $filter, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id status channel messageType senderKey recipientKey reference createdAt handedOffAt }
    }
  }
`;

interface DeliveryRow {
  id: string;
  status: string;
  channel: string;
  messageType: string;
  senderKey: string;
  recipientKey: string | null;
  reference: string;
  createdAt: string;
  handedOffAt: string | null;
}

interface StatisticsRow {
  key: string;
  total: number;
  electronic: number;
  print: number;
  failed: number;
}

interface Filter {
  status: string;
  channel: string;
  /** YYYY-MM-DD, German days, both included */
  from: string;
  to: string;
}

const PAGE = 50;
/** The chart shows at most this many days (the last ones of the range). */
const CHART_DAYS = 62;
const SERIES = [
  { key: 'electronic', label: 'elektronisch', color: '#1d4f91' },
  { key: 'print', label: 'auf Papier', color: '#9a4a00' },
];

/** The filter's days as instants: [from 00:00, day after to 00:00) in German time. */
function range(f: Filter): { from: string; to: string } {
  return { from: berlinMidnight(f.from).toISOString(), to: berlinMidnight(addDays(f.to, 1)).toISOString() };
}

function DayChart({ filter }: { filter: Filter }) {
  const first = daysBetween(filter.from, filter.to) >= CHART_DAYS ? addDays(filter.to, -(CHART_DAYS - 1)) : filter.from;
  const [r] = useQuery<{ deliveryStatistics: StatisticsRow[] }>({ query: STATISTICS, variables: range({ ...filter, from: first }), requestPolicy: 'cache-and-network' });
  if (r.error) return <p role="alert" className="alert alert-error">{errorText(r.error)}</p>;
  if (!r.data) return <Loading />;
  const byDay = new Map(r.data.deliveryStatistics.map((s) => [s.key, s]));
  const groups: Group[] = [];
  for (let d = first; d <= filter.to; d = addDays(d, 1)) {
    const s = byDay.get(d);
    groups.push({ label: formatDate(d).slice(0, 6), title: formatDate(d), values: { electronic: s?.electronic ?? 0, print: s?.print ?? 0 } });
  }
  const electronic = groups.reduce((n, g) => n + g.values.electronic!, 0);
  const print = groups.reduce((n, g) => n + g.values.print!, 0);
  const summary = `${formatDate(first)} bis ${formatDate(filter.to)}: ${electronic} elektronisch, ${print} auf Papier (alle Status).`;
  return <BarChart title="Zustellungen je Tag und Weg" summary={summary} category="Tag" groups={groups} series={SERIES} />;
}

function filterVariables(f: Filter) {
  return { status: f.status || undefined, channel: f.channel || undefined, ...range(f) };
}

function ResultPage({ filter, after, last, onMore }: { filter: Filter; after: string | null; last: boolean; onMore: (c: string) => void }) {
  const [r] = useQuery<{ deliveries: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: DeliveryRow[] } }>({
    query: DELIVERIES,
    variables: { filter: filterVariables(filter), first: PAGE, after },
    requestPolicy: 'cache-and-network',
  });
  const data = r.data?.deliveries;
  return (
    <tbody>
      {r.error && <tr><td colSpan={6} role="alert" className="error">{errorText(r.error)}</td></tr>}
      {!data && r.fetching && <tr><td colSpan={6}><Loading /></td></tr>}
      {data?.nodes.map((d) => (
        <tr key={d.id}>
          <td>{formatDateTime(d.createdAt)}</td>
          <td className={d.status === 'FAILED' || d.status === 'REJECTED' ? 'warn' : undefined}>{DELIVERY_STATUS[d.status] ?? d.status}</td>
          <td>{CHANNELS[d.channel] ?? d.channel}</td>
          <td>{d.messageType}</td>
          <td><code>{d.senderKey}</code> → <code>{d.recipientKey ?? '–'}</code></td>
          <td>{d.reference}</td>
        </tr>
      ))}
      {data && after === null && !data.nodes.length && <tr className="summary"><td colSpan={6} role="status">Keine Zustellungen in diesem Zeitraum.</td></tr>}
      {data && last && data.pageInfo.hasNextPage && data.pageInfo.endCursor && (
        <tr><td colSpan={6}><button type="button" onClick={() => onMore(data.pageInfo.endCursor!)}>Weitere laden</button></td></tr>
      )}
    </tbody>
  );
}

function FilterForm({ initial, onSubmit }: { initial: Filter; onSubmit: (f: Filter) => void }) {
  const [draft, setDraft] = useState<Filter>(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(draft);
  };
  return (
    <form role="search" aria-label="Zustellungen filtern" onSubmit={submit} className="card filters">
      <SelectField label="Status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
        <option value="">alle</option>
        {Object.entries(DELIVERY_STATUS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
      </SelectField>
      <SelectField label="Weg" value={draft.channel} onChange={(e) => setDraft({ ...draft, channel: e.target.value })}>
        <option value="">alle</option>
        {Object.entries(CHANNELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
      </SelectField>
      <TextField label="Von" type="date" required value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
      <TextField label="Bis" type="date" required value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
      <button type="submit">Anzeigen</button>
    </form>
  );
}

export function DeliveriesPage() {
  const { principal } = useSession();
  const today = todayInGermany();
  const [filter, setFilter] = useState<Filter>({ status: '', channel: '', from: addDays(today, -13), to: today });
  const [pages, setPages] = useState<(string | null)[]>([null]);
  if (!canSeeOperations(principal)) return <Page title="Kein Zugriff"><p>Zustellungen sieht die Administration.</p></Page>;
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(filter.from) && /^\d{4}-\d{2}-\d{2}$/.test(filter.to) && filter.from <= filter.to;
  return (
    <Page title="Zustellungen">
      <FilterForm initial={filter} onSubmit={(f) => { setFilter(f); setPages([null]); }} />
      {!valid && <p role="alert" className="alert alert-error">Bitte einen Zeitraum mit „Von“ vor oder gleich „Bis“ angeben.</p>}
      {valid && <DayChart filter={filter} />}
      {valid && (
        <table className="table">
          <caption className="visually-hidden">Zustellungen, neueste zuerst</caption>
          <thead>
            <tr><th scope="col">Eingegangen</th><th scope="col">Status</th><th scope="col">Weg</th><th scope="col">Nachrichtentyp</th><th scope="col">Absender → Empfänger</th><th scope="col">Aktenzeichen</th></tr>
          </thead>
          {pages.map((after, i) => (
            <ResultPage key={after ?? 'first'} filter={filter} after={after} last={i === pages.length - 1} onMore={(c) => setPages([...pages, c])} />
          ))}
        </table>
      )}
    </Page>
  );
}
