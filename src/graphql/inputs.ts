// GraphQL input objects carry null for "not given"; services take absent fields instead.

/** The object without its null and undefined fields: `{ a: null, b: 1 }` → `{ b: 1 }`. */
export function withoutNulls<T extends object>(input: T | null | undefined): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: Exclude<T[K], null> };
}
