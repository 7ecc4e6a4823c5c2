// Holds the current in-memory directory and keeps it fresh: rebuilt after this instance's own
// changes (before the mutation answers), on NOTIFY from other instances, and by a periodic version
// check as a safety net for lost notifications.
import type { Database } from '../../db/client.js';
import type { MaybePromise } from '../../lib/maybe-promise.js';
import type { DirectoryIndex } from './directory-index.js';
import { loadDirectoryIndex } from './load-index.js';
import { directoryVersion } from './version.js';

export interface DirectoryOptions {
  /** how often to compare the stored version with the loaded one; 0 disables */
  pollMs?: number;
  onReload?: (index: DirectoryIndex, ms: number) => void;
  onError?: (e: unknown) => void;
}

export class Directory {
  private current: DirectoryIndex | undefined;
  private loading: Promise<DirectoryIndex> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly database: Database,
    private readonly opts: DirectoryOptions = {},
  ) {}

  /** The index as loaded now, without waiting; undefined before the first load. */
  loaded(): DirectoryIndex | undefined {
    return this.current;
  }

  /** The index, loading it on first use. */
  async get(): Promise<DirectoryIndex> {
    return this.current ?? this.reload();
  }

  /**
   * `use` applied to the index: at once when it is loaded, after the first load otherwise. Read
   * resolvers answer through it so that GraphQL's execution stays synchronous; a promise on the
   * way cost ≈ 15 µs of a lookup's request (graphql-jit, Envelop and Yoga each chain on it, #17).
   */
  use<T>(use: (ix: DirectoryIndex) => MaybePromise<T>): MaybePromise<T> {
    return this.current ? use(this.current) : this.reload().then(use);
  }

  /** Rebuilds the index; concurrent calls share one load, and a call during a load schedules another. */
  reload(): Promise<DirectoryIndex> {
    if (this.loading) {
      this.again = true;
      return this.loading.then(() => this.loading ?? this.current!);
    }
    const started = performance.now();
    this.loading = loadDirectoryIndex(this.database.db)
      .then((ix) => {
        this.current = ix;
        this.opts.onReload?.(ix, performance.now() - started);
        return ix;
      })
      .catch((e: unknown) => {
        this.opts.onError?.(e);
        throw e;
      })
      .finally(() => {
        this.loading = undefined;
        if (this.again) {
          this.again = false;
          void this.reload().catch(() => undefined); // reported by reload
        }
      });
    return this.loading;
  }

  /** Starts listening for other instances' changes and the periodic check. */
  async start(): Promise<void> {
    await this.get();
    if (this.database.listen) {
      this.unlisten = await this.database.listen('directory_changed', () => {
        void this.reload().catch(() => undefined); // reported by reload
      });
    }
    const pollMs = this.opts.pollMs ?? 30_000;
    if (pollMs > 0) {
      this.timer = setInterval(() => {
        void directoryVersion(this.database.db)
          .then((v) => (this.current && v !== this.current.version ? this.reload().catch(() => undefined) : undefined))
          .catch((e) => this.opts.onError?.(e));
      }, pollMs).unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unlisten?.();
    await this.loading?.catch(() => undefined);
  }
}
