/**
 * One posting list of a loaded snapshot (one term in one field: document → term frequency),
 * read straight from the snapshot's flat arrays instead of being copied into a Map entry by
 * entry. A large snapshot holds millions of postings; building their Maps was most of its
 * load time. It is a Map to everything that reads the index (MiniSearch's own search and
 * autoSuggest, the scorer, packing): reads answer from the arrays, in the order they were
 * packed, and the first write copies the list into the Map itself, which serves from then on.
 *
 * The document ids of a list must ascend (as every build makes them): lookups search them by
 * halving. `PackedDocs.from` returns undefined for a list that does not ascend.
 *
 * `PackedTerm` is one term's field → posting list map: nothing is made for it but this small
 * object until something reads it, so loading costs one object per term, not one Map per list.
 */
export class PackedDocs extends Map<number, number> {
  /** The shared arrays and this list's range in them; undefined once the Map holds the list. */
  #docs: Int32Array | undefined;
  readonly #freqs: Uint16Array;
  readonly #from: number;
  readonly #to: number;

  private constructor(docs: Int32Array, freqs: Uint16Array, from: number, to: number) {
    super();
    this.#docs = docs;
    this.#freqs = freqs;
    this.#from = from;
    this.#to = to;
  }

  /** The list `docs[from..to)` / `freqs[from..to)`, or undefined when its document ids do not ascend. */
  static from(docs: Int32Array, freqs: Uint16Array, from: number, to: number): PackedDocs | undefined {
    for (let p = from + 1; p < to; p++) if ((docs[p] as number) <= (docs[p - 1] as number)) return undefined;
    return new PackedDocs(docs, freqs, from, to);
  }

  /**
   * The arrays and range while the list is still read from them (for a scorer's tight loop),
   * else undefined (the Map holds the list: use the Map's methods).
   */
  get packed(): { docs: Int32Array; freqs: Uint16Array; from: number; to: number } | undefined {
    const docs = this.#docs;
    return docs ? { docs, freqs: this.#freqs, from: this.#from, to: this.#to } : undefined;
  }

  /** Where `doc` is in the arrays, or -1. */
  #find(docs: Int32Array, doc: number): number {
    let lo = this.#from;
    let hi = this.#to - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = docs[mid] as number;
      if (at === doc) return mid;
      if (at < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Copies the list into the Map; the arrays are not read again. */
  #own(): void {
    const docs = this.#docs;
    if (!docs) return;
    this.#docs = undefined;
    for (let p = this.#from; p < this.#to; p++) super.set(docs[p] as number, this.#freqs[p] as number);
  }

  override get size(): number {
    return this.#docs ? this.#to - this.#from : super.size;
  }

  override get(doc: number): number | undefined {
    const docs = this.#docs;
    if (!docs) return super.get(doc);
    const at = this.#find(docs, doc);
    return at < 0 ? undefined : this.#freqs[at];
  }

  override has(doc: number): boolean {
    const docs = this.#docs;
    return docs ? this.#find(docs, doc) >= 0 : super.has(doc);
  }

  override set(doc: number, freq: number): this {
    this.#own();
    return super.set(doc, freq);
  }

  override delete(doc: number): boolean {
    this.#own();
    return super.delete(doc);
  }

  override clear(): void {
    this.#docs = undefined;
    super.clear();
  }

  override forEach(fn: (freq: number, doc: number, map: Map<number, number>) => void, self?: unknown): void {
    const docs = this.#docs;
    if (!docs) return super.forEach(fn, self);
    for (let p = this.#from; p < this.#to; p++)
      fn.call(self, this.#freqs[p] as number, docs[p] as number, this);
  }

  *#pairs(): Generator<[number, number], undefined, unknown> {
    const docs = this.#docs;
    if (!docs) {
      yield* super.entries();
      return undefined;
    }
    for (let p = this.#from; p < this.#to; p++) yield [docs[p] as number, this.#freqs[p] as number];
    return undefined;
  }

  override entries(): MapIterator<[number, number]> {
    return this.#pairs();
  }

  override keys(): MapIterator<number> {
    const docs = this.#docs;
    return docs ? docs.subarray(this.#from, this.#to).values() : super.keys();
  }

  override values(): MapIterator<number> {
    return this.#docs ? this.#freqs.subarray(this.#from, this.#to).values() : super.values();
  }

  override [Symbol.iterator](): MapIterator<[number, number]> {
    return this.#pairs();
  }
}

/** A snapshot's flat posting arrays, and where each (term, field) entry's postings start. */
export interface PackedPostings {
  entryField: Uint8Array;
  /** Per entry, its first posting; one more than entries (the last is the posting count). */
  entryStart: Uint32Array;
  postingDoc: Int32Array;
  postingFreq: Uint16Array;
}

/** A term's postings by field (entries `from..to` of `source`), made into Maps on first use. */
export class PackedTerm implements Map<number, Map<number, number>> {
  readonly #source: PackedPostings;
  readonly #from: number;
  readonly #to: number;
  #map: Map<number, Map<number, number>> | undefined;

  constructor(source: PackedPostings, from: number, to: number) {
    this.#source = source;
    this.#from = from;
    this.#to = to;
  }

  /** The field → list Map, made on first use (a list that does not ascend is copied into a Map). */
  #fields(): Map<number, Map<number, number>> {
    if (this.#map) return this.#map;
    const { entryField, entryStart, postingDoc, postingFreq } = this.#source;
    const map = new Map<number, Map<number, number>>();
    for (let e = this.#from; e < this.#to; e++) {
      const from = entryStart[e] as number;
      const to = entryStart[e + 1] as number;
      let docs: Map<number, number> | undefined = PackedDocs.from(postingDoc, postingFreq, from, to);
      if (!docs) {
        docs = new Map<number, number>();
        for (let k = from; k < to; k++) docs.set(postingDoc[k] as number, postingFreq[k] as number);
      }
      map.set(entryField[e] as number, docs);
    }
    this.#map = map;
    return map;
  }

  get size(): number {
    return this.#map ? this.#map.size : this.#to - this.#from;
  }

  get [Symbol.toStringTag](): string {
    return 'Map';
  }

  get(field: number): Map<number, number> | undefined {
    return this.#fields().get(field);
  }

  has(field: number): boolean {
    return this.#fields().has(field);
  }

  set(field: number, docs: Map<number, number>): this {
    this.#fields().set(field, docs);
    return this;
  }

  delete(field: number): boolean {
    return this.#fields().delete(field);
  }

  clear(): void {
    this.#fields().clear();
  }

  forEach(
    fn: (docs: Map<number, number>, field: number, map: Map<number, Map<number, number>>) => void,
    self?: unknown,
  ): void {
    this.#fields().forEach((docs, field) => fn.call(self, docs, field, this));
  }

  entries(): MapIterator<[number, Map<number, number>]> {
    return this.#fields().entries();
  }

  keys(): MapIterator<number> {
    return this.#fields().keys();
  }

  values(): MapIterator<Map<number, number>> {
    return this.#fields().values();
  }

  [Symbol.iterator](): MapIterator<[number, Map<number, number>]> {
    return this.#fields()[Symbol.iterator]();
  }
}
