// Received deliveries in DIR/<delivery id>/: payload, metadata.json and receipt.jwt. Each is written
// into a temporary folder, flushed, and the folder renamed into place, so a delivery folder is
// always complete; the first of two attempts of one delivery wins, the second stores nothing.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface Files {
  payload: Buffer;
  metadata: Record<string, unknown>;
  receipt: string;
}

/** The receipt of a delivery stored before, if any. */
export async function storedReceipt(dir: string, deliveryId: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path.join(dir, deliveryId, 'receipt.jwt'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function writeSynced(file: string, data: Buffer | string): Promise<void> {
  const handle = await fs.open(file, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Stores a delivery; 'existed' when another attempt stored it first (this one is discarded). */
export async function storeDelivery(dir: string, deliveryId: string, files: Files): Promise<'stored' | 'existed'> {
  const temp = path.join(dir, `.tmp-${deliveryId}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(temp, { mode: 0o700 });
  try {
    await writeSynced(path.join(temp, 'payload'), files.payload);
    await writeSynced(path.join(temp, 'metadata.json'), `${JSON.stringify(files.metadata, null, 2)}\n`);
    await writeSynced(path.join(temp, 'receipt.jwt'), files.receipt);
    await syncFolder(temp);
    try {
      await fs.rename(temp, path.join(dir, deliveryId));
    } catch (e) {
      if (['ENOTEMPTY', 'EEXIST'].includes((e as NodeJS.ErrnoException).code ?? '')) return 'existed';
      throw e;
    }
    await syncFolder(dir);
    return 'stored';
  } finally {
    await fs.rm(temp, { recursive: true, force: true });
  }
}

/** Temporary folders a crash left behind. */
export async function removeLeftovers(dir: string): Promise<void> {
  for (const name of await fs.readdir(dir)) if (name.startsWith('.tmp-')) await fs.rm(path.join(dir, name), { recursive: true, force: true });
}
