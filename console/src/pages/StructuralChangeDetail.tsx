// One structural change: what changes (municipalities, keys, names, date), why it was proposed, and
// for ADMIN the decisions its status allows: confirm or reject a proposal, correct the date of a
// planned change or cancel it. A stale version (someone else decided meanwhile) offers a reload.
import { useId, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, type AnyVariables, type DocumentInput } from 'urql';
import { errorText, formErrors, isStale } from '../api/errors';
import { canManageStructuralChanges } from '../auth/permissions';
import { useSession } from '../auth/session';
import { ErrorSummary, TextField } from '../components/Field';
import { Loading, Page } from '../components/Page';
import { StaleNotice } from '../components/Stale';
import { CHANGE_KINDS, CHANGE_STATUS, dayBefore, formatDate, POLICY_MODES } from '../text';
import { CANCEL, CONFIRM, EDIT, MUNICIPALITY_NAME, REJECT, STRUCTURAL_CHANGE, type StructuralChange } from './structural-queries';
import { percent } from './StructuralChanges';

function Predecessor({ ags, at }: { ags: string; at: string }) {
  const [r] = useQuery<{ municipality: { ags: string; ars: string; name: string } | null }>({ query: MUNICIPALITY_NAME, variables: { ags, at } });
  const m = r.data?.municipality;
  return (
    <li>
      <code>{ags}</code> {m ? <Link to={`/regions/${m.ars}`}>{m.name}</Link> : <span className="muted">{r.fetching ? '…' : 'nicht im Register'}</span>}
    </li>
  );
}

function WhatChanges({ c }: { c: StructuralChange }) {
  return (
    <section className="card" aria-labelledby="what">
      <h2 id="what">Was sich ändert</h2>
      <dl className="facts">
        <dt>Art</dt><dd>{CHANGE_KINDS[c.kind] ?? c.kind}</dd>
        <dt>Stichtag</dt><dd>{formatDate(c.effectiveDate)}</dd>
        <dt>Status</dt><dd>{CHANGE_STATUS[c.status] ?? c.status}</dd>
        <dt>Vorher</dt>
        <dd><ul className="plain">{c.predecessors.map((a) => <Predecessor key={a} ags={a} at={dayBefore(c.effectiveDate)} />)}</ul></dd>
        <dt>Nachher</dt>
        <dd>
          <ul className="plain">
            {c.successors.map((s) => (
              <li key={s.ags}>
                <code>{s.ags}</code> {s.name}
                {s.newAssociation ? ` – neuer Gemeindeverband ${s.newAssociation.name} (${s.newAssociation.ars})` : s.associationArs && ` – Gemeindeverband ${s.associationArs}`}
              </li>
            ))}
          </ul>
        </dd>
        {c.policies.length > 0 && (<><dt>Zuständigkeiten</dt><dd><ul className="plain">{c.policies.map((p) => <li key={p.task}>{p.task}: {POLICY_MODES[p.mode] ?? p.mode} {p.predecessorAgs ?? p.authorityKey ?? ''}</li>)}</ul></dd></>)}
        {c.transfers.length > 0 && (<><dt>Übertragungen</dt><dd><ul className="plain">{c.transfers.map((t, i) => <li key={i}>PLZ {t.postcode}{t.street && `, ${t.street}`} → {t.toAgs}</li>)}</ul></dd></>)}
        <dt>Quelle</dt><dd>{c.sourceReference ?? '–'}</dd>
        <dt>Angelegt</dt><dd>{formatDate(c.createdAt)} von {c.createdBy}</dd>
        {c.appliedAt && (<><dt>Durchgeführt</dt><dd>{formatDate(c.appliedAt)} von {c.appliedBy}</dd></>)}
      </dl>
    </section>
  );
}

