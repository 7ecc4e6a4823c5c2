// Sammelimport: authorities with their jurisdictions from a CSV file (or pasted text). A preview
// (dry run) shows what would be created, updated, ended or left unchanged and the rows in error;
// "Übernehmen" sends the same text again to be written. The export downloads the current file.
import { useState, type ChangeEvent } from 'react';
import { useClient, useMutation } from 'urql';
import { errorText, formErrors } from '../api/errors';
import { canRegisterJurisdictions } from '../auth/permissions';
import { useSession } from '../auth/session';
import { ErrorSummary } from '../components/Field';
import { Page } from '../components/Page';
import { todayInGermany } from '../text';
import { EXPORT, IMPORT, MAX_CSV_CHARS, MAX_CSV_ROWS, type ImportPlan } from './import-queries';
import { ImportErrors, ImportPlanView } from './ImportPlanView';

const MIB = 1024 * 1024;
const tooLarge = (what: string, size: number) =>
  `${what} ist zu groß (${(size / MIB).toFixed(1)} MiB): der Server nimmt höchstens ${MAX_CSV_CHARS / MIB} MiB an. Teilen Sie die Datei, z. B. nach Mandanten.`;

const notUtf8 = (name: string) =>
  `Die Datei ${name} ist nicht in UTF-8 kodiert (etwa Excels „CSV (Trennzeichen-getrennt)“ in Windows-1252): Umlaute wie in „Lügde“ kämen verfälscht an. Speichern Sie sie in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“ und wählen Sie sie erneut.`;

/** The file's text if it is valid UTF-8 (a byte order mark is dropped), else null: nothing is guessed. */
async function readUtf8(file: File): Promise<string | null> {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    return null;
  }
}

function ExportButton() {
  const client = useClient();
  const { principal } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    setError(null);
    const r = await client.query<{ exportAuthorities: string }>(EXPORT, {}, { requestPolicy: 'network-only' }).toPromise();
    setBusy(false);
    if (r.error || !r.data) return setError(r.error ? errorText(r.error) : 'Keine Antwort');
    const url = URL.createObjectURL(new Blob([r.data.exportAuthorities], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `behoerden${principal.role === 'TENANT_MANAGER' ? `-${principal.scope}` : ''}-${todayInGermany()}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <>
      <button type="button" onClick={download} disabled={busy}>Aktuelle Daten exportieren (CSV)</button>
      {error && <span role="alert" className="error">{error}</span>}
    </>
  );
}

/** The CSV to import, from a file or pasted; too large a file is refused here, before it is read, and one not in UTF-8 once read. */
function Source({ csv, onChange }: { csv: string; onChange: (csv: string, error: string | null) => void }) {
  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    if (file.size > MAX_CSV_CHARS) return onChange('', tooLarge(`Die Datei ${file.name}`, file.size));
    const text = await readUtf8(file);
    onChange(text ?? '', text === null ? notUtf8(file.name) : null);
  };
  const paste = (e: ChangeEvent<HTMLTextAreaElement>) => {
    const text = e.target.value;
    onChange(text, text.length > MAX_CSV_CHARS ? tooLarge('Der eingefügte Text', text.length) : null);
  };
  return (
    <div className="card">
      <div className="field">
        <label htmlFor="csv-file">CSV-Datei</label>
        <input id="csv-file" type="file" accept=".csv,text/csv" onChange={pick} aria-describedby="csv-file-hint" />
        <p className="hint" id="csv-file-hint">Format wie beim Export: eine Zeile je Zuständigkeit, UTF-8 (in Excel: „CSV UTF-8“). Höchstens {MAX_CSV_CHARS / MIB} MiB und {MAX_CSV_ROWS.toLocaleString('de-DE')} Zeilen.</p>
      </div>
      <div className="field">
        <label htmlFor="csv-text">oder CSV einfügen</label>
        <textarea id="csv-text" value={csv} onChange={paste} spellCheck={false} rows={8} />
      </div>
    </div>
  );
}

export function BulkImportPage() {
  const { principal } = useSession();
  const [csv, setCsv] = useState('');
  const [sourceError, setSourceError] = useState<string | null>(null);
  /** the text the shown preview belongs to: "Übernehmen" sends exactly that */
  const [previewed, setPreviewed] = useState<string | null>(null);
  const [state, run] = useMutation<{ importAuthorities: ImportPlan }>(IMPORT);
  if (!canRegisterJurisdictions(principal)) return <Page title="Kein Zugriff"><p>Den Sammelimport nutzen die Administration und die Mandantenverwaltung.</p></Page>;
  // A preview belongs to the text it was made for; once the text changes it is gone.
  const result = state.data?.importAuthorities;
  const plan = result && (result.applied || previewed === csv) ? result : undefined;
  const change = (text: string, error: string | null) => {
    setCsv(text);
    setSourceError(error);
    setPreviewed(null);
  };
  const preview = async () => {
    const r = await run({ csv, dryRun: true });
    setPreviewed(r.error ? null : csv);
  };
  const apply = async () => {
    if (previewed === null) return;
    await run({ csv: previewed, dryRun: false });
    setPreviewed(null);
  };
  const canApply = previewed !== null && previewed === csv && !!plan?.dryRun && plan.errors.length === 0 && !state.fetching;
  return (
    <Page title="Sammelimport" actions={<ExportButton />}>
      <p className="muted">
        Behörden mit ihren Zuständigkeiten aus einer CSV-Datei: alles oder nichts. Erst die Vorschau zeigt, was neu angelegt, geändert,
        beendet oder unverändert bleibt; „Übernehmen“ schreibt es.
        {principal.role === 'TENANT_MANAGER' && <> Nur Behörden Ihres Mandanten <strong>{principal.scope}</strong> in seinem Gebiet.</>}
      </p>
      <Source csv={csv} onChange={change} />
      {sourceError && <p role="alert" className="alert alert-error">{sourceError}</p>}
      <div className="actions">
        <button type="button" className={canApply ? undefined : 'primary'} onClick={preview} disabled={!csv.trim() || !!sourceError || state.fetching}>Vorschau</button>
        <button type="button" className="primary" onClick={apply} disabled={!canApply}>Übernehmen</button>
      </div>
      <ErrorSummary errors={formErrors(state.error, []).general} />
      {plan && plan.errors.length > 0 && <ImportErrors errors={plan.errors} total={plan.counts.errors} />}
      {plan && <ImportPlanView plan={plan} />}
    </Page>
  );
}
