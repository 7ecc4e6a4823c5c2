// The server the console's browser tests sign in to: the real app with the development key and the
// development sign-in, in a data folder of its own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App, type AppOptions } from '../../src/app/app.js';
import { DEFAULT_AUDIENCE, DEV_ISSUER } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { systemClock } from '../../src/lib/clock.js';
import { ensureDevKey, signDevToken } from '../../src/modules/auth/dev-keys.js';
import { devSignIn } from '../../src/modules/auth/dev-sign-in.js';
import { createVerifier } from '../../src/modules/auth/jwt.js';
import { Directory } from '../../src/modules/directory/directory.js';

export interface ConsoleApp {
  app: App;
  /** the data folder holding the development key; the caller removes it */
  dataDir: string;
  /** an ADMIN token for setting up data through the API */
  admin: string;
}

export async function consoleApp(database: Database, name: string, extra: Partial<AppOptions> = {}): Promise<ConsoleApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bv-console-${name}-`));
  const jwks = await ensureDevKey(dataDir);
  const app = createApp({
    database, clock: systemClock, directory: new Directory(database, { pollMs: 0 }), bulkMax: 100, graphiql: false,
    verifier: createVerifier({ jwks, issuer: DEV_ISSUER, audience: DEFAULT_AUDIENCE, algorithms: ['ES256'] }, systemClock),
    console: { oidc: null, devSignIn: devSignIn(dataDir) },
    ...extra,
  });
  return { app, dataDir, admin: await signDevToken(dataDir, { role: 'ADMIN' }) };
}
