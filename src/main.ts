// Composition root: config → database → migrate → seed → directory → jobs → app → dispatcher → HTTP.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import v8 from 'node:v8';
import { performance } from 'node:perf_hooks';
import { createApp } from './app/app.js';
import { installCrashPolicy, listen, onSignals, stopGracefully } from './app/lifecycle.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { DatabaseDamagedError } from './db/integrity.js';
import { DataDirLockedError } from './db/lock.js';
import { certificateExpiryJob, certificateTransitionsJob, retentionJob, structuralChangesJob } from './jobs/definitions.js';
import { startJobs } from './jobs/scheduler.js';
import { systemClock, type Clock } from './lib/clock.js';
import { formatDurationList, formatSpan } from './lib/durations.js';
import { armFailpoints } from './lib/failpoint.js';
import { createLogger, type Logger } from './lib/logger.js';
import type { ConsoleOptions } from './http/console-assets.js';
import { ensureDevKey } from './modules/auth/dev-keys.js';
import { devSignIn } from './modules/auth/dev-sign-in.js';
import { createVerifier } from './modules/auth/jwt.js';
import { loadTrustAnchors } from './modules/certificates/anchors.js';
import { Directory } from './modules/directory/directory.js';
import { startDispatcher } from './modules/delivery/dispatcher.js';
import { printAdapter } from './modules/delivery/print.adapter.js';
import { ensureDevSigningKey, loadSigningKeys, SigningKeyError, type HandoffKeys } from './modules/delivery/signing-keys.js';
import { transportAdapter } from './modules/delivery/transport.adapter.js';
import { WorkerPool } from './modules/delivery/workers.js';
import { loadDemoSeed } from '../seed/load.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}

async function databaseOrExit(config: Config, log: Logger): Promise<Database> {
  try {
    return await openDatabase(config, `server on ${config.host}:${config.port}`);
  } catch (e) {
    if (e instanceof DatabaseDamagedError) log.error(e.message);
    else if (e instanceof DataDirLockedError) log.error({ holder: e.holder }, e.message);
    else throw e;
    process.exit(1);
  }
}

function startJobsFor(config: Config, database: Database, clock: Clock, directory: Directory, log: Logger) {
  const overlapMs = config.certOverlapDays * 86_400_000;
  return startJobs(
    [
      certificateTransitionsJob(database, clock, overlapMs),
      certificateExpiryJob(database, clock, overlapMs, log),
      retentionJob(database, clock, config.retention),
      structuralChangesJob(database, clock, directory),
    ],
    log,
  );
}

/** HANDOFF_SIGNING_KEYS, or in development and tests a key made once in DATA_DIR; a bad file stops the start. */
async function handoffKeysOrExit(config: Config, log: Logger): Promise<HandoffKeys | undefined> {
  let files = config.handoff.signingKeyFiles;
  if (!files.length && config.env === 'production') return undefined; // no dispatcher here (config checked that)
  if (!files.length) files = [ensureDevSigningKey(config.dataDir)];
  try {
    const keys = await loadSigningKeys(files);
    log.info({ active: keys.active.kid, published: keys.all.map((k) => k.kid), files }, 'hand-off signing keys');
    return keys;
  } catch (e) {
    if (!(e instanceof SigningKeyError)) throw e;
    log.error(e.message);
    process.exit(1);
  }
}

function logRetrySchedule(retry: Config['dispatch']['retry'], log: Logger): void {
  const span = (steps: number[]) => steps.reduce((a, b) => a + b, 0);
  const electronic = { schedule: formatDurationList(retry.ELECTRONIC), paperAfter: formatSpan(span(retry.ELECTRONIC)) };
  log.info({ electronic, print: { schedule: formatDurationList(retry.PRINT), failedAfter: formatSpan(span(retry.PRINT)) } }, 'retry schedules');
  if (span(retry.ELECTRONIC) < 86_400_000) log.warn(electronic, 'the electronic retry schedule spans less than a day: an endpoint down overnight sends letters to paper');
}

function startDispatcherFor(config: Config, database: Database, clock: Clock, directory: Directory, log: Logger, keys: HandoffKeys) {
  const d = config.dispatch;
  const index = () => directory.get();
  // Rendering and encryption never run on the event loop: workers do them. Hand-offs in flight wait
  // mostly on the network (on the main thread), so a worker per core serves them; each worker costs
  // tens of MB, and more workers than cores would only queue at the CPU.
  const concurrency = 8;
  const workers = new WorkerPool({ size: Math.min(concurrency, Math.max(2, os.availableParallelism())) });
  const adapters = {
    ELECTRONIC: transportAdapter(database.db, index, clock, d.transportTimeoutMs, { outbound: config.outbound, offload: workers, keys, issuer: config.handoff.issuer }),
    PRINT: printAdapter(index, clock, { spoolDir: d.printSpoolDir, centerUrl: d.printCenterUrl, centerToken: d.printCenterToken, timeoutMs: d.transportTimeoutMs, offload: workers, outbound: config.outbound }),
  };
  const name = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const settings = { name, batchSize: 20, leaseMs: d.leaseMs, retry: d.retry, concurrency, handOffTimeoutMs: d.handOffTimeoutMs, maxCrashes: d.handOffMaxCrashes, outbound: config.outbound };
  logRetrySchedule(d.retry, log);
  const dispatcher = startDispatcher(database.db, clock, adapters, settings, d.intervalMs, log);
  return {
    async stop() {
      await dispatcher.stop(); // finishes the pass, then the workers can go
      await workers.close();
    },
  };
}

