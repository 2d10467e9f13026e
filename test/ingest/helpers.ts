/** Helpers of the ingest tests. */
import { expect } from 'vitest';
import { IngestError, type HostResolver } from '../../src/ingest/types.js';

/** The IngestError `promise` fails with (the test fails when it succeeds); its message is one line. */
export async function refusal(promise: Promise<unknown>): Promise<IngestError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IngestError);
  expect((err as IngestError).message).not.toContain('\n');
  return err as IngestError;
}

/** A resolver answering from a table (unknown names: ENOTFOUND), recording the names asked. */
export function tableResolver(answers: Record<string, string[]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = (host: string) => {
    calls.push(host);
    const found = answers[host];
    if (found === undefined)
      return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    return Promise.resolve(found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(resolve, { calls });
}
