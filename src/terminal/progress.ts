/**
 * A progress line on a terminal (stderr), rewritten in place and cleared when done; nothing at
 * all when the stream is not a terminal.
 */
import type { Writable } from 'node:stream';

export interface ProgressLine {
  /** Shows `done` of `total`; the line is cleared when done reaches total. */
  update(done: number, total: number): void;
  /** Clears the line if one is showing. */
  clear(): void;
}

const CLEAR = '\r\x1b[2K';

export function progressLine(
  stream: Writable & { isTTY?: boolean },
  label = (done: number, total: number) =>
    `Preparing answers: ${done}/${total} passage${total === 1 ? '' : 's'}…`,
  minIntervalMs = 100,
): ProgressLine {
  let showing = false;
  let last = 0;
  const clear = () => {
    if (showing) stream.write(CLEAR);
    showing = false;
  };
  return {
    update(done, total) {
      if (!stream.isTTY) return;
      if (done >= total) return clear();
      const now = Date.now();
      if (showing && done > 0 && now - last < minIntervalMs) return;
      last = now;
      stream.write(`${CLEAR}${label(done, total)}`);
      showing = true;
    },
    clear,
  };
}
