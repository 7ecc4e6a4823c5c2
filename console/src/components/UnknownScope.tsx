// Signed in for a tenant or data centre code the directory does not know (a typo at sign-in, or one
// deleted since): nothing belongs to the user, and the pages say so instead of showing empty results.
import { gql, useQuery } from 'urql';

const TENANT_EXISTS = gql`
  query ConsoleTenantExists($code: String!) {
    tenant(code: $code) { code }
  }
`;

export function UnknownScope({ what, code }: { what: string; code: string }) {
  return (
    <div className="alert alert-warn" role="status">
      <p>{what} „{code}“ ist dem Verzeichnis nicht bekannt. Ihnen ist daher nichts zugeordnet; prüfen Sie den Code bei der Anmeldung.</p>
    </div>
  );
}

/** false once the API has answered that the tenant does not exist (null while unasked or loading). */
export function useTenantKnown(code: string | null): boolean | null {
  const [r] = useQuery<{ tenant: { code: string } | null }>({ query: TENANT_EXISTS, variables: { code: code ?? '' }, pause: !code });
  if (!code || !r.data) return null;
  return r.data.tenant !== null;
}
