// The process around the app: crash policy, listening, and a graceful stop that lets in-flight
// requests and hand-offs finish before the database closes.
import http from 'node:http';
import { isPostgresJsClosedSocketWrite } from '../db/driver-workarounds.js';
import type { Logger } from '../lib/logger.js';
import type { App } from './app.js';
import { connectionsOf } from './connections.js';

/** A forgotten promise must not take the server down with every request in flight; anything else unknown does. */
export function installCrashPolicy(log: Logger): void {
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    if (isPostgresJsClosedSocketWrite(err)) {
      log.warn({ err }, 'postgres.js wrote to a closed connection (known driver bug); the query already failed with CONNECTION_CLOSED');
      return;
    }
    log.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
}

export async function listen(app: App, host: string, port: number): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(app.handle);
  server.keepAliveTimeout = 5_000;
  connectionsOf(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : port };
}

export interface Stoppable {
  /** stops after its current work (dispatcher: hand-offs in flight) */
  finish?: () => Promise<void>;
  /** then, in order: jobs, directory, database */
  close: (() => Promise<void> | undefined)[];
}

/**
 * Drain first: for `drainMs` the server still reads and answers, readiness fails and every response
 * closes its connection, so requests already sent on a kept-alive connection are answered rather
 * than reset (closing "idle" connections at once dropped those whose bytes had arrived but were not
 * read yet). Then stop accepting and close every connection without a response under way (also one
 * that has sent nothing, or half its headers, or whose request body stopped arriving), let in-flight requests answer (each connection closes
 * as its responses end) and hand-offs finish; a booking waiting for a lost database is given up after
 * the timeout (its lease then expires and the delivery is handed off again, same delivery id). Then
 * jobs, directory, database.
 */
export async function stopGracefully(app: App, server: http.Server, parts: Stoppable, timeoutMs: number, log: Logger, drainMs = 0): Promise<void> {
  app.drain();
  await new Promise((r) => setTimeout(r, drainMs));
  const force = setTimeout(() => {
    log.warn({ inFlight: app.inFlight() }, 'shutdown timeout: closing open connections');
    server.closeAllConnections();
  }, timeoutMs).unref();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  connectionsOf(server).closeQuiet();
  const gaveUp = await Promise.race([
    Promise.all([closed, parts.finish?.() ?? Promise.resolve()]).then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs + 1000).unref()),
  ]);
  if (gaveUp) log.warn('shutdown timeout: leaving unfinished hand-off bookings to their lease');
  clearTimeout(force);
  for (const close of parts.close) await close();
}

/**
 * SIGTERM and SIGINT run `stop` once, then exit 0; a stop that fails, or that has not ended
 * `deadlineMs` after the signal, exits 1. Without that a failing close left a process that no longer
 * listened but never ended (seen once, after its log reader had gone).
 */
export function onSignals(log: Logger, inFlight: () => number, stop: () => Promise<void>, deadlineMs: number): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, inFlight: inFlight() }, 'shutting down');
    setTimeout(() => {
      log.error({ deadlineMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, deadlineMs).unref();
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed; exiting');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}
