// One region with its parent, the regions below it and, for a municipality, its register details.
import { Link, useParams } from 'react-router';
import { gql, useQuery } from 'urql';
import { errorText } from '../api/errors';
import { Loading, Page } from '../components/Page';
import { formatDate, formatValidity, REGION_LEVELS } from '../text';

const REGION = gql`
  query ConsoleRegion($ars: String!) {
    region(ars: $ars) {
      ars ags level name seat typeName validFrom validTo edition source
      parent { ars name level }
      municipality { population areaHectares townHallPostcode postcodes { postcode locality } }
    }
    regions(parentArs: $ars, first: 100) {
      totalCount
      edges { node { ars level name typeName } }
    }
  }
`;

interface RegionData {
  ars: string;
  ags: string | null;
  level: string;
  name: string;
  seat: string | null;
  typeName: string | null;
  validFrom: string | null;
  validTo: string | null;
  edition: string | null;
  source: string;
  parent: { ars: string; name: string; level: string } | null;
  municipality: { population: number | null; areaHectares: number | null; townHallPostcode: string | null; postcodes: { postcode: string; locality: string }[] } | null;
}

const number = new Intl.NumberFormat('de-DE');

function Municipality({ m }: { m: NonNullable<RegionData['municipality']> }) {
  return (
    <>
      <dt>Einwohner</dt><dd>{m.population !== null ? number.format(m.population) : '–'}</dd>
      <dt>Fläche</dt><dd>{m.areaHectares !== null ? `${number.format(m.areaHectares)} ha` : '–'}</dd>
      <dt>Postleitzahlen</dt><dd>{m.postcodes.map((p) => `${p.postcode} ${p.locality}`).join(', ') || '–'}</dd>
    </>
  );
}

export function RegionPage() {
  const { ars = '' } = useParams();
  const [result] = useQuery<{ region: RegionData | null; regions: { totalCount: number; edges: { node: { ars: string; level: string; name: string; typeName: string | null } }[] } }>({
    query: REGION,
    variables: { ars },
  });
  if (result.error) return <Page title="Gebiet"><p role="alert" className="alert alert-error">{errorText(result.error)}</p></Page>;
  if (!result.data) return <Page title="Gebiet"><Loading /></Page>;
  const r = result.data.region;
  if (!r) return <Page title="Gebiet nicht gefunden"><p>Kein Gebiet mit dem Schlüssel <code>{ars}</code>. <Link to="/regions">Zur Suche</Link></p></Page>;
  const below = result.data.regions.edges.filter(({ node }) => node.ars !== r.ars);
  return (
    <Page title={r.name}>
      <p><Link to="/regions">← Gebietssuche</Link></p>
      <dl className="facts card">
        <dt>Ebene</dt><dd>{r.typeName ?? REGION_LEVELS[r.level] ?? r.level}</dd>
        <dt>Regionalschlüssel</dt><dd><code>{r.ars}</code></dd>
        {r.ags && (<><dt>Gemeindeschlüssel</dt><dd><code>{r.ags}</code></dd></>)}
        {r.seat && (<><dt>Verwaltungssitz</dt><dd>{r.seat}</dd></>)}
        <dt>Gehört zu</dt><dd>{r.parent ? <Link to={`/regions/${r.parent.ars}`}>{r.parent.name}</Link> : '–'}</dd>
        <dt>Gültigkeit</dt><dd>{formatValidity(r.validFrom, r.validTo)}</dd>
        <dt>Quelle</dt><dd>{r.source}{r.edition && `, Gebietsstand ${formatDate(r.edition)}`}</dd>
        {r.municipality && <Municipality m={r.municipality} />}
      </dl>
      {r.ags && <p><Link to={`/lookup`}>Zuständigkeit für diese Gemeinde ermitteln</Link></p>}
      {below.length > 0 && (
        <section aria-labelledby="below-title">
          <h2 id="below-title">Darunter liegende Gebiete</h2>
          <ul className="columns">
            {below.map(({ node }) => (
              <li key={`${node.level}-${node.ars}`}><Link to={`/regions/${node.ars}`}>{node.name}</Link> <span className="muted">{node.typeName ?? REGION_LEVELS[node.level]}</span></li>
            ))}
          </ul>
        </section>
      )}
    </Page>
  );
}