function Evidence({ p }: { p: NonNullable<StructuralChange['proposal']> }) {
  return (
    <section className="card" aria-labelledby="why">
      <h2 id="why">Warum vorgeschlagen</h2>
      <p>Aus der GV100AD-Ausgabe vom {formatDate(p.edition)}, Konfidenz <strong>{percent(p.confidence)}</strong>.</p>
      <ul>{p.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul>
    </section>
  );
}

interface DateActionProps {
  c: StructuralChange;
  label: string;
  dateLabel: string;
  /** id of the hint above the actions, which describes the date field */
  hintId: string;
  mutation: DocumentInput<unknown, AnyVariables>;
  /** edits to send for the chosen date; the confirmation sends none when the date stays */
  edits: (date: string) => Record<string, unknown> | null;
  onReload: () => void;
}

/** A date and a button: confirming a proposal (with its date, perhaps corrected) or correcting a planned change's date. */
function DateAction({ c, label, dateLabel, hintId, mutation, edits, onReload }: DateActionProps) {
  const [date, setDate] = useState(c.effectiveDate);
  const [state, run] = useMutation(mutation);
  const errors = formErrors(state.error, ['edits.effectiveDate']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run({ id: c.id, expectedVersion: c.version, edits: edits(date) });
  };
  if (isStale(state.error)) return <StaleNotice what="Die Gebietsänderung" onReload={onReload} />;
  return (
    <form onSubmit={submit} className="inline-form" aria-label={label}>
      <TextField label={dateLabel} type="date" required value={date} onChange={(e) => setDate(e.target.value)} aria-describedby={hintId} error={errors.fields['edits.effectiveDate']} />
      <button type="submit" className="primary" disabled={state.fetching || !date}>{label}</button>
      <ErrorSummary errors={errors.general} />
    </form>
  );
}

/** Rejecting a proposal or cancelling a planned change: asked once more, then done. */
function EndAction({ c, label, question, confirmLabel, mutation, onReload }: { c: StructuralChange; label: string; question: string; confirmLabel: string; mutation: DocumentInput<unknown, AnyVariables>; onReload: () => void }) {
  const [asking, setAsking] = useState(false);
  const [state, run] = useMutation(mutation);
  if (isStale(state.error)) return <StaleNotice what="Die Gebietsänderung" onReload={onReload} />;
  if (!asking) return <button type="button" className="danger" onClick={() => setAsking(true)}>{label}</button>;
  return (
    <div className="confirm" role="group" aria-label={`${label} bestätigen`}>
      <p>{question}</p>
      <ErrorSummary errors={formErrors(state.error, []).general} />
      <button type="button" className="danger" autoFocus disabled={state.fetching} onClick={() => run({ id: c.id, expectedVersion: c.version })}>{confirmLabel}</button>
      <button type="button" onClick={() => setAsking(false)}>Zurück</button>
    </div>
  );
}

/** The hint stands above the actions, so date, button and the second button form one row that wraps cleanly. */
function Decisions({ c, onReload }: { c: StructuralChange; onReload: () => void }) {
  const hintId = useId();
  if (c.status === 'PROPOSED') {
    return (
      <section className="card" aria-labelledby="decide">
        <h2 id="decide">Entscheidung</h2>
        <p className="hint" id={hintId}>Den Stichtag bei Bedarf vor dem Bestätigen korrigieren.</p>
        <div className="action-row">
          <DateAction c={c} label="Bestätigen" dateLabel="Stichtag" hintId={hintId} mutation={CONFIRM}
            edits={(d) => (d === c.effectiveDate ? null : { effectiveDate: d })} onReload={onReload} />
          <EndAction c={c} label="Ablehnen" question="Vorschlag ablehnen? Er wird nicht durchgeführt." confirmLabel="Ja, ablehnen" mutation={REJECT} onReload={onReload} />
        </div>
      </section>
    );
  }
  if (c.status === 'PLANNED') {
    return (
      <section className="card" aria-labelledby="decide">
        <h2 id="decide">Korrigieren</h2>
        <p className="hint" id={hintId}>Ein neuer Stichtag wird wie eine neue Planung geprüft.</p>
        <div className="action-row">
          <DateAction c={c} label="Stichtag ändern" dateLabel="Neuer Stichtag" hintId={hintId} mutation={EDIT} edits={(d) => ({ effectiveDate: d })} onReload={onReload} />
          <EndAction c={c} label="Stornieren" question="Geplante Änderung stornieren? Sie wird an ihrem Stichtag nicht durchgeführt." confirmLabel="Ja, stornieren" mutation={CANCEL} onReload={onReload} />
        </div>
      </section>
    );
  }
  return null;
}

export function StructuralChangePage() {
  const { id = '' } = useParams();
  const { principal } = useSession();
  const [result, reexecute] = useQuery<{ structuralChange: StructuralChange | null }>({ query: STRUCTURAL_CHANGE, variables: { id } });
  const c = result.data?.structuralChange;
  const reload = () => reexecute({ requestPolicy: 'network-only' });
  if (result.error) return <Page title="Gebietsänderung"><p role="alert" className="alert alert-error">{errorText(result.error)}</p></Page>;
  if (!result.data) return <Page title="Gebietsänderung"><Loading /></Page>;
  if (!c) return <Page title="Gebietsänderung nicht gefunden"><p>Es gibt keine Gebietsänderung #{id}. <Link to="/structural-changes">Zur Übersicht</Link></p></Page>;
  const title = `${CHANGE_KINDS[c.kind] ?? c.kind} zum ${formatDate(c.effectiveDate)}`;
  return (
    <Page title={title}>
      <p><Link to={`/structural-changes?status=${c.status}`}>← Gebietsänderungen ({CHANGE_STATUS[c.status] ?? c.status})</Link></p>
      <p role="status" className="muted">Status: <strong>{CHANGE_STATUS[c.status] ?? c.status}</strong> · Version {c.version}</p>
      {canManageStructuralChanges(principal) && <Decisions key={`${c.status}-${c.version}`} c={c} onReload={reload} />}
      <WhatChanges c={c} />
      {c.proposal && <Evidence p={c.proposal} />}
    </Page>
  );
}
