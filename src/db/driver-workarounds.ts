// postgres.js 3.4.9 (the latest release) can throw from a setImmediate callback when a connection
// closes between scheduling a small write and sending it ("Cannot read properties of null (reading
// 'write')" in nextWrite; porsager/postgres#1154, #1208, unreleased fixes #1168/#1176/#1209). It
// escapes every try/catch and would take the whole server down when PostgreSQL restarts or
// terminates backends. By then the driver has already rejected the affected query with
// CONNECTION_CLOSED, so the throw is harmless: we recognise exactly this one and survive it.
export function isPostgresJsClosedSocketWrite(err: unknown): boolean {
  return (
    err instanceof TypeError &&
    /Cannot read properties of null \(reading 'write'\)/.test(err.message) &&
    /nextWrite/.test(err.stack ?? '') &&
    /postgres[\\/]src[\\/]connection\.js/.test(err.stack ?? '')
  );
}
