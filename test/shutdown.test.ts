// The signal handler's promise: a stop that fails or hangs still ends the process, with exit code 1.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

/** A process that installs onSignals with the given stop, says "ready", and is sent SIGTERM. */
async function exitOf(stop: string, deadlineMs: number): Promise<{ code: number | null; ms: number; out: string }> {
  const script = `
    import { onSignals } from './src/app/lifecycle.ts';
    const log = { info: (o, m) => console.log(m ?? o), error: (o, m) => console.log(m ?? o) };
    setInterval(() => {}, 1000); // keeps the process alive like a listening server
    onSignals(log, () => 0, () => ${stop}, ${deadlineMs});
    console.log('ready');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve) => child.stdout.on('data', (d) => ((out += d), out.includes('ready') && resolve())));
  const t0 = performance.now();
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, ms: performance.now() - t0, out };
}

describe('shutdown on a signal', () => {
  it('exits 0 after a stop that finishes', async () => {
    const r = await exitOf('Promise.resolve()', 5_000);
    expect(r.code).toBe(0);
    expect(r.out).toContain('stopped');
  });

  it('exits 1 when the stop fails, instead of living on without a server', async () => {
    const r = await exitOf("Promise.reject(new Error('close failed'))", 60_000);
    expect(r.code).toBe(1);
    expect(r.out).toContain('shutdown failed');
  });

  it('exits 1 at the deadline when the stop never ends', async () => {
    const r = await exitOf('new Promise(() => {})', 300);
    expect(r.code).toBe(1);
    expect(r.out).toContain('did not finish in time');
    expect(r.ms).toBeGreaterThanOrEqual(250);
  });
});
