// Per-request batching for nested lists: the children of every parent in one query per level,
// instead of one query per parent (N+1).
import { batchLoader } from '../lib/batch.js';

/** A loader by name, created on first use in this request: keys asked for in one tick share one fetch. */
export type Loaders = <V>(name: string, fetch: (keys: string[]) => Promise<Map<string, V>>) => (key: string) => Promise<V | undefined>;

export function requestLoaders(): Loaders {
  const byName = new Map<string, (key: string) => Promise<unknown>>();
  return <V>(name: string, fetch: (keys: string[]) => Promise<Map<string, V>>) => {
    let load = byName.get(name);
    if (!load) byName.set(name, (load = batchLoader<string, V>(fetch, (k) => k)));
    return load as (key: string) => Promise<V | undefined>;
  };
}

/** Groups rows by a key, for fetch functions that answer many parents at once. */
export function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
