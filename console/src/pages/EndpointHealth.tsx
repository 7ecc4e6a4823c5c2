// How a data centre's transport endpoint fares (endpointHealth), and the endpoint test as a button.
import { useMutation } from 'urql';
import { formErrors } from '../api/errors';
import { ErrorSummary } from '../components/Field';
import { formatDateTime } from '../text';
import { TEST_ENDPOINT, type EndpointHealth, type EndpointTestResult } from './tenant-queries';

/** One line for lists: fine, or failures in a row with the last reason. */
export function HealthBrief({ health }: { health: EndpointHealth | undefined }) {
  if (!health) return <span className="muted">–</span>;
  if (health.consecutiveFailures === 0) {
    return <span className="ok">{health.lastSuccessAt ? `in Ordnung (zuletzt ${formatDateTime(health.lastSuccessAt)})` : 'keine Fehlschläge'}</span>;
  }
  return (
    <span className="warn">
      {health.consecutiveFailures === 1 ? '1 Fehlschlag' : `${health.consecutiveFailures} Fehlschläge in Folge`}
      {health.lastFailureReason && <>: {health.lastFailureReason}</>}
    </span>
  );
}

export function HealthFacts({ health }: { health: EndpointHealth }) {
  return (
    <dl className="facts">
      <dt>Zustand</dt><dd><HealthBrief health={health} /></dd>
      <dt>Letzte erfolgreiche Übergabe</dt><dd>{formatDateTime(health.lastSuccessAt, 'keine')}</dd>
      <dt>Letzter Fehlschlag</dt><dd>{formatDateTime(health.lastFailureAt, 'keiner')}{health.lastFailureReason && ` – ${health.lastFailureReason}`}</dd>
      <dt>Wartende Zustellungen</dt><dd>{health.deliveriesWaiting}{health.nextAttemptAt && ` (nächster Versuch ${formatDateTime(health.nextAttemptAt)})`}</dd>
    </dl>
  );
}

function TestResult({ r }: { r: EndpointTestResult }) {
  return (
    <div className={`alert ${r.ok ? '' : 'alert-error'}`} role="status" data-testid="endpoint-test">
      <p><strong>{r.ok ? 'Der Endpunkt hat die Testnachricht angenommen.' : 'Der Test ist fehlgeschlagen.'}</strong></p>
      <dl className="facts">
        <dt>Endpunkt</dt><dd>{r.endpointUrl ? <code>{r.endpointUrl}</code> : 'keiner hinterlegt'}</dd>
        <dt>HTTP-Status</dt><dd>{r.httpStatus ?? 'keine Antwort'}</dd>
        <dt>Ergebnis</dt><dd>{r.detail}</dd>
        <dt>Dauer</dt><dd>{r.durationMs} ms</dd>
      </dl>
    </div>
  );
}

/** Sends a test message the way deliveries travel; nothing is stored and the health stays as it is. */
export function EndpointTest({ code }: { code: string }) {
  const [state, run] = useMutation<{ testDataCenterEndpoint: EndpointTestResult }>(TEST_ENDPOINT);
  return (
    <div>
      <button type="button" disabled={state.fetching} onClick={() => run({ code })}>
        {state.fetching ? 'Test läuft …' : 'Endpunkt testen'}
      </button>
      <span className="hint"> Sendet eine verschlüsselte Testnachricht; es wird keine Zustellung angelegt.</span>
      <ErrorSummary errors={formErrors(state.error, []).general} />
      {state.data && <TestResult r={state.data.testDataCenterEndpoint} />}
    </div>
  );
}
