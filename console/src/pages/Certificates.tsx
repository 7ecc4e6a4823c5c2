// Certificates of a data centre with their expiry at a glance: in-use certificates close to expiry are
// highlighted, revoked and expired ones say so.
import { CERTIFICATE_STATUS, CERTIFICATE_USAGES, expiryText, formatDate, formatDateTime } from '../text';
import { WARNING_DAYS, type CertificateRow } from './tenant-queries';

const IN_USE = ['PENDING', 'ACTIVE', 'RETIRING'];
const DAY_MS = 86_400_000;

/** The rule of certificateWarnings: in use and expiring within the warning window. */
export function expiresSoon(c: CertificateRow, now = Date.now()): boolean {
  return IN_USE.includes(c.status) && new Date(c.notAfter).getTime() - now <= WARNING_DAYS * DAY_MS;
}

/** One line per certificate: "Verschlüsselung: läuft in 12 Tagen ab" (for lists). */
export function CertificateBrief({ certificates }: { certificates: CertificateRow[] }) {
  if (!certificates.length) return <span className="muted">keine</span>;
  return (
    <ul className="plain">
      {certificates.map((c) => (
        <li key={c.thumbprintSha256} className={certificateClass(c)}>
          {CERTIFICATE_USAGES[c.usage] ?? c.usage}: {certificateState(c)}
        </li>
      ))}
    </ul>
  );
}

function certificateClass(c: CertificateRow): string | undefined {
  if (c.status === 'REVOKED' || c.status === 'EXPIRED') return 'cert-dead';
  return expiresSoon(c) ? 'cert-expiring' : undefined;
}

/** The state in words: revoked and expired first, then the expiry of one in use. */
function certificateState(c: CertificateRow): string {
  if (c.status === 'REVOKED') return `widerrufen am ${formatDate(c.revokedAt)}`;
  if (c.status === 'EXPIRED') return `abgelaufen am ${formatDate(c.notAfter)}`;
  if (c.status === 'RETIRED') return 'abgelöst';
  return `${expiryText(c.notAfter)}${c.status === 'ACTIVE' ? '' : ` (${CERTIFICATE_STATUS[c.status] ?? c.status})`}`;
}

export function CertificateTable({ certificates }: { certificates: CertificateRow[] }) {
  return (
    <table className="table">
      <caption className="visually-hidden">Zertifikate</caption>
      <thead>
        <tr><th scope="col">Verwendung</th><th scope="col">Inhaber</th><th scope="col">Status</th><th scope="col">Gültig bis</th><th scope="col">Fingerabdruck (SHA-256)</th></tr>
      </thead>
      <tbody>
        {certificates.map((c) => (
          <tr key={c.thumbprintSha256} className={certificateClass(c)}>
            <td>{CERTIFICATE_USAGES[c.usage] ?? c.usage}</td>
            <td>{c.subject}</td>
            <td>
              {CERTIFICATE_STATUS[c.status] ?? c.status}
              {c.revocationReason && <><br /><span className="muted">Grund: {c.revocationReason}</span></>}
            </td>
            <td>{formatDateTime(c.notAfter)}<br /><span className="expiry">{certificateState(c)}</span></td>
            <td><code title={c.thumbprintSha256}>{c.thumbprintSha256.slice(0, 16)}…</code></td>
          </tr>
        ))}
        {!certificates.length && <tr><td colSpan={5} className="muted">Keine Zertifikate hinterlegt.</td></tr>}
      </tbody>
    </table>
  );
}
