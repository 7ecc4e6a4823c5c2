// An authority's jurisdictions: the list (current, future and ended), ending one, creating one.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { gql, useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors';
import { ErrorSummary, Fieldset, SelectField, TextField } from '../components/Field';
import { dayBefore, formatDate, formatValidity, PARITY, SCOPE_LEVELS, todayInGermany } from '../text';
import { CREATE_JURISDICTION, END_JURISDICTION, type AuthorityDetail, type JurisdictionRow } from './authority-queries';

const TASKS = gql`
  query ConsoleJurisdictionTasks {
    tasks { code name }
  }
`;

/** The area's name from the register (a municipality by AGS, a region by ARS); Jurisdiction itself gives only the key. */
const AREA_NAME = gql`
  query ConsoleAreaName($key: String!, $at: Date, $municipality: Boolean!) {
    municipality(ags: $key, at: $at) @include(if: $municipality) { ags name }
    region(ars: $key, at: $at) @skip(if: $municipality) { ars name }
  }
`;

type TaskNames = Record<string, string>;

/** An ended rule's area is named as it stood on the rule's last day. */
function AreaName({ j, ended }: { j: JurisdictionRow; ended: boolean }) {
  const municipality = j.level === 'MUNICIPALITY' || j.level === 'STREET';
  const [r] = useQuery<{ municipality?: { name: string } | null; region?: { name: string } | null }>({
    query: AREA_NAME,
    variables: { key: j.areaKey, at: ended && j.validTo ? dayBefore(j.validTo) : undefined, municipality },
  });
  const name = (municipality ? r.data?.municipality : r.data?.region)?.name;
  return name ? <> ({name})</> : null;
}

function place(j: JurisdictionRow): string {
  const level = SCOPE_LEVELS[j.level] ?? j.level;
  if (j.level !== 'STREET') return `${level} ${j.areaKey}`;
  const range = j.houseNumberFrom !== null ? ` ${j.houseNumberFrom}–${j.houseNumberTo} (${PARITY[j.parity] ?? j.parity})` : '';
  return `${j.street}${range}, ${j.postalCode} (AGS ${j.areaKey})`;
}

const isEnded = (j: JurisdictionRow, today: string) => !!j.validTo && j.validTo <= today;

/** The lookup page asked for a rule's place and task (a street rule: its street and first house number). */
function lookupPath(j: JurisdictionRow): string {
  const q = new URLSearchParams({ task: j.task });
  if (j.level === 'MUNICIPALITY') q.set('ags', j.areaKey);
  else if (j.level !== 'STREET') q.set('ars', j.areaKey);
  else {
    q.set('street', j.street ?? '');
    q.set('postalCode', j.postalCode ?? '');
    if (j.houseNumberFrom !== null) q.set('houseNumber', String(j.houseNumberFrom));
  }
  return `/lookup?${q}`;
}

function EndForm({ j, onDone }: { j: JurisdictionRow; onDone: () => void }) {
  const [validTo, setValidTo] = useState(todayInGermany());
  const [state, end] = useMutation(END_JURISDICTION);
  const errors = formErrors(state.error, ['validTo']);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await end({ id: j.id, validTo, expectedVersion: j.version });
    if (!r.error) onDone();
  };
  return (
    <form onSubmit={submit} className="inline-form" aria-label={`Zuständigkeit ${place(j)} beenden`}>
      <ErrorSummary errors={errors.general} />
      <TextField label="Erster Tag ohne Zuständigkeit" type="date" required value={validTo} onChange={(e) => setValidTo(e.target.value)} error={errors.fields.validTo} />
      <button type="submit" className="danger" disabled={state.fetching}>Beenden</button>
      <button type="button" onClick={onDone}>Abbrechen</button>
    </form>
  );
}

function Row({ j, editable, tasks }: { j: JurisdictionRow; editable: boolean; tasks: TaskNames }) {
  const [ending, setEnding] = useState(false);
  const today = todayInGermany();
  return (
    <tr className={isEnded(j, today) ? 'ended' : undefined}>
      <td>{tasks[j.task] ?? j.task}</td>
      <td>{place(j)}<AreaName j={j} ended={isEnded(j, today)} /></td>
      <td>{formatValidity(j.validFrom, j.validTo)}</td>
      <td>
        {editable && !isEnded(j, today) && !ending && <button type="button" onClick={() => setEnding(true)}>Beenden…</button>}
        {ending && <EndForm j={j} onDone={() => setEnding(false)} />}
        {isEnded(j, today) && <span className="muted">beendet</span>}
      </td>
    </tr>
  );
}

interface Draft {
  task: string;
  level: string;
  key: string;
  ags: string;
  postalCode: string;
  street: string;
  houseNumberFrom: string;
  houseNumberTo: string;
  parity: string;
  validFrom: string;
  validTo: string;
}

const EMPTY: Draft = { task: 'VOLLSTRECKUNGSHILFE', level: 'MUNICIPALITY', key: '', ags: '', postalCode: '', street: '', houseNumberFrom: '', houseNumberTo: '', parity: 'ALL', validFrom: '', validTo: '' };

const FIELDS = [
  'input.task', 'input.scope', 'input.scope.key', 'input.scope.street', 'input.scope.street.ags', 'input.scope.street.postalCode',
  'input.scope.street.street', 'input.scope.street.parity', 'input.validFrom', 'input.validTo',
] as const;

const num = (s: string) => (s.trim() ? Number(s) : null);

function toInput(authorityKey: string, d: Draft) {
  const scope =
    d.level === 'STREET'
      ? { level: d.level, street: { ags: d.ags.trim(), postalCode: d.postalCode.trim(), street: d.street.trim(), houseNumberFrom: num(d.houseNumberFrom), houseNumberTo: num(d.houseNumberTo), parity: d.parity } }
      : { level: d.level, key: d.key.trim() };
  return { authorityKey, task: d.task, scope, validFrom: d.validFrom || null, validTo: d.validTo || null };
}

