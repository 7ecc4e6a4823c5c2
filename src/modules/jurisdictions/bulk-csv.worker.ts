// A CSV resolution worker: builds its own index from the snapshot it is given, then resolves the
// batches it is sent, one at a time, answering each with its sequence number.
import { parentPort, workerData } from 'node:worker_threads';
import { buildDirectoryIndex } from '../directory/load-index.js';
import { resolveRows, type RowBatch } from './bulk-csv.js';
import type { CsvWorkerData } from './bulk-csv.workers.js';

const { snapshot, settings } = (workerData as { data: CsvWorkerData }).data;
const index = buildDirectoryIndex(snapshot);
const options = { ...settings, index };

parentPort!.on('message', ({ seq, batch }: { seq: number; batch: RowBatch }) => {
  try {
    parentPort!.postMessage({ seq, result: resolveRows(options, batch) });
  } catch (e) {
    parentPort!.postMessage({ seq, error: e instanceof Error ? e.message : String(e) });
  }
});
parentPort!.postMessage({ ready: true });
