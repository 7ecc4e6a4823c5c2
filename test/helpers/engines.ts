// The engines every database test runs on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe, inject } from 'vitest';
import { openPglite, openPostgres, type Database, type Engine } from '../../src/db/client.js';

export interface TestEngine {
  name: Engine;
  /** A fresh, migrated, empty database; close() also drops it. */
  open(): Promise<Database>;
  /** Connection URL of a fresh database (PostgreSQL only), for child processes. */
  url?: () => Promise<{ url: string; drop(): Promise<void> }>;
}

async function freshPostgres(template: string) {
  const base = process.env.TEST_DATABASE_URL!;
  const name = `bv_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${template}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export function engines(): TestEngine[] {
  const list: TestEngine[] = [
    {
      name: 'pglite',
      open: () => openPglite({ loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))]) }),
    },
  ];
  const template = inject('postgresTemplate');
  if (template) {
    list.push({
      name: 'postgres',
      open: async () => {
        const fresh = await freshPostgres(template);
        const db = await openPostgres(fresh.url, 4);
        const close = db.close;
        return { ...db, close: async () => { await close(); await fresh.drop(); } };
      },
      url: () => freshPostgres(template),
    });
  }
  return list;
}

/** Declares the suite once per engine, tagged "[pglite]" / "[postgres]" (CI counts the tags). */
export function forEachEngine(title: string, fn: (engine: TestEngine) => void): void {
  for (const engine of engines()) describe(`${title} [${engine.name}]`, () => fn(engine));
}
