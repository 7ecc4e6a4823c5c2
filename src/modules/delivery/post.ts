// Both adapters POST to their receiver the same way: with a deadline, the answer's body read and
// dropped, and every failure worded for the attempt's detail ("<receiver> answered HTTP 503").

/** POSTs and returns the (successful) response; throws with a readable message otherwise. */
export async function postTo(receiver: string, url: string, init: { headers: Record<string, string>; body: BodyInit }, timeoutMs: number): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const err = e as Error;
    throw new Error(err.name === 'TimeoutError' ? `${receiver} did not answer within ${timeoutMs} ms` : `${receiver} unreachable: ${err.message}`);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`${receiver} answered HTTP ${res.status}`);
  return res;
}
