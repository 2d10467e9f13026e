// Row conversions as another driver would hand rows back (PostgreSQL: bigint as string), and
// vector bytes at any alignment.
import { describe, expect, it } from 'vitest';
import { answerRecord, answerRow, pickRecord, vectorBytes, vectorFrom } from '../../src/store/rows.js';
import { answer } from './helpers.js';

describe('rows', () => {
  it('reads integers given back as strings or bigints', () => {
    const a = answer('a1', 1_700_000_000_123, { private: true });
    const row = { ...answerRow(a), created_at: '1700000000123', private: 1n, answered: '1', shown: 1n };
    expect(answerRecord(row as never)).toEqual(a);
    const pick = pickRecord({
      id: 3,
      question: 'q',
      answer_id: null,
      verdict: 'none',
      anchors: '[]',
      by_user: 'u',
      by_role: 'moderator',
      source: 'import',
      created_at: '5',
      confirmed_by: null,
      confirmed_at: null,
      undone_by: 'm',
      undone_at: 7n,
      reinforced_at: '6',
      contradictions: '2',
    });
    expect(pick).toEqual({
      id: 3,
      question: 'q',
      verdict: 'none',
      anchors: [],
      byUser: 'u',
      byRole: 'moderator',
      source: 'import',
      createdAt: 5,
      undoneBy: 'm',
      undoneAt: 7,
      reinforcedAt: 6,
      contradictions: 2,
    });
    expect('answerId' in pick || 'confirmedAt' in pick).toBe(false);
  });

  it('reads vector bytes that start at an odd offset, and refuses a length not a multiple of 4', () => {
    const v = new Float32Array([1.5, -2, 1e-7]);
    const odd = new Uint8Array(13);
    odd.set(vectorBytes(v), 1);
    const back = vectorFrom(odd.subarray(1));
    expect(Array.from(back)).toEqual(Array.from(v));
    expect(() => vectorFrom(new Uint8Array(6))).toThrow(/6 bytes/);
  });
});
