/**
 * What kind of answer a question wants, and whether a passage can hold one.
 *
 * "How much does nanoGPT cost?" finds the passage that mentions nanoGPT, but that passage
 * names no price: quoting it as the answer would be wrong. So the question's answer type
 * (amount, date, count, person, place, steps, yes/no, definition, other) is read from its
 * shape, and the best passages are checked for something of that type: a currency amount
 * or cost figure, a date or year, a number, a name, a place, instructions. When none of
 * them has one, the question is declined with a reason, and the passages are shown as
 * what the articles do say about the subject.
 *
 * Pure rules of English question and text shape, no word of any article: a library
 * (compromise) was tried on the corpus and tagged "foster" as a person and "Hugging Face
 * Transformers library" as a place, and found none of Meta, Masakhane or DeepMind as an
 * organisation, so it would not have decided better than the capitalisation rules here.
 * Yes/no, definition and other questions are never declined here.
 */
import { isStopWord, normalizeWord, termsOfToken, tokenize } from './text.js';
import type { AnswerPassage } from './types.js';

export type AnswerType =
  'amount' | 'date' | 'count' | 'person' | 'place' | 'steps' | 'yesno' | 'definition' | 'other';

/** The answer type of a question, with what refines the check and the reason. */
export interface QuestionShape {
  type: AnswerType;
  /** date: a past event ("when did…", "what year…"), which needs a date, not a condition. */
  past?: boolean;
  /** person: who founded/created/wrote… something, which needs a name said to have done it. */
  origin?: boolean;
  /** count: "how much" (not money) or a measurement ("how long", "how tall"). */
  measure?: 'much' | 'size';
  /** steps: setting something up (install, configure, run…). */
  setup?: boolean;
  /** The question's own verb after "who" (origin questions), normalised. */
  verb?: string;
}

/** Leading chat filler that hides the question word ("hey, does anyone know when …"). */
const FILLER_RE =
  /^(?:(?:hey|hi|hello|so|ok|okay|well|quick question|question|please|pls)\b[\s,:;!-]*)*(?:(?:does|do) (?:anyone|anybody|someone|somebody|you) know|(?:can|could) (?:you|someone|anyone) (?:tell|show) (?:me|us)|(?:tell|show) (?:me|us)|i (?:wonder|am wondering|was wondering|want to know|need to know|would like to know)|any idea|anyone know)?[\s,:;]*(?:if |whether )?/u;

const AUX_RE =
  /^(?:is|are|was|were|am|do|does|did|can|could|will|would|shall|should|has|have|had|may|might|must)\b/u;
const ORIGIN_VERBS_RE =
  /^(?:co-?)?(?:found|create|invent|write|wrote|written|start|establish|design|develop|build|built|make|made|launch|release|publish|back|fund|own|lead|led|run|ran|head|author|train|discover|devise|introduce|begin|began|come up|came up)/u;
const ORIGIN_ROLES_RE =
  /\b(?:founders?|creators?|inventors?|authors?|ceo|owners?|designers?|developers? of|makers?|originators?)\b/u;
const SETUP_VERBS_RE =
  /^(?:install|set ?up|setup|configure|deploy|run|host|download|get started|start|launch|use|build|compile|upgrade|update|enable|connect|add|integrate)\b/u;

