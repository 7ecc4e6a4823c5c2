// Worker threads for the CSV resolution: each holds its own index built from one snapshot of the
// directory; batches go round the workers and come back by sequence number (resolveCsv writes them
// in order and keeps at most a few in flight, so memory stays constant).
import type { Worker } from 'node:worker_threads';
import { sibling, startWorker } from '../../lib/worker-entry.js';
import type { DirectorySnapshot } from '../directory/load-index.js';
import type { BatchResult, ResolveSettings, RowBatch } from './bulk-csv.js';

export interface CsvWorkerData {
  snapshot: DirectorySnapshot;
  settings: ResolveSettings;
}

interface Waiting {
  resolve(r: BatchResult): void;
  reject(e: Error): void;
}

export class CsvWorkers {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private seq = 0;
  private failure: Error | undefined;

  private constructor() {}

  /** Starts `size` workers and waits until each has built its index. */
  static async start(size: number, data: CsvWorkerData): Promise<CsvWorkers> {
    const pool = new CsvWorkers();
    const entry = sibling(import.meta.url, 'bulk-csv.worker');
    await Promise.all(Array.from({ length: size }, () => pool.spawn(entry, data)));
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  private spawn(entry: URL, data: CsvWorkerData): Promise<void> {
    const worker = startWorker(entry, data);
    this.workers.push(worker);
    return new Promise((ready, failed) => {
      worker.on('message', (m: { ready?: true; seq: number; result?: BatchResult; error?: string }) => {
        if (m.ready) return ready();
        const w = this.waiting.get(m.seq);
        this.waiting.delete(m.seq);
        if (m.result) w?.resolve(m.result);
        else w?.reject(new Error(m.error));
      });
      const died = (why: string) => {
        this.failure ??= new Error(`a CSV worker stopped: ${why}`);
        failed(this.failure);
        for (const w of this.waiting.values()) w.reject(this.failure);
        this.waiting.clear();
      };
      worker.on('error', (e) => died(e.message));
      worker.on('exit', (code) => died(`exit code ${code}`));
    });
  }

  /** Hands the batch to the next worker in turn. */
  resolve = (batch: RowBatch): Promise<BatchResult> => {
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.workers[seq % this.workers.length]!.postMessage({ seq, batch });
    });
  };

  async close(): Promise<void> {
    this.failure ??= new Error('the CSV workers are shut down');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
