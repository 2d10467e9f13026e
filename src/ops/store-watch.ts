/**
 * Store failures counted without touching the code that calls the store: `watchStore` returns the same
 * store behind a Proxy whose methods report every failed call (a rejected promise, or a throw) by the
 * method's name, then fail exactly as before. The callers (feedback, the corpus service, /insights) go
 * on logging and answering from memory as they always did.
 */

/** Hears one failed store call: the method's name and what it failed with. */
export type StoreErrorListener = (operation: string, error: unknown) => void;

/** `store` with every method call watched; properties (`description`) read through unchanged. */
export function watchStore<T extends object>(store: T, onError: StoreErrorListener): T {
  const wrapped = new Map<PropertyKey, unknown>();
  const report = (operation: string, error: unknown) => {
    try {
      onError(operation, error);
    } catch {
      // A listener's failure must not change what the caller sees.
    }
  };
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      let fn = wrapped.get(key);
      if (!fn) {
        const method = value as (...args: unknown[]) => unknown;
        fn = (...args: unknown[]): unknown => {
          let result: unknown;
          try {
            result = method.apply(target, args);
          } catch (err) {
            report(key, err);
            throw err;
          }
          if (result instanceof Promise) {
            return result.catch((err: unknown) => {
              report(key, err);
              throw err;
            });
          }
          return result;
        };
        wrapped.set(key, fn);
      }
      return fn;
    },
  });
}
