// What a page shows when its record changed meanwhile (a CONFLICT on a stale version): plainly, with a reload.
export function StaleNotice({ what, onReload }: { what: string; onReload: () => void }) {
  return (
    <div className="alert alert-warn" role="alert">
      <p>
        {what} wurde inzwischen geändert (von Ihnen in einem anderen Fenster oder von jemand anderem). Ihre Aktion wurde nicht
        ausgeführt. Laden Sie den aktuellen Stand und entscheiden Sie erneut.
      </p>
      <button type="button" className="primary" onClick={onReload}>Neu laden</button>
    </div>
  );
}
