// Composition root: config → database → migrate → seed → services → HTTP.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { isPostgresJsClosedSocketWrite } from './db/driver-workarounds.js';
import { DataDirLockedError } from './db/lock.js';
import { systemClock } from './lib/clock.js';
import { armFailpoints } from './lib/failpoint.js';
import { createLogger } from './lib/logger.js';
import { ensureDevKey } from './modules/auth/dev-keys.js';
import { createVerifier } from './modules/auth/jwt.js';
import { Directory } from './modules/directory/directory.js';
import { loadTrustAnchors } from './modules/certificates/anchors.js';
import { certificateExpiryJob, certificateTransitionsJob, retentionJob, structuralChangesJob } from './jobs/definitions.js';
import { startJobs } from './jobs/scheduler.js';
import { printAdapter } from './modules/delivery/print.adapter.js';
import { transportAdapter } from './modules/delivery/transport.adapter.js';
import { startDispatcher } from './modules/delivery/dispatcher.js';
import { loadDemoSeed } from '../seed/load.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  armFailpoints(config.failpoints);
  // A forgotten promise must not take the server down with every request in flight: log it loudly.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    if (isPostgresJsClosedSocketWrite(err)) {
      log.warn({ err }, 'postgres.js wrote to a closed connection (known driver bug); the query already failed with CONNECTION_CLOSED');
      return;
    }
    log.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  const clock = systemClock;

  let database: Database;
  try {
    database = await openDatabase(config, `server on ${config.host}:${config.port}`);
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      log.error({ holder: e.holder }, e.message);
      process.exit(1);
    }
    throw e;
  }
  await database.migrate();
  if (config.seedDemo) {
    const outcome = await loadDemoSeed(database.db, clock, { id: 'system:seed' });
    log.info({ outcome }, 'demo seed');
  }

  const jwks = config.auth.jwks ?? (await ensureDevKey(config.dataDir));
  if (!config.auth.jwks) log.warn({ jwks }, 'development signing key in use; `npm run cli -- token --role ADMIN` prints a token');
  const overlapMs = config.certOverlapDays * 86_400_000;
  const directory = new Directory(database, {
    onReload: (ix, ms) => log.info({ version: ix.version, ...ix.counts(), ms: Math.round(ms) }, 'directory loaded'),
    onError: (e) => log.error({ err: e }, 'directory reload failed'),
  });
  await directory.start();
  const jobs = config.jobs
    ? startJobs(
        [
          certificateTransitionsJob(database, clock, overlapMs),
          certificateExpiryJob(database, clock, overlapMs, log),
          retentionJob(database, clock, config.retention),
          structuralChangesJob(database, clock, directory),
        ],
        log,
      )
    : undefined;
  const app = createApp({
    database,
    clock,
    directory,
    bulkMax: config.bulkMax,
    production: config.env === 'production',
    certificates: { anchors: loadTrustAnchors(config.trustAnchorsDir), overlapMs },
    maxPayloadBytes: config.dispatch.maxPayloadBytes,
    verifier: createVerifier({ ...config.auth, jwks }, clock),
    graphiql: config.graphiql,
    limits: config.http,
    log,
    metricsToken: config.metricsToken,
    isDev: config.env === 'development',
  });

  const index = () => directory.get();
  const dispatcher = config.dispatch.enabled
    ? startDispatcher(
        database.db,
        clock,
        {
          ELECTRONIC: transportAdapter(database.db, index, clock, config.dispatch.transportTimeoutMs),
          PRINT: printAdapter(index, clock, {
            spoolDir: config.dispatch.printSpoolDir,
            centerUrl: config.dispatch.printCenterUrl,
            centerToken: config.dispatch.printCenterToken,
            timeoutMs: config.dispatch.transportTimeoutMs,
          }),
        },
        { name: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, batchSize: 20, leaseMs: config.dispatch.leaseMs, maxTransportAttempts: config.dispatch.maxTransportAttempts, backoffMs: 5_000 },
        config.dispatch.intervalMs,
        log,
      )
    : undefined;

  const server = http.createServer(app.handle);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  log.info(
    { url: `http://${config.host}:${port}/graphql`, engine: database.engine, startupMs: Math.round(performance.now()) },
    'ready',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, inFlight: app.inFlight() }, 'shutting down');
    // Stop accepting, let in-flight requests answer (their connections close after the response),
    // then stop the dispatcher after its current hand-offs, the jobs, and the database.
    app.drain();
    const force = setTimeout(() => {
      log.warn({ inFlight: app.inFlight() }, 'shutdown timeout: closing open connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs).unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Hand-offs finish; a booking waiting for a lost database is given up after the timeout (its
    // lease then expires and the delivery is handed off again, same delivery id).
    const dispatcherStopped = dispatcher?.stop() ?? Promise.resolve();
    const gaveUp = await Promise.race([
      Promise.all([closed, dispatcherStopped]).then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), config.shutdownTimeoutMs + 1000).unref()),
    ]);
    if (gaveUp) log.warn('shutdown timeout: leaving unfinished hand-off bookings to their lease');
    clearTimeout(force);
    await jobs?.stop();
    await directory.stop();
    await database.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`Fatal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
