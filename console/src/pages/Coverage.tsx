// Abdeckung: which municipalities have no responsible authority for a task on a date, with totals,
// the Kreise with gaps and the uncovered municipalities a page at a time (gap reason, candidates).
// A tenant manager's report covers its territory only (the API decides).
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { gql, useQuery } from 'urql';
import { errorText, formErrors } from '../api/errors';
import { canRegisterJurisdictions } from '../auth/permissions';
import { useSession } from '../auth/session';
import { ErrorSummary, SelectField, TextField } from '../components/Field';
import { Loading, Page } from '../components/Page';
import { UnknownScope, useTenantKnown } from '../components/UnknownScope';
import { count, COVERAGE_GAPS, formatDate, plural, todayInGermany } from '../text';

const TASKS = gql`
  query ConsoleCoverageTasks {
    tasks { code name }
  }
`;

const COVERAGE = gql`
  query ConsoleCoverage($task: String, $at: Date, $district: String, $first: Int, $after: String) {
    coverage(task: $task, at: $at, district: $district) {
      task at district municipalities covered uncovered partiallyCovered
      districts(onlyWithGaps: true) { ars name municipalities covered uncovered partiallyCovered }
      uncoveredMunicipalities(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { ags ars name districtArs districtName gap streetRules candidates { key name } }
      }
    }
  }
`;

interface District { ars: string; name: string | null; municipalities: number; covered: number; uncovered: number; partiallyCovered: number }
interface Uncovered { ags: string; ars: string; name: string; districtArs: string; districtName: string | null; gap: string; streetRules: number; candidates: { key: string; name: string }[] }
interface CoverageData {
  task: string; at: string; district: string | null; municipalities: number; covered: number; uncovered: number; partiallyCovered: number;
  districts: District[];
  uncoveredMunicipalities: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Uncovered[] };
}

interface Question { task: string; at: string; district: string }
/** Each request a fresh report, also for the same question (after registering a jurisdiction, say). */
interface Asked { q: Question; n: number }

const PAGE = 100;
const FIELDS = ['task', 'at', 'district'] as const;

export function CoveragePage() {
  const { principal } = useSession();
  const [draft, setDraft] = useState<Question>({ task: 'VOLLSTRECKUNGSHILFE', at: todayInGermany(), district: '' });
  const [asked, setAsked] = useState<Asked>({ q: draft, n: 0 });
  const [tasks] = useQuery<{ tasks: { code: string; name: string }[] }>({ query: TASKS });
  const tenantKnown = useTenantKnown(principal.role === 'TENANT_MANAGER' ? principal.scope : null);
  if (!canRegisterJurisdictions(principal)) return <Page title="Kein Zugriff"><p>Die Abdeckung sehen die Administration und die Mandantenverwaltung.</p></Page>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    ask({ ...draft, district: draft.district.trim() });
  };
  const ask = (q: Question) => {
    setDraft(q);
    setAsked((a) => ({ q, n: a.n + 1 }));
  };
  return (
    <Page title="Abdeckung">
      <p className="muted">
        Gemeinden, für die eine Ermittlung nach ihrem Schlüssel keine zuständige Behörde ergibt
        {principal.role === 'TENANT_MANAGER' && <> – im Gebiet Ihres Mandanten <strong>{principal.scope}</strong></>}.
      </p>
      {tenantKnown === false && <UnknownScope what="Der Mandant" code={principal.scope ?? ''} />}
      <form role="search" aria-label="Abdeckung ermitteln" onSubmit={submit} className="card filters">
        <SelectField label="Aufgabe" value={draft.task} onChange={(e) => setDraft({ ...draft, task: e.target.value })}>
          {(tasks.data?.tasks ?? [{ code: 'VOLLSTRECKUNGSHILFE', name: 'Vollstreckungshilfe' }]).map((t) => <option key={t.code} value={t.code}>{t.name}</option>)}
        </SelectField>
        <TextField label="Stichtag" type="date" required value={draft.at} onChange={(e) => setDraft({ ...draft, at: e.target.value })} />
        <TextField label="Kreis (ARS, 5 Ziffern)" value={draft.district} onChange={(e) => setDraft({ ...draft, district: e.target.value })} maxLength={32} inputMode="numeric" hint="leer: alle" />
        <button type="submit" className="primary">Abdeckung ermitteln</button>
      </form>
      <Report key={asked.n} question={asked.q} onDistrict={(ars) => ask({ ...asked.q, district: ars })} />
    </Page>
  );
}

function variablesOf(q: Question, after: string | null) {
  return { task: q.task, at: q.at || undefined, district: q.district || undefined, first: PAGE, after };
}

