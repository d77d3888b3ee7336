/**
 * Passes whatever a repository's methods throw, reject with or throw
 * mid-iteration through `mapError`, by giving the instance its own wrapper
 * of each method (calls between its methods go through them too, and a
 * test's spy on one still sees them).
 */
export function withStoreFailures<T extends object>(repo: T, mapError: (err: unknown) => unknown): T {
  for (let proto = Object.getPrototypeOf(repo) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const fn = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      if (name === 'constructor' || typeof fn !== 'function' || Object.prototype.hasOwnProperty.call(repo, name)) continue;
      Object.defineProperty(repo, name, {
        value: (...args: unknown[]) => mapped(() => (fn as (...a: unknown[]) => unknown).apply(repo, args), mapError),
        writable: true,
        configurable: true,
      });
    }
  }
  return repo;
}

function mapped(call: () => unknown, mapError: (err: unknown) => unknown): unknown {
  let result: unknown;
  try {
    result = call();
  } catch (err) {
    throw mapError(err);
  }
  if (result instanceof Promise) return result.catch((err: unknown) => Promise.reject(mapError(err)));
  if (result !== null && typeof result === 'object' && Symbol.asyncIterator in result) return mappedIteration(result as AsyncIterable<unknown>, mapError);
  return result;
}

async function* mappedIteration<T>(iterable: AsyncIterable<T>, mapError: (err: unknown) => unknown): AsyncIterable<T> {
  try {
    yield* iterable;
  } catch (err) {
    throw mapError(err);
  }
}
