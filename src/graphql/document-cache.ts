// Yoga caches parsed documents (and parse errors) by their text. Its default keeps 1,024 entries
// whatever their size: a parsed document holds some 45–80 bytes per character of its text, so unique
// documents at the token limit (2 MB each), or small ones padded with a comment up to the body limit
// (the text itself, megabytes), let a single caller fill gigabytes. This cache is bounded by the
// characters of the texts it holds and leaves out texts too long to be worth keeping.

export interface DocumentCache<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
}

/** Least recently used first out, so that at most `maxChars` characters of document text are held. */
export function boundedDocumentCache<T>(maxChars: number, maxEntryChars = Math.floor(maxChars / 16)): DocumentCache<T> {
  const entries = new Map<string, T>(); // in order of use, oldest first
  let chars = 0;
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key, value) {
      if (key.length > maxEntryChars) return;
      if (entries.delete(key)) chars -= key.length;
      entries.set(key, value);
      chars += key.length;
      for (const oldest of entries.keys()) {
        if (chars <= maxChars) break;
        entries.delete(oldest);
        chars -= oldest.length;
      }
    },
  };
}