/** Reads the answer type from the question's shape. */
export function questionShape(question: string): QuestionShape {
  const q = normalizeWord(question)
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(FILLER_RE, '')
    .replace(/^[^a-z0-9]+/u, '');
  // Money: "how much does X cost", "what is the price of X", "how expensive is X".
  if (
    /\bhow much\b[^?]*\b(?:cost|costs|costing|charge|charges|pay|paid|price|priced|spend|fee|fees|worth)\b/u.test(
      q,
    ) ||
    /\b(?:what|how much|which)\b[^?]*\b(?:price|prices|pricing|cost|costs|fee|fees|subscription)\b/u.test(
      q,
    ) ||
    /\bhow (?:expensive|cheap|pricey|costly)\b/u.test(q)
  )
    return { type: 'amount' };
  // Time: "when …", "what year …", "how long ago …", "since when …".
  if (/^when\b/u.test(q)) return { type: 'date', past: /^when (?:did|was|were|had)\b/u.test(q) };
  if (
    /\b(?:what|which|in what|in which) (?:year|years|date|month|day|decade|century|time of year)\b/u.test(
      q,
    ) ||
    /\bhow long ago\b|\bsince when\b|\bon what date\b/u.test(q)
  )
    return { type: 'date', past: true };
  // Counts and measures.
  if (/\bhow many\b/u.test(q)) return { type: 'count' };
  if (/\bhow much\b/u.test(q)) return { type: 'count', measure: 'much' };
  if (/^how (?:long|tall|big|large|high|far|old|fast|heavy|wide|deep|small|short)\b/u.test(q))
    return { type: 'count', measure: 'size' };
  if (/^(?:what|which) (?:percentage|percent|proportion|fraction|number|amount) of\b/u.test(q))
    return { type: 'count' };
  // People (or the company or group behind something).
  const who =
    /^(?:who|whom|whose)\b(?: (?:has|have|had|is|was|were|are|did|does|do))?(?: (?:first|originally|actually|really))? ([a-z-]+(?: up)?)/u.exec(
      q,
    );
  if (/^(?:who|whom|whose)\b/u.test(q)) {
    const verb = who?.[1] ?? '';
    const origin = ORIGIN_VERBS_RE.test(verb) || ORIGIN_ROLES_RE.test(q);
    return { type: 'person', ...(origin ? { origin, verb } : {}) };
  }
  if (
    /^(?:which|what) (?:person|people|man|woman|researcher|scientist|engineer|developer|founder|author|inventor)\b/u.test(
      q,
    )
  )
    return { type: 'person' };
  // Places.
  if (
    /^where\b/u.test(q) ||
    /^(?:in |from )?(?:which|what) (?:country|countries|city|cities|state|region|continent|place|town)\b/u.test(
      q,
    )
  )
    return { type: 'place' };
  // Instructions: "how do I install X", "how to set up X", "steps to …".
  const how =
    /^how (?:do|can|should|would|could|might|must|shall) (?:i|we|you|one)\b(?: (?:go about|best))? ([a-z -]+)/u.exec(
      q,
    ) ?? /\bhow to ([a-z -]+)/u.exec(q);
  if (
    how ||
    /\b(?:steps|instructions|guide|tutorial|walkthrough) (?:to|for|on)\b/u.test(q) ||
    /^what (?:are )?the steps\b/u.test(q)
  ) {
    return { type: 'steps', setup: SETUP_VERBS_RE.test(how?.[1] ?? '') };
  }
  if (AUX_RE.test(q)) return { type: 'yesno' };
  if (/^(?:what(?:'s| is| are| was| were)|define|what does [^?]* mean|meaning of)\b/u.test(q))
    return { type: 'definition' };
  return { type: 'other' };
}

/** The decline reason for a shape whose answer the passages lack. */
export function unsaidReason(shape: QuestionShape): string {
  switch (shape.type) {
    case 'amount':
      return "The articles don't say what it costs.";
    case 'date':
      return shape.past ? "The articles don't say when it happened." : "The articles don't say when.";
    case 'count':
      return shape.measure === 'much'
        ? "The articles don't say how much."
        : shape.measure === 'size'
          ? "The articles don't give that figure."
          : "The articles don't say how many.";
    case 'person':
      return "The articles don't say who.";
    case 'place':
      return "The articles don't say where.";
    case 'steps':
      return shape.setup ? "The articles don't say how to set it up." : "The articles don't give the steps.";
    default:
      return "The articles don't say.";
  }
}

/** A passage as the check reads it: its text, its section heading and its list lead-in. */
export interface PassageText {
  text: string;
  section?: string;
  context?: string;
}

const MONTHS =
  'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';
const NUMBER_WORDS =
  'two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|quarter|twice|double|triple';
const UNITS = 'years?|months?|weeks?|days?|decades?|centuries|century|hours?|minutes?';

/** A year, a month with a day or year, a decade, a century, "N years ago", "last year", "in recent years". */
const DATE_RE = new RegExp(
  [
    `\\b(?:1[5-9]\\d\\d|20\\d\\d)s?\\b`,
    `\\b(?:${MONTHS})\\.? \\d{1,2}\\b`,
    `\\b\\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:${MONTHS})\\b`,
    `\\b(?:${MONTHS}) (?:of )?(?:1[5-9]|20)\\d\\d\\b`,
    `\\b\\d{4}-\\d{2}-\\d{2}\\b`,
    `\\b\\d{1,2}(?:st|nd|rd|th) century\\b`,
    `\\b(?:\\d+|${NUMBER_WORDS}|a|an|a few|several) (?:${UNITS}) (?:ago|earlier|later|before|after)\\b`,
    `\\b(?:last|this|next|past|previous) (?:year|month|week|decade|century|spring|summer|autumn|fall|winter)\\b`,
    `\\b(?:in|over|during) (?:the )?(?:recent|past|last|coming) (?:${UNITS})\\b`,
    `\\b(?:yesterday|tomorrow)\\b`,
    // Seasons, parts of the day, weekdays and recurrences: "in late summer", "every week", "at dawn".
    `\\b(?:in|during|by|until|through|before|after|every|each|late|early|mid-?)\\s+(?:the\\s+)?(?:late\\s+|early\\s+|mid-?)?(?:spring|summer|autumn|fall|winter)\\b`,
    `\\b(?:in the|every|each|at) (?:morning|afternoon|evening|night|dawn|dusk|weekend)\\b|\\bat (?:night|dawn|dusk|noon|midnight)\\b`,
    `\\b(?:on |every |each )?(?:mon|tues|wednes|thurs|fri|satur|sun)days?\\b`,
    `\\b(?:every|each|once an?|twice an?|once per|twice per) (?:\\w+ )?(?:day|week|month|year|decade|season)s?\\b`,
  ].join('|'),
  'iu',
);
/** A time or condition that answers "when do/does/can…": a date, or a clause of time. */
const WHEN_CLAUSE_RE =
  /\b(?:when|whenever|until|till|once|after|before|during|while|as soon as|by the time|in an era|nowadays|currently|today|now|at first|early|later|since)\b/iu;
/** A number that counts something: digits not glued to letters (GPT-2, 5G), number words, percentages. */
const COUNT_RE = new RegExp(
  `(?<![\\p{L}\\d][-‐‑.]?|[-‐‑])\\d[\\d,.]*(?![\\p{L}\\d]|[-‐‑]\\p{L})|\\b(?:${NUMBER_WORDS})\\b|%|\\bper ?cent\\b`,
  'iu',
);
/** A price: a currency amount, a number of dollars/euros/…, an "N-dollar" figure, or "free of charge". */
const AMOUNT_RE = new RegExp(
  [
    `[$€£¥₹]\\s?\\d`,
    `\\d[\\d,.]*\\s?(?:k|m|bn|million|billion|thousand)?\\s?(?:usd|eur|gbp|dollars?|euros?|pounds?|cents?|pence|yen|rupees?)\\b`,
    `\\b(?:${NUMBER_WORDS}|a|one)(?: of)? (?:usd|dollars?|euros?|pounds?)\\b`,
    `\\b(?:${NUMBER_WORDS}|\\d[\\d,.]*)[-‐‑ ](?:dollar|euro|pound)\\b`,
    `\\bfree of charge\\b|\\bfor free\\b|\\bat no (?:extra |additional )?cost\\b|\\bcosts? nothing\\b|\\bno charge\\b|\\bfree to use\\b|\\bfree access\\b|\\bfree or affordable\\b|\\bper (?:month|year|hour|user|seat|token|request)\\b`,
  ].join('|'),
  'iu',
);
/** Nouns for people and groups, by their endings or as common words, for "who" questions. */
const PEOPLE_RE =
  /\b(?:people|persons?|individuals?|everyone|anyone|communit(?:y|ies)|teams?|groups?|volunteers?|compan(?:y|ies)|organi[sz]ations?|firms?|institutions?|governments?|universit(?:y|ies)|[a-z]{3,}(?:ers|ors|ists|ians|ants|ents))\b/iu;
/**
 * Place nouns and phrases, for "where" questions (virtual places count: "on a hub"), and any
 * phrase of location ("in a sunny spot", "near the door"), which answers "where should I put…".
 */
const PLACE_RE =
  /\b(?:countr(?:y|ies)|cit(?:y|ies)|regions?|continents?|nations?|worldwide|around the world|across the globe|online|on the web|websites?|sites?|platforms?|hubs?|repositor(?:y|ies)|servers?|portals?|stores?|marketplaces?|headquarter(?:s|ed)|based in|located)\b|\b(?:in|on|at|near|beside|inside|outside|under|behind|above|below|next to|close to|away from|sheltered from|facing)\s+(?:an?|the|your|its|their|some|any)\s+\p{L}{3,}/iu;
/** Sequence words of instructions. */
const SEQUENCE_RE =
  /\b(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|then|next|after that|afterwards|finally|lastly|step \d+)\b/giu;
/** Commands and code: "npm install x", "pip install", a shell prompt, inline code. */
const COMMAND_RE =
  /(?:^|\s)(?:\$ |`[^`]+`|(?:npm|pip|pipx|conda|apt|apt-get|brew|git|docker|cargo|yarn|pnpm) [a-z])/iu;
/** An imperative sentence: it opens on a bare verb followed by an object ("Install the package", "Run it"). */
const IMPERATIVE_RE =
  /^[“"'(]?([A-Z][a-z]+)(?: [a-z]+)? (?:the|a|an|your|this|these|that|those|it|them|our|all|each|every|any|some)\b/u;

/** The words of the question, normalised, so evidence that only repeats the question does not count. */
function questionWords(question: string): Set<string> {
  const out = new Set<string>();
  for (const t of tokenize(question)) {
    const w = normalizeWord(t.text).replace(/'s$/u, '');
    out.add(w);
    for (const p of w.split(/['&.·\-‐‑]+/u)) if (p) out.add(p);
  }
  return out;
}

/** Sentences of a text: split after . ! ? … and at line breaks. */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?…])\s+|\n+/u).filter((s) => s.trim());
}

/**
 * Capitalised words that are names: not a sentence's first word (unless `initial`), not a
 * stop word, not a word of the question. "Andrej Karpathy", "DeepMind", "IBM", "nanoGPT".
 */
function names(sentence: string, asked: ReadonlySet<string>, initial: boolean): string[] {
  const out: string[] = [];
  let first = true;
  for (const t of tokenize(sentence)) {
    const before = sentence.slice(0, t.start);
    const opens = first || /[:;—–•]\s*$/u.test(before);
    first = false;
    if (!/\p{Lu}/u.test(t.text)) continue;
    if (opens && !initial) continue;
    const w = normalizeWord(t.text).replace(/'s$/u, '');
    if (asked.has(w) || isStopWord(w) || w === 'i') continue;
    out.push(t.text);
  }
  return out;
}

function hasName(texts: readonly string[], asked: ReadonlySet<string>): boolean {
  return texts.some((t) => sentences(t).some((s) => names(s, asked, false).length > 0));
}

/** "by Stability AI", "backed by Meta": a name after "by"; "Google’s TensorFlow": a name owning a word of the question. */
function agentNamed(texts: readonly string[], asked: ReadonlySet<string>, verb: string): boolean {
  const stem = verb ? (termsOfToken(verb)[0] ?? verb) : '';
  for (const text of texts) {
    for (const s of sentences(text)) {
      const by = /\bby (?:the )?([\p{Lu}][\p{L}\p{N}’'·.-]*)/gu;
      for (let m = by.exec(s); m; m = by.exec(s)) {
        const w = normalizeWord(m[1] ?? '').replace(/'s$/u, '');
        if (!asked.has(w) && !isStopWord(w)) return true;
      }
      const owns = /([\p{Lu}][\p{L}\p{N}·.-]*)[’']s ([\p{L}\p{N}-]+)/gu;
      for (let m = owns.exec(s); m; m = owns.exec(s)) {
        const owner = normalizeWord(m[1] ?? '');
        const owned = normalizeWord(m[2] ?? '');
        if (!asked.has(owner) && !isStopWord(owner) && asked.has(owned)) return true;
      }
      // The question's own verb in a sentence that names someone: "Meta … released the LLaMA series".
      if (
        stem &&
        tokenize(s).some((t) => termsOfToken(t.text).includes(stem)) &&
        names(s, asked, true).length
      )
        return true;
    }
  }
  return false;
}

function hasSteps(p: PassageText): boolean {
  const all = sentences(p.text);
  const imperative = all.filter((s) => {
    const m = IMPERATIVE_RE.exec(s.trim());
    const w = m?.[1]?.toLowerCase() ?? '';
    return m !== null && !isStopWord(w) && !/(?:s|ed|ing|ly)$/u.test(w);
  }).length;
  const sequence = (p.text.match(SEQUENCE_RE) ?? []).length;
  const numbered = (p.text.match(/(?:^|\s)\d+[.)] \S/gu) ?? []).length;
  const listOfSteps =
    p.context !== undefined &&
    /\b(?:steps?|instructions|how to|follow(?:ing)?)\b/iu.test(p.context) &&
    imperative > 0;
  return COMMAND_RE.test(p.text) || imperative >= 2 || numbered >= 2 || sequence >= 2 || listOfSteps;
}

/** Whether one passage holds something of the type the question wants. */
export function passageHolds(shape: QuestionShape, passage: PassageText, question: string): boolean {
  const asked = questionWords(question);
  const texts = [passage.text, ...(passage.context ? [passage.context] : [])];
  /** A match of `re` in the passage that is not one of the question's own words. */
  const found = (re: RegExp): boolean =>
    texts.some((t) => {
      const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
      for (let m = g.exec(t); m; m = g.exec(t)) {
        const w = normalizeWord(m[0].trim());
        if (!asked.has(w)) return true;
        if (m[0].length === 0) g.lastIndex++;
      }
      return false;
    });
  switch (shape.type) {
    case 'amount':
      return found(AMOUNT_RE);
    case 'date':
      return found(DATE_RE) || (!shape.past && found(WHEN_CLAUSE_RE));
    case 'count':
      return found(COUNT_RE);
    case 'person':
      if (shape.origin) return agentNamed([...texts, passage.section ?? ''], asked, shape.verb ?? '');
      return hasName(texts, asked) || found(PEOPLE_RE) || agentNamed([passage.section ?? ''], asked, '');
    case 'place':
      return hasName(texts, asked) || found(PLACE_RE);
    case 'steps':
      return hasSteps(passage);
    default:
      return true;
  }
}

/** The check's verdict: the type, and the reason when none of the passages holds an answer of it. */
export interface AnswerTypeCheck {
  shape: QuestionShape;
  /** Set when the passages mention the subject but hold no answer of the type. */
  reason?: string;
}

/** Checks the best passages against the answer type of the question. */
export function checkAnswerType(question: string, passages: readonly PassageText[]): AnswerTypeCheck {
  const shape = questionShape(question);
  if (passages.length === 0 || passages.some((p) => passageHolds(shape, p, question))) return { shape };
  return { shape, reason: unsaidReason(shape) };
}

/**
 * The subject the passages mention: the names among the question's words they matched
 * (runs of capitalised words: "nanoGPT", "Hugging Face", "Stability AI"), else the matched
 * words as phrases in the question's order; at most three, possessives dropped.
 */
export function mentionedSubject(question: string, matchedTerms: Iterable<string>): string {
  const matched = new Set(matchedTerms);
  const phrases: string[][] = [];
  const names: string[][] = [];
  let phrase: string[] = [];
  let name: string[] = [];
  const flush = () => {
    if (phrase.length) phrases.push(phrase);
    if (name.length) names.push(name);
    phrase = [];
    name = [];
  };
  for (const t of tokenize(question)) {
    const word = t.text.replace(/['’]s$/u, '');
    if (!termsOfToken(t.text).some((term) => matched.has(term))) {
      flush();
      continue;
    }
    phrase.push(word);
    if (/\p{Lu}|\d/u.test(word)) name.push(word);
    else if (name.length) {
      names.push(name);
      name = [];
    }
  }
  flush();
  const chosen = (names.length ? names : phrases).slice(0, 3).map((p) => p.join(' '));
  return chosen.length <= 1 ? (chosen[0] ?? '') : `${chosen.slice(0, -1).join(', ')} and ${chosen.at(-1)}`;
}

/** The question's words that only say what kind of answer it wants ("cost", "founded", "install"), normalised. */
export function typeWords(question: string): Set<string> {
  const shape = questionShape(question);
  const re =
    shape.type === 'amount'
      ? /^(?:cost|costs|costing|price|prices|priced|pricing|fee|fees|charge|charges|pay|paid|spend|worth|expensive|cheap|pricey|costly|subscription)$/u
      : shape.type === 'date'
        ? /^(?:year|years|date|month|day|decade|century|ago|since)$/u
        : shape.type === 'steps'
          ? /^(?:install|set|setup|configure|steps|instructions|guide|tutorial|walkthrough)$/u
          : undefined;
  const out = new Set<string>();
  for (const t of tokenize(question)) {
    const w = normalizeWord(t.text);
    if (re?.test(w) || (shape.origin && shape.verb === w)) out.add(w);
  }
  return out;
}

/**
 * The hook for answerQuestion: given the passages about to be shown, the decline fields when
 * none of them holds an answer of the question's type, else undefined.
 */
export function answerTypeDecline(
  question: string,
  shown: readonly AnswerPassage[],
): { declineReason: string; related: AnswerPassage[]; subject: string } | undefined {
  const check = checkAnswerType(
    question,
    shown.map((p) => ({
      text: p.passage.text,
      section: p.passage.origin.section,
      ...(p.passage.context !== undefined ? { context: p.passage.context } : {}),
    })),
  );
  if (check.reason === undefined) return undefined;
  // Related passages are those that match a word of the subject, not only "cost" or "founded".
  const asks = typeWords(question);
  const subjectTerms = new Set(
    tokenize(question)
      .filter((t) => !asks.has(normalizeWord(t.text)))
      .flatMap((t) => termsOfToken(t.text)),
  );
  const about = shown.filter((p) => p.matchedTerms.some((t) => subjectTerms.has(t)));
  const related = about.length ? about : [...shown];
  return {
    declineReason: check.reason,
    related,
    subject: mentionedSubject(
      question,
      related.flatMap((p) => p.matchedTerms),
    ),
  };
}
