import { Link } from 'react-router';
import { Page } from '../components/Page';

export function NotFoundPage() {
  return (
    <Page title="Seite nicht gefunden">
      <p>Diese Seite gibt es in der Konsole nicht. <Link to="/">Zur Übersicht</Link></p>
    </Page>
  );
}
