// The jtis seen, on disk (DIR/.jti/), so that a captured request sent again is refused, also after a
// restart. One file per jti, created exclusively (two copies arriving at once: one wins), holding
// the time after which the hand-off would be refused as expired anyway; pruned after that.
import fs from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../lib/handoff-contract.js';

export class SeenJtis {
  private readonly dir: string;

  constructor(root: string) {
    this.dir = path.join(root, '.jti');
  }

  async open(): Promise<this> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    return this;
  }

  /** Records the jti; false when it was seen before. `forgetAfter` in seconds since the epoch. */
  async first(jti: string, forgetAfter: number): Promise<boolean> {
    const file = path.join(this.dir, sha256Hex(Buffer.from(jti, 'utf8')));
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
    try {
      await handle.writeFile(String(forgetAfter));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  }

  /** Deletes the jtis whose hand-offs have expired; returns how many. */
  async prune(nowS: number): Promise<number> {
    let removed = 0;
    for (const name of await fs.readdir(this.dir)) {
      const file = path.join(this.dir, name);
      const text = await fs.readFile(file, 'utf8').catch(() => '');
      // A file left empty by a crash is kept a quarter of an hour from its creation.
      const until = Number(text) || ((await fs.stat(file).catch(() => null))?.mtimeMs ?? 0) / 1000 + 900;
      if (until < nowS) {
        await fs.rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }
}
