// `npm start` / `npm run cli` go through scripts/launch.mjs: the build under plain node when it is
// current, else the sources under tsx (BV_RUN_SOURCES=1 forces them). Both answer the same.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

const launch = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['scripts/launch.mjs', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

it('runs the CLI from the build or the sources with the same answer', () => {
  const either = launch(['cli', '--help']);
  const sources = launch(['cli', '--help'], { BV_RUN_SOURCES: '1' });
  expect(either.status).toBe(0);
  expect(sources.status).toBe(0);
  expect(either.stdout).toMatch(/^Usage: npm run cli -- <command>/);
  expect(either.stdout).toBe(sources.stdout);
});

it('refuses an unknown program with its usage', () => {
  const r = launch(['nonsense']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/usage: node scripts\/launch.mjs server\|cli/);
});
