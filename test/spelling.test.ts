import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { americanSpelling, queryTerms, stemWord, termsOf } from '../src/core/text.js';
import { loadCorpus } from '../src/corpus/loader.js';

const root = path.resolve(import.meta.dirname, '..');
let index: CorpusIndex;

beforeAll(async () => {
  index = CorpusIndex.build((await loadCorpus(path.join(root, 'corpus'))).sources);
});

/** British and American spellings of one word, and their inflections; most are not in the corpus. */
const PAIRS: [string, string][] = [
  ['democratisation', 'democratization'],
  ['organisation', 'organization'],
  ['organisations', 'organizations'],
  ['colour', 'color'],
  ['colours', 'colors'],
  ['coloured', 'colored'],
  ['analyse', 'analyze'],
  ['analysed', 'analyzed'],
  ['analysing', 'analyzing'],
  ['centre', 'center'],
  ['centres', 'centers'],
  ['centred', 'centered'],
  ['licence', 'license'],
  ['licences', 'licenses'],
  ['modelling', 'modeling'],
  ['modelled', 'modeled'],
  // Words the corpus does not contain: the rules are general, not a list.
  ['tokenisation', 'tokenization'],
  ['standardise', 'standardize'],
  ['recognised', 'recognized'],
  ['prioritising', 'prioritizing'],
  ['behaviour', 'behavior'],
  ['neighbourhood', 'neighborhood'],
  ['favourite', 'favorite'],
  ['paralysed', 'paralyzed'],
  ['fibre', 'fiber'],
  ['metres', 'meters'],
  ['defence', 'defense'],
  ['catalogue', 'catalog'],
  ['programme', 'program'],
  ['travelled', 'traveled'],
];

describe('British and American spellings', () => {
  it.each(PAIRS)('%s and %s are one index term', (british, american) => {
    expect(stemWord(british)).toBe(stemWord(american));
    expect(termsOf(british)).toEqual(termsOf(american));
  });

  it('keeps words apart that only look like variants', () => {
    // Families that must keep meeting among themselves…
    expect(stemWord('precise')).toBe(stemWord('precision'));
    expect(stemWord('revise')).toBe(stemWord('revision'));
    expect(stemWord('different')).toBe(stemWord('difference'));
    // …and short words the rules leave alone.
    for (const w of ['four', 'hour', 'flour', 'noise', 'rise', 'raise', 'genre', 'acre', 'exercise'])
      expect(americanSpelling(w)).toBe(w);
    expect(stemWord('four')).not.toBe(stemWord('for'));
    expect(stemWord('hour')).not.toBe(stemWord('hor'));
  });

  it('a British-spelt question finds the American-spelt passage in the corpus', () => {
    // The corpus writes "democratization" and "organizations".
    const british = index.search('the democratisation of knowledge', { limit: 3 });
    const american = index.search('the democratization of knowledge', { limit: 3 });
    expect(british[0]?.passage.text).toContain('This democratization of knowledge');
    expect(british.map((h) => h.passage.id)).toEqual(american.map((h) => h.passage.id));
    const orgs = index.search('grassroots organisations', { limit: 1 });
    expect(orgs[0]?.passage.text).toContain('grassroots organizations');
    expect(queryTerms('organisation').map((t) => t.term)).toEqual(
      queryTerms('organization').map((t) => t.term),
    );
  });

  it('an American-spelt question finds the British-spelt passage', () => {
    const built = CorpusIndex.build([
      {
        file: 'uk.md',
        text: '# Notes\n\nThe colour of the licence centre was analysed by the modelling team.\n',
        hash: 'x',
      },
      { file: 'other.md', text: '# Other\n\nA paragraph about something else entirely.\n', hash: 'y' },
    ]);
    const hits = built.search('color license center analyze modeling', { limit: 2 });
    expect(hits[0]?.passage.origin.file).toBe('uk.md');
    expect(new Set(hits[0]?.queryTerms)).toEqual(
      new Set(queryTerms('colour licence centre analysed modelling').map((t) => t.term)),
    );
  });
});
