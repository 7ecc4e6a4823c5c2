// The CLI as scripts use it: exit codes, --json last lines, --dry-run, on PGlite and PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPglite, openPostgres } from '../src/db/client.js';
import { forEachEngine } from './helpers/engines.js';
import { registerFingerprint } from './helpers/fixtures.js';
import { gvRecord } from './helpers/gv100ad.js';
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

/** A small GV100AD edition: Land, Regierungsbezirk, Kreis, Gemeindeverband and Gemeinde Detmold. */
function smallEdition(name = 'Detmold, Stadt'): string[] {
  const D = '20251130';
  return [
    gvRecord([[1, '10'], [3, D], [11, '05'], [23, 'Nordrhein-Westfalen'], [73, 'Düsseldorf']]),
    gvRecord([[1, '20'], [3, D], [11, '057'], [23, 'Reg.-Bez. Detmold'], [73, 'Detmold']]),
    gvRecord([[1, '40'], [3, D], [11, '05766'], [23, 'Lippe'], [73, 'Detmold'], [123, '43']]),
    gvRecord([[1, '50'], [3, D], [11, '05766'], [19, '0020'], [23, 'Detmold, Stadt'], [123, '50']]),
    gvRecord([[1, '60'], [3, D], [11, '05766020'], [19, '0020'], [23, name], [123, '63'], [166, '32756']]),
  ];
}

forEachEngine('CLI imports refuse what is not text', (engine) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-cli-text-'));
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-cli-files-'));
  let env: Record<string, string> = { DATA_DIR: dataDir, SEED_DEMO: 'false' };
  let drop: (() => Promise<void>) | undefined;

  /** The register as the CLI left it (the CLI has exited, so the data folder is free). */
  async function fingerprint(): Promise<string> {
    const d = env.DATABASE_URL ? await openPostgres(env.DATABASE_URL, 1) : await openPglite({ dir: dataDir });
    try {
      return await registerFingerprint(d.db);
    } finally {
      await d.close();
    }
  }
  const write = (name: string, bytes: Buffer) => {
    fs.writeFileSync(path.join(files, name), bytes);
    return path.join(files, name);
  };

  beforeAll(async () => {
    if (engine.url) {
      const fresh = await engine.url();
      env = { ...env, DATABASE_URL: fresh.url };
      drop = fresh.drop;
    }
    const ok = await runCli(['import', 'gv100ad', write('small.txt', Buffer.from(smallEdition().join('\n') + '\n'))], env);
    expect(ok.code, ok.stderr).toBe(0);
    const plz = await runCli(['import', 'postcodes', write('plz.csv', Buffer.from('osm_id,ags,ort,plz\n1,05766020,Detmold,32756\n'))], env);
    expect(plz.code, plz.stderr).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await drop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(files, { recursive: true, force: true });
  });

  it.each([
    ['GV100AD with a NUL byte', ['import', 'gv100ad'], 'nul.txt', () => Buffer.from(smallEdition('Det\0mold, Stadt').join('\n') + '\n'), [], 5, 'control character U+0000 (NUL) at character 26: not a text file, or a damaged one'],
    ['GV100AD with a byte that is not UTF-8', ['import', 'gv100ad'], 'latin.txt', () => {
      const lines = smallEdition('Dötmold, Stadt');
      return Buffer.concat([Buffer.from(lines.slice(0, 4).join('\n') + '\n'), Buffer.from(lines[4] + '\n', 'latin1')]); // UTF-8 but line 5
    }, ['--encoding', 'utf-8'], 5, 'line is not valid UTF-8 (use encoding latin1 for ISO-8859-1 files)'],
    ['a postcode file with a NUL byte', ['import', 'postcodes'], 'nul.csv', () => Buffer.from('osm_id,ags,ort,plz\n1,05766020,Detmold,32756\n2,05766020,Det\0mold,32758\n'), [], 3, 'control character U+0000 (NUL) at character 15: not a text file, or a damaged one'],
    ['a postcode file with a byte that is not UTF-8', ['import', 'postcodes'], 'latin.csv', () => Buffer.from('osm_id,ags,ort,plz\n1,05766020,Detmold,32756\n2,05766020,Dötmold,32758\n', 'latin1'), ['--encoding', 'utf-8'], 3, 'line is not valid UTF-8 (use encoding latin1 for ISO-8859-1 files)'],
    ['a postcode file with a C1 control byte (latin1)', ['import', 'postcodes'], 'c1.csv', () => Buffer.from('osm_id,ags,ort,plz\n1,05766020,Det\x81mold,32756\n', 'latin1'), ['--encoding', 'latin1'], 2, 'control character U+0081 at character 15: not a text file, or a damaged one'],
  ])('%s: exit 1 with file:line: reason, the JSON error last, the register unchanged', async (_what, command, name, bytes, options, line, reason) => {
    const file = write(name as string, (bytes as () => Buffer)());
    const before = await fingerprint();
    const res = await runCli([...(command as string[]), file, ...(options as string[]), '--json'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`Error: ${name}:${line}: ${reason}\n`); // a message, no SQL, no stack
    expect(JSON.parse(res.lastLine)).toEqual({ error: { message: `${name}:${line}: ${reason}`, file: name, line, reason } });
    expect(await fingerprint()).toBe(before);
  }, 120_000);
});
