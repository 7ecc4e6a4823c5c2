// A minimal per-request batch loader: keys asked for in one tick are fetched with one query.
export function batchLoader<K, V>(fetch: (keys: K[]) => Promise<Map<string, V>>, keyOf: (k: K) => string) {
  const cache = new Map<string, Promise<V | undefined>>();
  let queue: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];
  const flush = async () => {
    const batch = queue;
    queue = [];
    try {
      const found = await fetch(batch.map((b) => b.key));
      for (const b of batch) b.resolve(found.get(keyOf(b.key)));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  };
  return (key: K): Promise<V | undefined> => {
    const id = keyOf(key);
    let p = cache.get(id);
    if (!p) {
      p = new Promise((resolve, reject) => {
        if (queue.push({ key, resolve, reject }) === 1) queueMicrotask(() => void flush());
      });
      cache.set(id, p);
    }
    return p;
  };
}
