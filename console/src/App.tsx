// Loads the sign-in settings, holds the session (in memory) and picks between sign-in and the console.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { Provider as UrqlProvider } from 'urql';
import { createClient } from './api/client';
import { SessionProvider, whoAmI, type Session } from './auth/session';
import { CONSOLE_ROLES, loadSettings, type ConsoleSettings } from './auth/settings';
import { Shell } from './components/Shell';
import { Loading } from './components/Page';
import { Callback } from './pages/Callback';
import { SignIn } from './pages/SignIn';

export type SignInFn = (token: string, via: Session['via']) => Promise<void>;

export function App() {
  const [settings, setSettings] = useState<ConsoleSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    loadSettings().then(setSettings, (e: Error) => setLoadError(e.message));
  }, []);

  const signOut = useCallback((reason?: string) => {
    setSession(null);
    setNotice(reason ?? 'Sie sind abgemeldet.');
  }, []);

  const signIn: SignInFn = useCallback(
    async (token, via) => {
      const principal = await whoAmI(token);
      if (!CONSOLE_ROLES.includes(principal.role)) {
        throw new Error(`Die Rolle ${principal.role} kann die Konsole nicht benutzen; sie ist für ${CONSOLE_ROLES.join(', ')}.`);
      }
      setSession({ token, principal, via });
      setNotice(null);
    },
    [],
  );

  const client = useMemo(() => (session ? createClient(session.token, signOut) : null), [session, signOut]);

  if (loadError) {
    return (
      <main className="signin">
        <h1>Behördenverzeichnis</h1>
        <p role="alert" className="alert alert-error">{loadError}</p>
      </main>
    );
  }
  if (!settings) return <Loading />;
  return (
    <SessionProvider value={{ settings, session, signOut }}>
      <BrowserRouter basename="/console">
        <Routes>
          <Route path="/callback" element={<Callback signIn={signIn} />} />
          <Route
            path="*"
            element={
              session && client ? (
                <UrqlProvider value={client}>
                  <Shell />
                </UrqlProvider>
              ) : (
                <SignIn signIn={signIn} notice={notice} />
              )
            }
          />
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  );
}
