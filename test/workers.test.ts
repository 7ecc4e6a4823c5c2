// The hand-off worker pool: bounded, a task over its budget or a dying worker fails only that task,
// a queued task can be given up, and shutting down fails what still runs.
import { afterAll, describe, expect, it } from 'vitest';
import { HandOffCrash } from '../src/modules/delivery/adapter.js';
import type { LetterInput } from '../src/modules/delivery/letter.js';
import { WorkerPool } from '../src/modules/delivery/workers.js';

const party = { name: 'Stadt Detmold', street: 'Marktplatz', houseNumber: '5', poBox: null, postcode: '32756', city: 'Detmold' };
const letter = (reference: string): LetterInput => ({
  deliveryId: 'd-1',
  sender: party,
  recipient: party,
  reference,
  messageType: '103',
  date: '22.11.2026',
  enclosure: { fileName: 'x.bin', contentType: 'application/octet-stream', bytes: Buffer.from('<x/>') }, // attached, not printed: one page
});

describe('hand-off worker pool', () => {
  const pool = new WorkerPool({ size: 1, tasks: new URL('./helpers/poison-tasks.ts', import.meta.url) });
  afterAll(() => pool.close());

  it('renders in a worker; a hanging task is ended by its signal, a crashing one fails as a crash, and the pool goes on', async () => {
    expect((await pool.run('letter', letter('VH-1/2026'))).pages).toBe(1);
    const hang = pool.run('letter', letter('HANG'), AbortSignal.timeout(500));
    // One worker: this one waits for the hanging task's worker to be ended, then gets a new one.
    const queued = pool.run('letter', letter('VH-2/2026'));
    await expect(hang).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await queued).pages).toBe(1);
    await expect(pool.run('letter', letter('CRASH'))).rejects.toThrow(HandOffCrash);
    await expect(pool.run('letter', { ...letter('VH-3/2026'), enclosure: null } as never)).rejects.toThrow(/reading 'bytes'/); // an ordinary error
    expect((await pool.run('letter', letter('VH-4/2026'))).pages).toBe(1);
  }, 60_000);

  it('ends workers that stay idle', async () => {
    const brief = new WorkerPool({ size: 2, idleMs: 200, tasks: new URL('./helpers/poison-tasks.ts', import.meta.url) });
    try {
      await brief.run('letter', letter('VH-7/2026'));
      expect(brief.workers).toBe(1);
      await new Promise((r) => setTimeout(r, 600));
      expect(brief.workers).toBe(0);
      expect((await brief.run('letter', letter('VH-9/2026'))).pages).toBe(1); // started again on demand
    } finally {
      await brief.close();
    }
  }, 60_000);

  it('a task waiting for a worker can be given up; shutting down fails the running task', async () => {
    const hang = pool.run('letter', letter('HANG'));
    const giveUp = new AbortController();
    const waiting = pool.run('letter', letter('VH-5/2026'), giveUp.signal);
    giveUp.abort(new Error('given up'));
    await expect(waiting).rejects.toThrow('given up');
    const hangFails = expect(hang).rejects.toThrow('the hand-off workers are shut down');
    await pool.close();
    await hangFails;
    await expect(pool.run('letter', letter('VH-6/2026'))).rejects.toThrow('the hand-off workers are shut down');
  }, 60_000);
});
