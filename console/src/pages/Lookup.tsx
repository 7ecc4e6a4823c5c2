// The lookup box: which authority is responsible for a place, for a task, on a date — with the
// explanation, the warnings, planned structural changes and the electronic-delivery decision.
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { gql, useQuery } from 'urql';
import { errorText } from '../api/errors';
import { SelectField, TextField } from '../components/Field';
import { Loading, Page } from '../components/Page';
import { CHANGE_KINDS, CHANNELS, formatDate, formatValidity, LOOKUP_STATUS, MESSAGE_TYPES, SCOPE_LEVELS } from '../text';

const LOOKUP = gql`
  query ConsoleLookup($input: JurisdictionInput!) {
    responsibleAuthority(input: $input) {
      status
      authority { key name postalAddress { street houseNumber poBox postalCode city } }
      jurisdiction { id task level areaKey postalCode street validFrom validTo }
      municipality { ags name district { name } state { name } }
      region { ars name level }
      candidates { settleBy municipality { ags name } authority { key name } }
      explanation
      warnings
      electronicDelivery { electronic channel at reasons }
      input { task at messageType }
    }
  }
`;

const TASKS = gql`
  query ConsoleTasks {
    tasks { code name }
  }
`;

const HISTORY = gql`
  query ConsolePlannedChanges($ags: String!) {
    municipalityHistory(ags: $ags) {
      ags
      changes { id kind status effectiveDate predecessors successors { ags name } }
    }
  }
`;

type Mode = 'address' | 'ags' | 'ars' | 'postalCode';

interface LookupForm {
  mode: Mode;
  street: string;
  houseNumber: string;
  postalCode: string;
  city: string;
  key: string;
  task: string;
  at: string;
  messageType: string;
}

const EMPTY: LookupForm = { mode: 'address', street: '', houseNumber: '', postalCode: '', city: '', key: '', task: '', at: '', messageType: '' };

const orUndefined = (s: string) => (s.trim() ? s.trim() : undefined);

/**
 * A question given in the address (a link from an authority's jurisdictions: ?ags=…, ?ars=… or
 * ?street=…&postalCode=…, with task and at), or null. Values are cut to the fields' lengths; the API checks them.
 */
export function formFromQuery(q: URLSearchParams): LookupForm | null {
  const get = (name: string, max: number) => (q.get(name) ?? '').slice(0, max);
  const common = { ...EMPTY, task: get('task', 64), at: get('at', 10) };
  if (get('ags', 32)) return { ...common, mode: 'ags', key: get('ags', 32) };
  if (get('ars', 32)) return { ...common, mode: 'ars', key: get('ars', 32) };
  if (get('postalCode', 32)) return { ...common, mode: 'address', street: get('street', 200), houseNumber: get('houseNumber', 32), postalCode: get('postalCode', 32), city: get('city', 200) };
  return null;
}

/** The JurisdictionInput for the form: exactly one of address, ags, ars or postcode/city. */
function toInput(f: LookupForm) {
  const common = { task: orUndefined(f.task), at: orUndefined(f.at), messageType: orUndefined(f.messageType) };
  if (f.mode === 'ags') return { ...common, ags: f.key.trim() };
  if (f.mode === 'ars') return { ...common, ars: f.key.trim() };
  if (f.mode === 'postalCode') return { ...common, postalCode: orUndefined(f.postalCode), city: orUndefined(f.city) };
  const address = { street: orUndefined(f.street), houseNumber: orUndefined(f.houseNumber), postalCode: orUndefined(f.postalCode), city: orUndefined(f.city) };
  return { ...common, address };
}

function PlaceFields({ form, set }: { form: LookupForm; set: (patch: Partial<LookupForm>) => void }) {
  if (form.mode === 'ags' || form.mode === 'ars') {
    const label = form.mode === 'ags' ? 'Gemeindeschlüssel (AGS, 8 Ziffern)' : 'Regionalschlüssel (ARS)';
    return <TextField label={label} value={form.key} onChange={(e) => set({ key: e.target.value })} required maxLength={32} inputMode="numeric" autoComplete="off" />;
  }
  return (
    <div className="field-grid">
      {form.mode === 'address' && (
        <>
          <TextField label="Straße" value={form.street} onChange={(e) => set({ street: e.target.value })} maxLength={200} autoComplete="off" />
          <TextField label="Hausnummer" value={form.houseNumber} onChange={(e) => set({ houseNumber: e.target.value })} maxLength={32} autoComplete="off" />
        </>
      )}
      <TextField label="Postleitzahl" value={form.postalCode} onChange={(e) => set({ postalCode: e.target.value })} maxLength={32} inputMode="numeric" autoComplete="off" />
      <TextField label="Ort" value={form.city} onChange={(e) => set({ city: e.target.value })} maxLength={200} autoComplete="off" />
    </div>
  );
}

