/**
 * Peer engines for comparison (devDependencies): Lunr 2.3.9 with its defaults.
 */
import lunr from 'lunr';

export interface PeerDoc {
  id: string;
  title: string;
  text: string;
}

/** Lunr with its defaults (stop words, Porter stemmer, BM25 k1 1.2 b 0.75), fields title and text. */
export function buildLunr(docs: PeerDoc[]): (question: string, limit?: number) => string[] {
  const index = lunr(function () {
    this.ref('id');
    this.field('title');
    this.field('text');
    for (const d of docs) this.add(d);
  });
  return (question, limit = 1000) => {
    // Lunr's query syntax gives meaning to : + - ~ ^ *; a plain question must not trip over them.
    const plain = question.replace(/[:+\-~^*\\]/gu, ' ');
    try {
      return index
        .search(plain)
        .slice(0, limit)
        .map((r) => r.ref);
    } catch {
      return [];
    }
  };
}
