// The CLI as scripts use it: exit codes, --json last lines, --dry-run, on PGlite and PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachEngine } from './helpers/engines.js';
import { runCli } from './helpers/processes.js';
import { EDITIONS, sharedFile } from './helpers/shared-data.js';

const edition2025 = sharedFile(EDITIONS[2025]);

forEachEngine('CLI imports', (engine) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-cli-'));
  let env: Record<string, string> = { DATA_DIR: dir, SEED_DEMO: 'false' };
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (engine.url) {
      const fresh = await engine.url();
      env = { ...env, DATABASE_URL: fresh.url };
      drop = fresh.drop;
    }
  });
  afterAll(async () => {
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!edition2025)('import gv100ad --dry-run --json, then for real: the last line is the summary object', async () => {
    const dry = await runCli(['import', 'gv100ad', edition2025!, '--dry-run', '--json'], env);
    expect(dry.code).toBe(0);
    const expected = {
      edition: '2025-11-30',
      counts: { states: 16, governmentDistricts: 29, regions: 12, districts: 400, associations: 4590, municipalities: 10953 },
      diff: { added: 10953, removed: 0, renamed: 0, moved: 0 },
    };
    expect(JSON.parse(dry.lastLine)).toEqual(expected);
    const real = await runCli(['import', 'gv100ad', edition2025!, '--json'], env);
    expect(real.code).toBe(0);
    expect(real.stdout.trim().split('\n')).toHaveLength(1); // --json prints only the object
    expect(JSON.parse(real.lastLine)).toEqual(expected); // the dry run wrote nothing
    const again = await runCli(['import', 'gv100ad', edition2025!, '--json'], env);
    expect(JSON.parse(again.lastLine)).toEqual({ ...expected, diff: { added: 0, removed: 0, renamed: 0, moved: 0 } });
    const human = await runCli(['import', 'gv100ad', edition2025!], env);
    expect(human.stdout).toMatch(/GV100AD edition 2025-11-30 \(utf-8\) already in the register, nothing changed/);
  });

  it('a malformed file exits 1 with file, line and reason', async () => {
    const file = path.join(dir, 'broken.txt');
    fs.writeFileSync(file, '102025113005          Nordrhein-Westfalen\n99garbage\n', 'latin1');
    const res = await runCli(['import', 'gv100ad', file, '--json'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('broken.txt:2: unknown record type "99"');
    expect(JSON.parse(res.lastLine)).toEqual({
      error: { message: 'broken.txt:2: unknown record type "99" in positions 1-2 (expected 10, 20, 30, 40, 50 or 60)', file: 'broken.txt', line: 2, reason: 'unknown record type "99" in positions 1-2 (expected 10, 20, 30, 40, 50 or 60)' },
    });
  });

  it('usage errors exit 2 and explain', async () => {
    const res = await runCli(['import', 'gv100ad'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/missing <file>/);
    const unknown = await runCli(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const token = await runCli(['token', '--role', 'CLIENT'], env);
    expect(token.code).toBe(2);
    expect(token.stderr).toMatch(/role CLIENT needs --scope \(authority key\)/);
  });
});
