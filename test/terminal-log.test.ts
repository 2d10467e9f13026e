/**
 * The terminal's /log [page]: the audit page as plain lines (when, who, action, target, detail,
 * control characters flattened), the page number checked, and one line without a store.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Services } from '../src/commands/commands.js';
import { Library } from '../src/corpus/library.js';
import { silentLogger } from '../src/log.js';
import { renderLog } from '../src/render/log.js';
import { NO_AUDIT_LOG } from '../src/terminal/log.js';
import { handleLine } from '../src/terminal/repl.js';

const root = path.resolve(import.meta.dirname, '..');
const AT = Date.UTC(2025, 4, 1, 9, 30);

describe('/log', () => {
  it('says it needs the store when there is none', async () => {
    const services: Services = {
      library: new Library({ dir: path.join(root, 'corpus') }),
      log: silentLogger,
    };
    expect(await handleLine(services, '/log')).toBe(NO_AUDIT_LOG);
    expect(await handleLine(services, '/log 2')).toBe(NO_AUDIT_LOG);
  });

  it('prints one line per entry, newest first, with the page', () => {
    const out = renderLog({
      ok: true,
      page: 2,
      pages: 3,
      total: 21,
      entries: [
        {
          id: 11,
          at: AT,
          actor: '223456789012345678',
          action: 'hide',
          target: '“Why open” (why-open.md)\u001b[31m',
          detail: 'the file stays\nhidden',
        },
        { id: 10, at: AT - 60_000, actor: 'terminal', action: 'reindex', target: 'the articles', detail: '' },
      ],
    });
    expect(out.split('\n')).toEqual([
      'Audit log, newest first (page 2 of 3, 21 entries):',
      '  2025-05-01 09:30 UTC · 223456789012345678 · hide · “Why open” (why-open.md) [31m · the file stays hidden',
      '  2025-05-01 09:29 UTC · terminal · reindex · the articles',
      '/log N shows page N.',
    ]);
    expect(renderLog({ ok: true, page: 1, pages: 1, total: 0, entries: [] })).toBe(
      'Nothing in the audit log yet.',
    );
    expect(renderLog({ ok: false, code: 'store', message: 'cannot read it' })).toBe('cannot read it');
  });
});
