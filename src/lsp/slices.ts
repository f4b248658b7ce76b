// Long work in slices: the language server runs in one thread, and checking a 4 MB document takes
// seconds. The checker is a generator that yields every few hundred statements; this runs it for
// about SLICE_MS at a time and then lets the event loop answer whatever arrived (a hover on another
// document, a didChange that makes this work stale), and stops as soon as the work is stale.

/** How long one slice of work may keep the server from other messages. */
export const SLICE_MS = 10;

/** Runs `steps` to its end in slices; undefined (and the work dropped) once `stale()` says so. */
export async function runInSlices<T>(steps: Generator<void, T>, stale: () => boolean, sliceMs = SLICE_MS): Promise<T | undefined> {
  for (;;) {
    if (stale()) {
      steps.return(undefined as T);
      return undefined;
    }
    const until = performance.now() + sliceMs;
    let next = steps.next();
    while (!next.done && performance.now() < until) next = steps.next();
    if (next.done) return next.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
