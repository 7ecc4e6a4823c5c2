import { Link } from 'react-router';
import { ROLE_NAMES, useSession } from '../auth/session';
import { Page } from '../components/Page';

const INTRO: Record<string, string> = {
  ADMIN: 'Sie verwalten das gesamte Verzeichnis.',
  TENANT_MANAGER: 'Sie verwalten die Behörden Ihres Mandanten und deren Zuständigkeiten innerhalb seines Gebiets.',
  DATA_CENTER: 'Sie sehen das Verzeichnis und die Daten Ihres Rechenzentrums.',
};

export function HomePage() {
  const { principal } = useSession();
  return (
    <Page title="Übersicht">
      <p>
        Angemeldet als <strong>{ROLE_NAMES[principal.role]}</strong>
        {principal.scope && <> für <strong>{principal.scope}</strong></>}. {INTRO[principal.role]}
      </p>
      <ul className="tiles">
        <li><Link to="/lookup">Zuständigkeit ermitteln</Link><span>Welche Behörde ist für eine Anschrift zuständig – mit Begründung.</span></li>
        <li><Link to="/authorities">Behörden</Link><span>Suchen, anlegen, bearbeiten, Zuständigkeiten pflegen.</span></li>
        <li><Link to="/regions">Gebiete</Link><span>Länder, Kreise, Gemeindeverbände und Gemeinden des Gebietsregisters.</span></li>
      </ul>
    </Page>
  );
}
