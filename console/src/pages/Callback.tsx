// Back from the identity provider: finish the code flow, then go where the user was headed.
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { SignInFn } from '../App';
import { finishSignIn } from '../auth/oidc';
import { useSessionContext } from '../auth/session';

export function Callback({ signIn }: { signIn: SignInFn }) {
  const { settings } = useSessionContext();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return; // the code can be redeemed once only
    started.current = true;
    const oidc = settings.oidc;
    if (!oidc) {
      setError('Die Anmeldung über einen Identitätsanbieter ist auf diesem Server nicht eingerichtet.');
      return;
    }
    finishSignIn(oidc, new URL(window.location.href))
      .then(async ({ accessToken, returnTo }) => {
        await signIn(accessToken, 'oidc');
        navigate(returnTo || '/', { replace: true });
      })
      .catch((e: Error) => setError(e.message));
  }, [settings, signIn, navigate]);

  return (
    <main className="signin" id="main">
      <h1>Anmeldung</h1>
      {error ? (
        <>
          <p role="alert" className="alert alert-error">{error}</p>
          <p><Link to="/" replace>Zurück zur Anmeldung</Link></p>
        </>
      ) : (
        <p role="status">Anmeldung wird abgeschlossen …</p>
      )}
    </main>
  );
}
