/**
 * Stepped computations: a generator that yields between slices of its work, run either at once
 * (`drain`) or with a pause at each yield (`paced`), so the same code serves a small snapshot
 * synchronously and a large one without holding the event loop. Pure: the caller passes the pause.
 */

/** Runs a stepped computation to its end at once (the synchronous form). */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs a stepped computation, awaiting `pause` at each of its yields (a large snapshot's form). */
export async function paced<T>(steps: Generator<void, T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await pause();
  }
}
