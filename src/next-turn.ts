/** Resolves on the event loop's next turn (setImmediate): the pause between slices of long work. */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
