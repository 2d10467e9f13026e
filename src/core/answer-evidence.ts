/**
 * Whether a passage holds an answer of the type a question wants (see answer-type.ts): a
 * currency amount or cost figure, a date or year, a number, a name, a place, instructions.
 * Pure rules of English text shape, no word of any article.
 */
import type { QuestionShape } from './question-shape.js';
import { isStopWord, normalizeWord, termsOfToken, tokenize } from './text.js';

/** A passage as the check reads it: its text, its section heading and its list lead-in. */
export interface PassageText {
  text: string;
  section?: string;
  context?: string;
}

/** Month names and their abbreviations, as a regular-expression alternation. */
const MONTHS =
  'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';
/** Number words that count something, as an alternation. */
const NUMBER_WORDS =
  'two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|quarter|twice|double|triple';
/** Units of time, as an alternation. */
const UNITS = 'years?|months?|weeks?|days?|decades?|centuries|century|hours?|minutes?';

/** A calendar date: a year or decade, a month with a day or year, a century, "N years ago", "last year". */
const CALENDAR_RE = new RegExp(
  [
    `\\b(?:1[5-9]\\d\\d|20\\d\\d)s?\\b`,
    `\\b(?:${MONTHS})\\.? \\d{1,2}\\b`,
    `\\b\\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:${MONTHS})\\b`,
    `\\b(?:${MONTHS}) (?:of )?(?:1[5-9]|20)\\d\\d\\b`,
    `\\b\\d{4}-\\d{2}-\\d{2}\\b`,
    `\\b\\d{1,2}(?:st|nd|rd|th) century\\b`,
    `\\b(?:\\d+|${NUMBER_WORDS}|a|an|a few|several) (?:${UNITS}) (?:ago|earlier|later|before|after)\\b`,
    `\\b(?:last|this|next|past|previous) (?:year|month|week|decade|century|spring|summer|autumn|fall|winter)\\b`,
  ].join('|'),
  'iu',
);
/** Any date: a calendar date, or a period ("in recent years"), a season, a part of the day, a weekday, a recurrence. */
const DATE_RE = new RegExp(
  [
    CALENDAR_RE.source,
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
/** "based in", "headquartered in": a location said outright. */
const BASED_RE =
  /\b(?:based|headquartered|located|situated) (?:in|at|out of)\b|\bheadquarters (?:is|are) in\b/iu;
/** A name after a preposition of place: "across Africa", "in Paris", "from the United States". */
const NAMED_PLACE_RE =
  /(?:^|[^\p{L}])(?:[Ii]n|[Aa]t|[Ff]rom|[Aa]cross|[Tt]hroughout|[Nn]ear|[Ww]ithin|[Oo]ut of) (?:the )?(\p{Lu}[\p{L}’'.-]*)/gu;

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

/** Whether a word (possessive dropped) is neither a word of the question nor a stop word. */
function newWord(word: string, asked: ReadonlySet<string>): boolean {
  const w = normalizeWord(word).replace(/'s$/u, '');
  return !asked.has(w) && !isStopWord(w);
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
    if (!newWord(t.text, asked) || normalizeWord(t.text) === 'i') continue;
    out.push(t.text);
  }
  return out;
}

/** Whether any sentence of the texts names someone or something (see `names`). */
function hasName(texts: readonly string[], asked: ReadonlySet<string>): boolean {
  return texts.some((t) => sentences(t).some((s) => names(s, asked, false).length > 0));
}

/** Words a number may stand apart from what it counts by: "two machine learning frameworks", "thousands of innovators". */
const COUNT_GAP = 3;

/**
 * Whether a number counts what the question counts: a match of COUNT_RE followed, within COUNT_GAP
 * words, by a word with the stem of one of `counted` ("40,000 users", "thousands of innovators").
 * A number of something else ("millions of dollars" for "how many contributors") does not answer.
 */
function countOf(texts: readonly string[], counted: readonly string[]): boolean {
  const stems = new Set(counted.filter((w) => !isStopWord(w)).flatMap((w) => termsOfToken(w)));
  for (const text of texts) {
    const g = new RegExp(COUNT_RE.source, 'giu');
    for (let m = g.exec(text); m; m = g.exec(text)) {
      const after = tokenize(text.slice(m.index + m[0].length)).slice(0, COUNT_GAP + 1);
      if (after.some((t) => termsOfToken(t.text).some((term) => stems.has(term)))) return true;
      if (m[0].length === 0) g.lastIndex++;
    }
  }
  return false;
}

/** "licensed under Apache", "released under the MIT": a name after a licence's "under". */
const UNDER_RE =
  /\b(?:licen[cs]ed|released|published|distributed|available|offered) under (?:the |an? )?([\p{Lu}][\p{L}\p{N}.+-]*)/gu;

/**
 * Whether a licence is named: a name (see `names`) within the two words before "licence" or
 * "license" ("the MIT License", "a CreativeML OpenRAIL-M license", "GPL-licensed"), or after
 * "licensed under". "Open-source licenses" at a sentence's start names none.
 */
function namesLicence(texts: readonly string[], asked: ReadonlySet<string>): boolean {
  for (const text of texts) {
    for (const s of sentences(text)) {
      for (const m of s.matchAll(UNDER_RE)) {
        if (newWord(m[1] ?? '', asked)) return true;
      }
      const tokens = tokenize(s);
      const named = new Set(names(s, asked, false));
      for (let i = 0; i < tokens.length; i++) {
        const word = (tokens[i] as (typeof tokens)[number]).text;
        if (/^licen[cs]e[sd]?$/iu.test(word)) {
          if (tokens.slice(Math.max(0, i - 2), i).some((b) => named.has(b.text))) return true;
        } else if (i > 0 && /^\p{Lu}[\p{L}\p{N}.+]*-licen[cs]ed$/u.test(word)) {
          const owner = normalizeWord(word.replace(/-licen[cs]ed$/iu, ''));
          if (!asked.has(owner)) return true;
        }
      }
    }
  }
  return false;
}

/** Whether a name not of the question follows a preposition of place (see NAMED_PLACE_RE). */
function namedPlace(texts: readonly string[], asked: ReadonlySet<string>): boolean {
  for (const text of texts) {
    for (const m of text.matchAll(NAMED_PLACE_RE)) {
      if (newWord(m[1] ?? '', asked)) return true;
    }
  }
  return false;
}

/** "by Stability AI", "backed by Meta": a name after "by"; "Google’s TensorFlow": a name owning a word of the question. */
function agentNamed(texts: readonly string[], asked: ReadonlySet<string>, verb: string): boolean {
  const stem = verb ? (termsOfToken(verb)[0] ?? verb) : '';
  for (const text of texts) {
    for (const s of sentences(text)) {
      const by = /\bby (?:the )?([\p{Lu}][\p{L}\p{N}’'·.-]*)/gu;
      for (let m = by.exec(s); m; m = by.exec(s)) {
        if (newWord(m[1] ?? '', asked)) return true;
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

/** Instructions: a command, two imperative sentences, two numbered steps or sequence words, or steps under a lead-in. */
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
      if (shape.calendar) return found(CALENDAR_RE);
      return found(DATE_RE) || (!shape.past && found(WHEN_CLAUSE_RE));
    case 'count':
      return shape.counted ? countOf(texts, shape.counted) : found(COUNT_RE);
    case 'person':
      if (shape.origin) return agentNamed([...texts, passage.section ?? ''], asked, shape.verb ?? '');
      return hasName(texts, asked) || found(PEOPLE_RE) || agentNamed([passage.section ?? ''], asked, '');
    case 'place':
      if (shape.located) return namedPlace(texts, asked) || found(BASED_RE);
      return hasName(texts, asked) || found(PLACE_RE);
    case 'licence':
      return namesLicence(texts, asked);
    case 'steps':
      return hasSteps(passage);
    default:
      return true;
  }
}