function Report({ question, onDistrict }: { question: Question; onDistrict: (ars: string) => void }) {
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const [result] = useQuery<{ coverage: CoverageData }>({ query: COVERAGE, variables: variablesOf(question, null), requestPolicy: 'network-only' });
  if (result.error) {
    const errors = formErrors(result.error, FIELDS);
    return <ErrorSummary errors={[...Object.entries(errors.fields).map(([f, m]) => `${f === 'district' ? 'Kreis' : f === 'task' ? 'Aufgabe' : 'Stichtag'}: ${m}`), ...errors.general]} />;
  }
  const c = result.data?.coverage;
  if (!c) return <Loading />;
  return (
    <section aria-labelledby="report">
      <h2 id="report">{c.task} am {formatDate(c.at)}{c.district && `, Kreis ${c.district}`}</h2>
      <ul className="totals" role="status">
        <li><strong>{c.municipalities}</strong> {plural(c.municipalities, 'Gemeinde', 'Gemeinden')}</li>
        <li><strong className="ok">{c.covered}</strong> abgedeckt</li>
        <li><strong className={c.uncovered ? 'warn' : 'ok'}>{c.uncovered}</strong> nicht abgedeckt</li>
        <li><strong>{c.partiallyCovered}</strong> davon mit Straßenregeln</li>
      </ul>
      {c.districts.length > 0 && <Districts districts={c.districts} current={c.district} onDistrict={onDistrict} />}
      <h3>Gemeinden ohne zuständige Behörde</h3>
      {c.municipalities === 0 ? (
        <p>Das Gebiet ist leer: Es enthält keine Gemeinden, daher lässt sich nichts über die Abdeckung sagen.</p>
      ) : c.uncovered === 0 ? (
        <p className="ok">Alle Gemeinden sind abgedeckt.</p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Gemeinden ohne zuständige Behörde</caption>
          <thead><tr><th scope="col">AGS</th><th scope="col">Gemeinde</th><th scope="col">Kreis</th><th scope="col">Grund</th><th scope="col">Straßenregeln</th><th scope="col">Kandidaten</th></tr></thead>
          {pages.map((after, i) => (
            <UncoveredPage key={after ?? 'first'} question={question} after={after} first={i === 0 ? c.uncoveredMunicipalities : null} last={i === pages.length - 1} onMore={(cur) => setPages([...pages, cur])} />
          ))}
        </table>
      )}
    </section>
  );
}

function Districts({ districts, current, onDistrict }: { districts: District[]; current: string | null; onDistrict: (ars: string) => void }) {
  return (
    <>
      <h3>Kreise mit Lücken</h3>
      <table className="table">
        <caption className="visually-hidden">Kreise mit Lücken</caption>
        <thead><tr><th scope="col">Kreis</th><th scope="col">Gemeinden</th><th scope="col">abgedeckt</th><th scope="col">nicht abgedeckt</th><th scope="col">mit Straßenregeln</th><th scope="col"><span className="visually-hidden">Aktion</span></th></tr></thead>
        <tbody>
          {districts.map((d) => (
            <tr key={d.ars}>
              <td>{d.name ? <Link to={`/regions/${d.ars}`}>{d.name}</Link> : 'Gebiet ohne Kreis'} <code>{d.ars}</code></td>
              <td>{d.municipalities}</td><td>{d.covered}</td><td>{d.uncovered}</td><td>{d.partiallyCovered}</td>
              <td>{current !== d.ars && <button type="button" className="nowrap" onClick={() => onDistrict(d.ars)} aria-label={`Nur ${d.name ?? d.ars} zeigen`}>Nur diesen Kreis</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

type UncoveredConnection = CoverageData['uncoveredMunicipalities'];

/** The first page comes with the report; later ones are asked for with the cursor. */
function UncoveredPage({ question, after, first, last, onMore }: { question: Question; after: string | null; first: UncoveredConnection | null; last: boolean; onMore: (cursor: string) => void }) {
  const [result] = useQuery<{ coverage: CoverageData }>({ query: COVERAGE, variables: variablesOf(question, after), pause: first !== null });
  const data = first ?? result.data?.coverage.uncoveredMunicipalities;
  return (
    <tbody>
      {result.error && <tr><td colSpan={6} role="alert" className="error">{errorText(result.error)}</td></tr>}
      {!data && <tr><td colSpan={6}><Loading /></td></tr>}
      {data?.nodes.map((m) => (
        <tr key={m.ags}>
          <td><code>{m.ags}</code></td>
          <td><Link to={`/regions/${m.ars}`}>{m.name}</Link></td>
          <td>{m.districtName ?? m.districtArs}</td>
          <td>{COVERAGE_GAPS[m.gap] ?? m.gap}</td>
          <td>{m.streetRules || '–'}</td>
          <td>{m.candidates.length ? m.candidates.map((a, i) => <span key={a.key}>{i > 0 && ', '}<Link to={`/authorities/${encodeURIComponent(a.key)}`}>{a.name}</Link></span>) : '–'}</td>
        </tr>
      ))}
      {data && after === null && <tr className="summary"><td colSpan={6}>{count(data.totalCount, 'Gemeinde', 'Gemeinden')} ohne zuständige Behörde</td></tr>}
      {data && last && data.pageInfo.hasNextPage && data.pageInfo.endCursor && (
        <tr><td colSpan={6}><button type="button" onClick={() => onMore(data.pageInfo.endCursor!)}>Weitere laden</button></td></tr>
      )}
    </tbody>
  );
}
