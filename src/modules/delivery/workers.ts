// A small pool of worker threads for the CPU-bound parts of hand-offs (handoff.tasks.ts). A task
// that runs over its caller's budget gets its worker terminated; a worker that dies (uncaught error,
// out of memory, exit) fails its task with HandOffCrash. Either way the event loop never waits.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { tsxApi } from '../../lib/worker-entry.js';
import { HandOffCrash } from './adapter.js';
import type { Offload, TaskInput, TaskName, TaskResult } from './handoff.tasks.js';

export interface WorkerPoolOptions {
  /** most workers at once; a task waits for a free one (size it to the dispatcher's concurrency) */
  size: number;
  /** module exporting `handOffTasks`; tests pass one that hangs or crashes */
  tasks?: URL;
  /** old-generation heap per worker: a payload that makes the renderer run away ends only that worker */
  maxMemoryMb?: number;
  /** a worker idle this long is ended (each holds some 50 MB); default one minute */
  idleMs?: number;
}

interface Pending {
  resolve(value: never): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** settles when the worker has loaded its tasks */
  ready: Promise<void>;
  /** the task it runs now */
  pending?: Pending;
  dead: boolean;
  /** ends the worker when it stays idle */
  idleTimer?: NodeJS.Timeout;
}

// Runs as CommonJS in the worker: loads tsx when the tasks are TypeScript sources, then the tasks.
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  const { handOffTasks } = await import(workerData.tasks);
  parentPort.on('message', async ({ task, input }) => {
    try {
      parentPort.postMessage({ value: await handOffTasks[task](input) });
    } catch (e) {
      parentPort.postMessage({ error: e instanceof Error ? e.message : String(e) });
    }
  });
  parentPort.postMessage({ ready: true });
})();
`;

export class WorkerPool implements Offload {
  private readonly idle: Slot[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly all = new Set<Slot>();
  private readonly tasks: URL;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    this.tasks = options.tasks ?? new URL(`./handoff.tasks${path.extname(new URL(import.meta.url).pathname)}`, import.meta.url);
  }

  async run<K extends TaskName>(task: K, input: TaskInput<K>, signal?: AbortSignal): Promise<TaskResult<K>> {
    const slot = await this.acquire(signal);
    try {
      return await this.exec(slot, task, input, signal);
    } finally {
      this.release(slot);
    }
  }

  /** Workers running now, busy or idle. */
  get workers(): number {
    return this.all.size;
  }

  /** Terminates every worker; tasks still running fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.waiting]) wake();
    await Promise.all([...this.all].map((s) => this.kill(s, new Error('the hand-off workers are shut down'))));
  }

  private spawn(): Slot {
    const tsx = this.tasks.pathname.endsWith('.ts') ? tsxApi() : null;
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      execArgv: [],
      workerData: { tasks: this.tasks.href, tsx },
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxMemoryMb ?? 1024 },
    });
    let started!: Pending;
    const ready = new Promise<void>((resolve, reject) => (started = { resolve: resolve as () => void, reject }));
    ready.catch(() => undefined); // observed by exec
    const slot: Slot = { worker, ready, dead: false };
    // One set of listeners per worker; each message answers the task it runs (one at a time).
    worker.on('message', (m: { ready?: true; value?: never; error?: string }) => {
      if (m.ready) return started.resolve(undefined as never);
      const p = slot.pending;
      slot.pending = undefined;
      if (m.error === undefined) p?.resolve(m.value!);
      else p?.reject(new Error(m.error));
    });
    const died = (why: string) => {
      slot.dead = true;
      this.all.delete(slot);
      // Before it was ready the worker could not load: no fault of a delivery, an ordinary failure.
      started.reject(new Error(`the hand-off worker did not start: ${why}`));
      slot.pending?.reject(new HandOffCrash(`the hand-off worker crashed: ${why}`));
      slot.pending = undefined;
      this.waiting[0]?.(); // room for a new worker
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => died(`it stopped with exit code ${code}`));
    this.all.add(slot);
    return slot;
  }

  /** A ready-to-use slot: an idle one, a new one while below size, or the next one released. */
  private async acquire(signal?: AbortSignal): Promise<Slot> {
    for (;;) {
      signal?.throwIfAborted();
      if (this.closed) throw new Error('the hand-off workers are shut down');
      const idle = this.idle.pop();
      clearTimeout(idle?.idleTimer);
      if (idle && !idle.dead) return idle;
      if (!idle && this.all.size < this.options.size) return this.spawn();
      if (idle) continue;
      await new Promise<void>((resolve) => {
        const wake = () => {
          const i = this.waiting.indexOf(wake);
          if (i >= 0) this.waiting.splice(i, 1);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        this.waiting.push(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }

  private release(slot: Slot): void {
    if (!slot.dead && !this.closed) {
      slot.worker.unref(); // an idle worker does not keep the process alive
      this.idle.push(slot);
      slot.idleTimer = setTimeout(() => {
        const i = this.idle.indexOf(slot);
        if (i >= 0) this.idle.splice(i, 1);
        void this.kill(slot, new Error('idle'));
      }, this.options.idleMs ?? 60_000).unref();
    }
    this.waiting[0]?.();
  }

  /** Ends a worker; the task it runs fails with the reason given (not as a crash). */
  private async kill(slot: Slot, reason: Error): Promise<void> {
    clearTimeout(slot.idleTimer);
    slot.dead = true;
    slot.pending?.reject(reason);
    slot.pending = undefined;
    this.all.delete(slot);
    this.waiting[0]?.();
    await slot.worker.terminate();
  }

  private async exec(slot: Slot, task: string, input: unknown, signal?: AbortSignal): Promise<never> {
    slot.worker.ref();
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        reject(signal!.reason);
        void this.kill(slot, signal!.reason as Error); // a task cannot be interrupted otherwise: its worker goes
      };
    });
    aborted.catch(() => undefined);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([slot.ready, aborted]);
      const result = new Promise<never>((resolve, reject) => (slot.pending = { resolve, reject }));
      slot.worker.postMessage({ task, input });
      return await Promise.race([result, aborted]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