function StreetFields({ d, set, err }: { d: Draft; set: (p: Partial<Draft>) => void; err: Record<string, string> }) {
  return (
    <Fieldset legend="Straßenregel" error={err['input.scope.street']}>
      <TextField label="Gemeindeschlüssel (AGS)" required value={d.ags} onChange={(e) => set({ ags: e.target.value })} maxLength={32} error={err['input.scope.street.ags']} />
      <TextField label="Postleitzahl" required value={d.postalCode} onChange={(e) => set({ postalCode: e.target.value })} maxLength={32} error={err['input.scope.street.postalCode']} />
      <TextField label="Straße" required value={d.street} onChange={(e) => set({ street: e.target.value })} maxLength={200} error={err['input.scope.street.street']} />
      <TextField label="Hausnummer von" type="number" min={1} value={d.houseNumberFrom} onChange={(e) => set({ houseNumberFrom: e.target.value })} />
      <TextField label="Hausnummer bis" type="number" min={1} value={d.houseNumberTo} onChange={(e) => set({ houseNumberTo: e.target.value })} />
      <SelectField label="Hausnummern" value={d.parity} onChange={(e) => set({ parity: e.target.value })} error={err['input.scope.street.parity']}>
        {Object.entries(PARITY).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
      </SelectField>
    </Fieldset>
  );
}

function CreateForm({ authorityKey, onDone }: { authorityKey: string; onDone: () => void }) {
  const [d, setD] = useState<Draft>(EMPTY);
  const [tasks] = useQuery<{ tasks: { code: string; name: string }[] }>({ query: TASKS });
  const [state, create] = useMutation(CREATE_JURISDICTION);
  const errors = formErrors(state.error, FIELDS);
  const err = errors.fields;
  const set = (p: Partial<Draft>) => setD((x) => ({ ...x, ...p }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create({ input: toInput(authorityKey, d) });
    if (!r.error) onDone();
  };
  const keyLabel = d.level === 'MUNICIPALITY' ? 'Gemeindeschlüssel (AGS, 8 Ziffern)' : 'Regionalschlüssel (ARS)';
  return (
    <form onSubmit={submit} className="card" aria-labelledby="new-jurisdiction-title" noValidate>
      <h3 id="new-jurisdiction-title">Neue Zuständigkeit</h3>
      <ErrorSummary errors={errors.general} />
      <div className="field-grid">
        <SelectField label="Aufgabe" value={d.task} onChange={(e) => set({ task: e.target.value })} error={err['input.task']}>
          {(tasks.data?.tasks ?? [{ code: 'VOLLSTRECKUNGSHILFE', name: 'Vollstreckungshilfe' }]).map((t) => <option key={t.code} value={t.code}>{t.name}</option>)}
        </SelectField>
        <SelectField label="Ebene" value={d.level} onChange={(e) => set({ level: e.target.value })} error={err['input.scope']}>
          {Object.entries(SCOPE_LEVELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </SelectField>
        {d.level !== 'STREET' && <TextField label={keyLabel} required value={d.key} onChange={(e) => set({ key: e.target.value })} maxLength={32} inputMode="numeric" error={err['input.scope.key']} />}
      </div>
      {d.level === 'STREET' && <StreetFields d={d} set={set} err={err} />}
      <div className="field-grid">
        <TextField label="Gültig ab" type="date" value={d.validFrom} onChange={(e) => set({ validFrom: e.target.value })} hint="Leer: seit jeher" error={err['input.validFrom']} />
        <TextField label="Gültig bis (erster Tag ohne)" type="date" value={d.validTo} onChange={(e) => set({ validTo: e.target.value })} hint="Leer: unbefristet" error={err['input.validTo']} />
      </div>
      <button type="submit" className="primary" disabled={state.fetching}>Zuständigkeit anlegen</button>
      <button type="button" onClick={onDone}>Abbrechen</button>
    </form>
  );
}

export function Jurisdictions({ authority, editable }: { authority: AuthorityDetail; editable: boolean }) {
  const [creating, setCreating] = useState(false);
  const rows = authority.jurisdictions;
  const [taskList] = useQuery<{ tasks: { code: string; name: string }[] }>({ query: TASKS });
  const tasks: TaskNames = Object.fromEntries((taskList.data?.tasks ?? []).map((t) => [t.code, t.name]));
  const today = todayInGermany();
  const current = rows.find((j) => !isEnded(j, today) && (!j.validFrom || j.validFrom <= today));
  return (
    <section aria-labelledby="jurisdictions-title">
      <div className="page-head">
        <h2 id="jurisdictions-title">Zuständigkeiten</h2>
        {editable && !creating && <button type="button" className="primary" onClick={() => setCreating(true)}>Zuständigkeit anlegen</button>}
      </div>
      {creating && <CreateForm authorityKey={authority.key} onDone={() => setCreating(false)} />}
      {rows.length === 0 ? (
        <p className="muted">Keine Zuständigkeiten.</p>
      ) : (
        <table className="table">
          <thead><tr><th scope="col">Aufgabe</th><th scope="col">Gebiet</th><th scope="col">Gültigkeit</th><th scope="col"><span className="visually-hidden">Aktionen</span></th></tr></thead>
          <tbody>{rows.map((j) => <Row key={j.id} j={j} editable={editable} tasks={tasks} />)}</tbody>
        </table>
      )}
      <p className="muted">Stand {formatDate(todayInGermany())}. <Link to={current ? lookupPath(current) : '/lookup'}>Ergebnis in der Zuständigkeitsermittlung prüfen</Link></p>
    </section>
  );
}
