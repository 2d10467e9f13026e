// Every FeedbackStore method against a real SQLite file in a temp folder (the cases are shared with
// PostgreSQL: cases/feedback.ts).
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { feedbackCases } from './cases/feedback.js';
import { sqliteFixture } from './cases/fixture.js';

feedbackCases(sqliteFixture('file'));

describe('in memory', () => {
  it('describes itself as in memory', async () => {
    const store = await openSqliteStore(':memory:');
    expect(store.description).toBe('SQLite in memory');
    await store.close();
  });
});