function LookupFormView({ initial, onSubmit }: { initial: LookupForm | null; onSubmit: (f: LookupForm) => void }) {
  const [form, setForm] = useState<LookupForm>(initial ?? EMPTY);
  const [tasks] = useQuery<{ tasks: { code: string; name: string }[] }>({ query: TASKS });
  const set = (patch: Partial<LookupForm>) => setForm((f) => ({ ...f, ...patch }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(form);
  };
  return (
    <form onSubmit={submit} className="card" aria-label="Zuständigkeit ermitteln">
      <SelectField label="Suchen nach" value={form.mode} onChange={(e) => set({ mode: e.target.value as Mode })}>
        <option value="address">Anschrift</option>
        <option value="postalCode">Postleitzahl / Ort</option>
        <option value="ags">Gemeindeschlüssel (AGS)</option>
        <option value="ars">Regionalschlüssel (ARS)</option>
      </SelectField>
      <PlaceFields form={form} set={set} />
      <div className="field-grid">
        <SelectField label="Aufgabe" value={form.task} onChange={(e) => set({ task: e.target.value })}>
          <option value="">Standard (Vollstreckungshilfe)</option>
          {tasks.data?.tasks.map((t) => <option key={t.code} value={t.code}>{t.name} ({t.code})</option>)}
        </SelectField>
        <TextField label="Stichtag" type="date" value={form.at} onChange={(e) => set({ at: e.target.value })} hint="Leer: heute" />
        <SelectField label="Nachrichtentyp (XAmtshilfe)" value={form.messageType} onChange={(e) => set({ messageType: e.target.value })} hint="Mit Nachrichtentyp: Entscheidung über den elektronischen Versand">
          <option value="">keiner</option>
          {MESSAGE_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
        </SelectField>
      </div>
      <button type="submit" className="primary">Zuständigkeit ermitteln</button>
    </form>
  );
}

type Result = {
  status: string;
  authority: { key: string; name: string; postalAddress: { street: string | null; houseNumber: string | null; poBox: string | null; postalCode: string; city: string } } | null;
  jurisdiction: { id: string; task: string; level: string; areaKey: string; postalCode: string | null; street: string | null; validFrom: string | null; validTo: string | null } | null;
  municipality: { ags: string; name: string; district: { name: string } | null; state: { name: string } | null } | null;
  region: { ars: string; name: string; level: string } | null;
  candidates: { settleBy: string; municipality: { ags: string; name: string } | null; authority: { key: string; name: string } | null }[];
  explanation: string[];
  warnings: string[];
  electronicDelivery: { electronic: boolean; channel: string; at: string; reasons: string[] } | null;
  input: { task: string; at: string; messageType: string | null };
};

function PlannedChanges({ ags }: { ags: string }) {
  const [history] = useQuery<{ municipalityHistory: { changes: { id: string; kind: string; status: string; effectiveDate: string; successors: { ags: string; name: string }[] }[] } }>({
    query: HISTORY,
    variables: { ags },
  });
  const planned = history.data?.municipalityHistory.changes.filter((c) => c.status === 'PLANNED') ?? [];
  if (!planned.length) return null;
  return (
    <section aria-labelledby="planned-title">
      <h3 id="planned-title">Geplante Gebietsänderungen</h3>
      <ul>
        {planned.map((c) => (
          <li key={c.id}>
            {CHANGE_KINDS[c.kind] ?? c.kind} zum {formatDate(c.effectiveDate)}
            {c.successors.length > 0 && <> – danach: {c.successors.map((s) => `${s.name} (${s.ags})`).join(', ')}</>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Decision({ d, messageType }: { d: NonNullable<Result['electronicDelivery']>; messageType: string | null }) {
  return (
    <section aria-labelledby="decision-title">
      <h3 id="decision-title">Versand von Nachrichtentyp {messageType}</h3>
      <p className={d.electronic ? 'ok' : 'warn'}>
        <strong>{d.electronic ? 'Elektronisch' : 'Nicht elektronisch'}</strong> – Versand {CHANNELS[d.channel] ?? d.channel}
      </p>
      <ul>{d.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul>
    </section>
  );
}

function ResultView({ r }: { r: Result }) {
  const a = r.authority;
  return (
    <section className="card result" aria-labelledby="result-title" data-status={r.status}>
      <h2 id="result-title">{LOOKUP_STATUS[r.status] ?? r.status}</h2>
      {a && (
        <p className="answer">
          <Link to={`/authorities/${encodeURIComponent(a.key)}`}>{a.name}</Link> <span className="muted">({a.key})</span>
          <br />
          {a.postalAddress.poBox ? `Postfach ${a.postalAddress.poBox}` : `${a.postalAddress.street ?? ''} ${a.postalAddress.houseNumber ?? ''}`}, {a.postalAddress.postalCode} {a.postalAddress.city}
        </p>
      )}
      <dl className="facts">
        {r.municipality && (<><dt>Gemeinde</dt><dd>{r.municipality.name} ({r.municipality.ags}){r.municipality.district && `, ${r.municipality.district.name}`}</dd></>)}
        {r.region && (<><dt>Gebiet</dt><dd>{r.region.name} ({r.region.ars})</dd></>)}
        <dt>Aufgabe, Stichtag</dt><dd>{r.input.task}, {formatDate(r.input.at)}</dd>
        {r.jurisdiction && (<><dt>Entscheidende Regel</dt><dd>{SCOPE_LEVELS[r.jurisdiction.level] ?? r.jurisdiction.level} {r.jurisdiction.areaKey}{r.jurisdiction.street && `, ${r.jurisdiction.street}`} – {formatValidity(r.jurisdiction.validFrom, r.jurisdiction.validTo)}</dd></>)}
      </dl>
      {r.warnings.length > 0 && (
        <section aria-labelledby="warnings-title" className="alert alert-warn">
          <h3 id="warnings-title">Hinweise</h3>
          <ul>{r.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </section>
      )}
      {r.candidates.length > 0 && (
        <section aria-labelledby="candidates-title">
          <h3 id="candidates-title">Mögliche Antworten</h3>
          <ul>{r.candidates.map((c, i) => <li key={i}>{c.municipality ? `${c.municipality.name} (${c.municipality.ags})` : ''}{c.authority && ` – ${c.authority.name}`}: {c.settleBy}</li>)}</ul>
        </section>
      )}
      {r.electronicDelivery && <Decision d={r.electronicDelivery} messageType={r.input.messageType} />}
      {r.municipality && <PlannedChanges ags={r.municipality.ags} />}
      <section aria-labelledby="explanation-title">
        <h3 id="explanation-title">Begründung</h3>
        <ol className="explanation">{r.explanation.map((e, i) => <li key={i}>{e}</li>)}</ol>
      </section>
    </section>
  );
}

export function LookupPage() {
  const [params] = useSearchParams();
  // A question in the address is filled in and asked at once.
  const [initial] = useState(() => formFromQuery(params));
  const [input, setInput] = useState<ReturnType<typeof toInput> | null>(initial && toInput(initial));
  const [result, reexecute] = useQuery<{ responsibleAuthority: Result }>({ query: LOOKUP, variables: { input }, pause: !input, requestPolicy: 'network-only' });
  const submit = (f: LookupForm) => {
    const next = toInput(f);
    // The same question again (say, after a jurisdiction was added) is asked anew.
    if (JSON.stringify(next) === JSON.stringify(input)) reexecute({ requestPolicy: 'network-only' });
    else setInput(next);
  };
  return (
    <Page title="Zuständigkeit ermitteln">
      <LookupFormView initial={initial} onSubmit={submit} />
      <div aria-live="polite">
        {result.fetching && <Loading />}
        {result.error && <p className="alert alert-error" role="alert">{errorText(result.error)}</p>}
        {result.data && !result.fetching && <ResultView r={result.data.responsibleAuthority} />}
      </div>
    </Page>
  );
}
