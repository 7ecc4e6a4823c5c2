// What an import of authorities does (or would do): counts, the authorities and jurisdictions by
// change, and the rows it cannot import with their line numbers.
import { Link } from 'react-router';
import { formatDate, PARITY, plural, SCOPE_LEVELS } from '../text';
import type { AuthorityItem, ImportPlan, RuleItem } from './import-queries';

function place(j: RuleItem): string {
  const level = SCOPE_LEVELS[j.level] ?? j.level;
  if (j.level !== 'STREET') return `${level} ${j.areaKey}`;
  const range = j.houseNumberFrom !== null ? ` ${j.houseNumberFrom}–${j.houseNumberTo} (${PARITY[j.parity] ?? j.parity})` : '';
  return `${j.street}${range}, ${j.postalCode} (AGS ${j.areaKey})`;
}

export function ImportErrors({ errors, total }: { errors: ImportPlan['errors']; total: number }) {
  return (
    <section className="alert alert-error" role="alert" aria-labelledby="import-errors">
      <h2 id="import-errors">{total} {plural(total, 'Zeile', 'Zeilen')} nicht übernehmbar – es wird nichts geschrieben</h2>
      <table className="table">
        <thead><tr><th scope="col">Zeile</th><th scope="col">Spalte</th><th scope="col">Fehler</th></tr></thead>
        <tbody>
          {errors.map((e, i) => <tr key={i}><td>{e.line}</td><td>{e.column ? <code>{e.column}</code> : '–'}</td><td>{e.message}</td></tr>)}
        </tbody>
      </table>
      {total > errors.length && <p>Die ersten {errors.length} von {total} Fehlern.</p>}
    </section>
  );
}

function Authorities({ title, items, showFields }: { title: string; items: AuthorityItem[]; showFields?: boolean }) {
  if (!items.length) return null;
  return (
    <>
      <h3>{title} ({items.length})</h3>
      <ul className="plain">
        {items.map((a) => (
          <li key={a.key}>
            Zeile {a.line}: <Link to={`/authorities/${encodeURIComponent(a.key)}`}><code>{a.key}</code></Link>
            {showFields && a.fields.length > 0 && <> – geändert: {a.fields.join(', ')}</>}
          </li>
        ))}
      </ul>
    </>
  );
}

function Rules({ title, items }: { title: string; items: RuleItem[] }) {
  if (!items.length) return null;
  return (
    <>
      <h3>{title} ({items.length})</h3>
      <table className="table">
        <thead><tr><th scope="col">Zeile</th><th scope="col">Behörde</th><th scope="col">Aufgabe</th><th scope="col">Gebiet</th><th scope="col">Gültig</th></tr></thead>
        <tbody>
          {items.map((j, i) => (
            <tr key={j.id ?? `new-${i}`}>
              <td>{j.line ?? '–'}</td>
              <td><code>{j.authorityKey}</code></td>
              <td>{j.task}</td>
              <td>{place(j)}</td>
              <td>
                {j.change === 'END' ? (j.deleted ? 'wird gelöscht (hätte nie gegolten)' : `endet vor dem ${formatDate(j.endsOn)}`) : `${formatDate(j.validFrom, 'seit jeher')} – ${formatDate(j.validTo, 'offen')}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function ImportPlanView({ plan }: { plan: ImportPlan }) {
  const n = plan.counts;
  return (
    <section className="card" aria-labelledby="plan">
      <h2 id="plan">{plan.applied ? 'Übernommen' : 'Vorschau – noch nichts geschrieben'}</h2>
      <ul className="totals" role="status" aria-label="Änderungen">
        <li><strong>{n.authoritiesCreated}</strong> {plural(n.authoritiesCreated, 'Behörde', 'Behörden')} neu</li>
        <li><strong>{n.authoritiesUpdated}</strong> {plural(n.authoritiesUpdated, 'Behörde', 'Behörden')} geändert</li>
        <li><strong>{n.authoritiesUnchanged}</strong> {plural(n.authoritiesUnchanged, 'Behörde', 'Behörden')} unverändert</li>
        <li><strong>{n.jurisdictionsCreated}</strong> {plural(n.jurisdictionsCreated, 'Zuständigkeit', 'Zuständigkeiten')} neu</li>
        <li><strong>{n.jurisdictionsEnded}</strong> {plural(n.jurisdictionsEnded, 'Zuständigkeit', 'Zuständigkeiten')} beendet</li>
        <li><strong>{n.jurisdictionsUnchanged}</strong> {plural(n.jurisdictionsUnchanged, 'Zuständigkeit', 'Zuständigkeiten')} unverändert</li>
      </ul>
      <p className="muted">Zuständigkeiten der Behörden in der Datei, die die Datei nicht mehr nennt, enden am {formatDate(plan.endDate)}.</p>
      <Authorities title="Neue Behörden" items={plan.authorities.created} />
      <Authorities title="Geänderte Behörden" items={plan.authorities.updated} showFields />
      <Rules title="Neue Zuständigkeiten" items={plan.jurisdictions.created} />
      <Rules title="Endende Zuständigkeiten" items={plan.jurisdictions.ended} />
      <Authorities title="Unveränderte Behörden" items={plan.authorities.unchanged} />
    </section>
  );
}
