// Values that are there at once or later. Read resolvers return them so that GraphQL's execution
// stays synchronous while the in-memory directory is loaded (#17).

export type MaybePromise<T> = T | Promise<T>;

/** f applied to x: at once when x is a value, when it settles when it is a promise. */
export function andThen<T, U>(x: MaybePromise<T>, f: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return x instanceof Promise ? x.then(f) : f(x);
}