/** OpenID Connect when a client id is set; the development sign-in only in development with the local key. */
function consoleOptions(config: Config): ConsoleOptions {
  const c = config.console;
  const oidc = c.oidcClientId
    ? { issuer: config.auth.issuer, clientId: c.oidcClientId, scope: c.oidcScope, resource: c.oidcResource ?? null, allowHttp: config.env !== 'production' }
    : null;
  const devKeyInUse = config.env === 'development' && !config.auth.jwks;
  return { oidc, devSignIn: devKeyInUse ? devSignIn(config.dataDir) : undefined };
}

/**
 * V8 lets the old generation grow to up to four times what survived the last full collection; under
 * bulk lookups that held some 100 MB of garbage (RSS 460 MB after bulk against 375 MB at 20 %, bulk
 * 17 % slower there; #17, bench/RESULTS.md). HEAP_GROWING_PERCENT chooses; a flag given to node wins.
 */
function limitHeapGrowth(percent: number): void {
  const given = process.execArgv.some((a) => a.includes('heap-growing-percent'));
  if (percent > 0 && !given) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

async function main(): Promise<void> {
  const config = configOrExit();
  limitHeapGrowth(config.heapGrowingPercent);
  const log = createLogger(config.logLevel);
  for (const note of config.deprecations) log.warn(note);
  armFailpoints(config.failpoints);
  installCrashPolicy(log);
  // Before the database: a bad key file stops the start at once, having opened nothing.
  const handoffKeys = await handoffKeysOrExit(config, log);
  const clock = systemClock;
  const database = await databaseOrExit(config, log);
  await database.migrate();
  if (config.seedDemo) log.info({ outcome: await loadDemoSeed(database.db, clock, { id: 'system:seed' }) }, 'demo seed');

  const jwks = config.auth.jwks ?? (await ensureDevKey(config.dataDir));
  if (!config.auth.jwks) log.warn({ jwks }, 'development signing key in use; `npm run cli -- token --role ADMIN` prints a token');
  const directory = new Directory(database, {
    onReload: (ix, ms) => log.info({ version: ix.version, ...ix.counts(), ms: Math.round(ms) }, 'directory loaded'),
    onError: (e) => log.error({ err: e }, 'directory reload failed'),
  });
  await directory.start();
  const jobs = config.jobs ? startJobsFor(config, database, clock, directory, log) : undefined;
  const app = createApp({
    database, clock, directory,
    bulkMax: config.bulkMax,
    production: config.env === 'production',
    // Saved URLs (endpoints, webhooks) are checked against the same allowlist the senders use.
    allowlist: config.outbound.allowlist,
    certificates: { anchors: await loadTrustAnchors(config.trustAnchorsDir), overlapMs: config.certOverlapDays * 86_400_000 },
    maxPayloadBytes: config.dispatch.maxPayloadBytes,
    transportTimeoutMs: config.dispatch.transportTimeoutMs,
    verifier: createVerifier({ ...config.auth, jwks }, clock),
    graphiql: config.graphiql,
    limits: config.http,
    log,
    metricsToken: config.metricsToken,
    isDev: config.env === 'development',
    handoffJwks: handoffKeys?.jwks,
    handoff: handoffKeys && { keys: handoffKeys, issuer: config.handoff.issuer },
    console: consoleOptions(config),
  });
  const dispatcher = config.dispatch.enabled && handoffKeys ? startDispatcherFor(config, database, clock, directory, log, handoffKeys) : undefined;

  const { server, port } = await listen(app, config.host, config.port);
  log.info({ url: `http://${config.host}:${port}/graphql`, console: `http://${config.host}:${port}/console/`, engine: database.engine, startupMs: Math.round(performance.now()) }, 'ready');
  onSignals(log, app.inFlight, () =>
    stopGracefully(app, server, { finish: dispatcher?.stop, close: [() => jobs?.stop(), () => directory.stop(), () => database.close()] }, config.shutdownTimeoutMs, log, config.shutdownDrainMs),
    // stopGracefully gives up on in-flight work after the timeout (+1 s); closing jobs, directory and database then takes seconds at most.
    config.shutdownDrainMs + config.shutdownTimeoutMs + 15_000,
  );
}

main().catch((e) => {
  process.stderr.write(`Fatal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
