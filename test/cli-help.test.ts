// The CLI's help, from the command table: the list of all commands, each command's own usage,
// and unknown options as usage errors. Help opens no database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands.js';
import { runCli } from './helpers/processes.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-cli-help-'));
const dataDir = path.join(dir, 'data'); // never created: help must not open the database
const env = { DATA_DIR: dataDir };
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('CLI help', () => {
  it('--help lists every command of the table with its usage and summary; no command is exit 2 with the same list', async () => {
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run cli -- <command> \[options\]\n\nCommands:\n/);
    const lines = help.stdout.split('\n');
    for (const c of COMMANDS) {
      expect(lines.some((l) => l.startsWith(`  ${c.name} `)), c.name).toBe(true);
      for (const s of c.summary) expect(help.stdout, c.name).toContain(s);
    }
    expect(help.stdout).toContain('  import gv100ad <file> [--dry-run] [--json] [--encoding auto|utf-8|latin1]\n      Import a Destatis GV100AD edition');
    expect(help.stdout).toContain('\n  migrate              Apply database migrations.\n');
    expect((await runCli(['-h'], env)).stdout).toBe(help.stdout);
    const none = await runCli([], env);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe(help.stdout);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s --help prints its usage and options, exit 0', async (name, c) => {
    const res = await runCli([...name.split(' '), '--help'], env);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    expect(res.stdout.split('\n')[0]).toBe(`Usage: npm run cli -- ${name}${c.synopsis ? ` ${c.synopsis}` : ''}`);
    for (const s of c.summary) expect(res.stdout).toContain(`\n${s}\n`);
    const options = res.stdout.split('\nOptions:\n')[1]!.split('\n\n')[0]!.split('\n');
    expect(options.map((l) => l.trim().split(' ')[0])).toEqual([...c.options.map((o) => `--${o}`), '-h,']);
    // no other command's usage
    for (const other of COMMANDS) if (other !== c) expect(res.stdout).not.toContain(`cli -- ${other.name} `);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('an unknown command with --help shows the list of commands', async () => {
    const res = await runCli(['frobnicate', '--help'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Commands:\n  import gv100ad ');
  });

  it('an unknown option is a usage error naming the option, with the list of commands', async () => {
    const res = await runCli(['import', 'gv100ad', 'x.txt', '--frob'], env);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^Error: Unknown option '--frob'/);
    for (const c of COMMANDS) expect(res.stderr).toContain(`\n  ${c.name} `);
    const json = await runCli(['cert', 'inspect', 'a.pem', '--json', '--nope'], env);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/^Error: Unknown option '--nope'/);
    expect(JSON.parse(json.lastLine)).toEqual({ error: { message: expect.stringContaining("Unknown option '--nope'") } });
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
