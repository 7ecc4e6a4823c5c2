// Prepares migrated templates once per run: a PGlite data-dir tarball and, when TEST_DATABASE_URL
// is set, a PostgreSQL template database. Each test file clones from them (fast) instead of migrating.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openPglite, openPostgres } from '../../src/db/client.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  // The console tests need the built console; build it once here when missing or older than its sources.
  execFileSync(process.execPath, ['scripts/build-console.mjs', '--if-stale'], { stdio: 'inherit' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-test-'));
  const pglite = await openPglite();
  await pglite.migrate();
  const client = (pglite.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client;
  const tarball = path.join(dir, 'template.tar');
  fs.writeFileSync(tarball, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
  await pglite.close();
  project.provide('pgliteTemplate', tarball);

  const url = process.env.TEST_DATABASE_URL;
  let templateName: string | null = null;
  let admin: postgres.Sql | undefined;
  if (url) {
    templateName = `bv_template_${process.pid}`;
    admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${templateName}`);
    await admin.unsafe(`create database ${templateName}`);
    const u = new URL(url);
    u.pathname = `/${templateName}`;
    const db = await openPostgres(u.toString(), 1);
    await db.migrate();
    await db.close();
    console.log(`[engines] PostgreSQL tests run against ${u.host} (template ${templateName})`);
  } else {
    console.warn('[engines] TEST_DATABASE_URL is not set: tests run on PGlite only, the PostgreSQL variants are SKIPPED');
  }
  project.provide('postgresTemplate', templateName);

  return async () => {
    if (admin && templateName) {
      await admin.unsafe(`drop database if exists ${templateName}`);
      await admin.end();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
