// The GraphQL client for one session: the token goes in the Authorization header, and an expired or
// refused token ends the session.
import { Client, cacheExchange, fetchExchange, mapExchange } from 'urql';

export function createClient(token: string, onUnauthenticated: (message: string) => void): Client {
  return new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
    exchanges: [
      mapExchange({
        onError(error) {
          const refused = error.graphQLErrors.find((e) => e.extensions?.code === 'UNAUTHENTICATED');
          if (refused || (error.response as Response | undefined)?.status === 401) {
            onUnauthenticated(`Die Sitzung ist abgelaufen oder wurde abgelehnt (${refused?.message ?? 'HTTP 401'}). Bitte melden Sie sich erneut an.`);
          }
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
  });
}
