/**
 * A question's answer type, read from its shape (see answer-type.ts): amount, date, count,
 * person, place, licence, steps, yes/no, definition or other, with what refines the check; the decline
 * reason for each type; and the question's words that only name the type.
 */
import { normalizeWord, tokenize } from './text.js';

/** The kinds of answer a question can want. */
export type AnswerType =
  'amount' | 'date' | 'count' | 'person' | 'place' | 'licence' | 'steps' | 'yesno' | 'definition' | 'other';

/** The answer type of a question, with what refines the check and the reason. */
export interface QuestionShape {
  type: AnswerType;
  /** date: a past event ("when did…", "what year…"), which needs a date, not a condition. */
  past?: boolean;
  /** date: a calendar unit is asked for ("what year", "on what date"), which a vague period ("in recent years") does not give. */
  calendar?: boolean;
  /** person: who founded/created/wrote… something, which needs a name said to have done it. */
  origin?: boolean;
  /** count: "how much" (not money) or a measurement ("how long", "how tall"). */
  measure?: 'much' | 'size';
  /** steps: setting something up (install, configure, run…). */
  setup?: boolean;
  /** The question's own verb after "who" (origin questions), normalised. */
  verb?: string;
  /** place: where something is based or someone lives, works or comes from, which needs a named place. */
  located?: boolean;
  /** count: the words of what "how many" counts ("how many African languages…" → african, languages), normalised. */
  counted?: readonly string[];
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
/**
 * "where is X based", "where is X from", "where does X work": the location of an organisation or a
 * person. Not "where does X come from", which may ask for a source ("the data comes from…").
 */
const LOCATED_RE =
  /^where (?:(?:is|are|was|were) [^?]*\b(?:based|headquartered|located|situated|from)|(?:does|do|did) [^?]*\b(?:live|lives|lived|work|works|worked|operate|operates|reside|resides))\b/u;
const SETUP_VERBS_RE =
  /^(?:install|set ?up|setup|configure|deploy|run|host|download|get started|start|launch|use|build|compile|upgrade|update|enable|connect|add|integrate)\b/u;

/** A question asking which licence something is under (not "what licensing issues…", which asks about issues). */
const LICENCE_RE =
  /\b(?:what|which)(?: kind of| type of| sort of)? licen[cs]es?\b|\b(?:what|which)(?:'s| is| are| was| were)(?: the| its| their)? licen[cs]es?\b|\bunder (?:what|which)(?: kind of)? licen[cs]e|\b(?:licen[cs]ed|released|published|distributed) under what\b|^(?:what|which)(?:'s| is| are| was| were) [^?]*\blicen[cs]ed under\b/u;

/** Words that end what "how many" counts: verbs and auxiliaries, prepositions, pronouns. */
const COUNTED_END_RE =
  /^(?:is|are|was|were|be|been|do|does|did|have|has|had|can|could|will|would|should|may|might|must|there|of|in|on|at|for|from|to|with|by|per|that|which|who|i|we|you|they|it|he|she)$/u;
/** Nouns that count anything (a number of them answers whatever they stand for). */
const GENERIC_COUNTED_RE = /^(?:people|ppl|persons?|folks|ones|things|times|of|them|users?)$/u;

/**
 * The words after "how many" that say what is counted: up to three, before a verb, a preposition
 * or a pronoun ("African languages does…" → "african", "languages"); none when one of them counts
 * anything ("people", "times"), or when nothing comes before such a word.
 */
function countedWords(words: string): string[] | undefined {
  const list = words.trim().split(' ').filter(Boolean);
  const end = list.findIndex((w) => COUNTED_END_RE.test(w));
  const phrase = list.slice(0, Math.min(3, end < 0 ? list.length : end));
  if (phrase.length === 0 || phrase.some((w) => GENERIC_COUNTED_RE.test(w))) return undefined;
  return phrase;
}

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
  // Licences: "what licence is X under", "which license does X use", "what is the license of X".
  if (LICENCE_RE.test(q)) return { type: 'licence' };
  // Time: "when …", "what year …", "how long ago …", "since when …".
  if (/^when\b/u.test(q)) return { type: 'date', past: /^when (?:did|was|were|had)\b/u.test(q) };
  if (/\b(?:what|which|in what|in which|on what|on which) (?:year|date|month|day|decade|century)\b/u.test(q))
    return { type: 'date', past: true, calendar: true };
  if (/\b(?:what|which|in what|in which) (?:years|time of year)\b|\bhow long ago\b|\bsince when\b/u.test(q))
    return { type: 'date', past: true };
  // Counts and measures.
  const many = /\bhow many\b(?: ((?:[a-z][a-z'-]* ?){1,4}))?/u.exec(q);
  if (many) {
    const counted = many[1] ? countedWords(many[1]) : undefined;
    return { type: 'count', ...(counted ? { counted } : {}) };
  }
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
  // Places: where something is (any place phrase answers), or where it is based, which needs a name.
  if (
    /^(?:in |from )?(?:which|what) (?:country|countries|city|cities|state|region|continent|town)\b/u.test(q)
  )
    return { type: 'place', located: true };
  if (/^where\b/u.test(q) || /^(?:in |from )?(?:which|what) place\b/u.test(q))
    return { type: 'place', ...(LOCATED_RE.test(q) ? { located: true } : {}) };
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
    case 'licence':
      return "The articles don't say which licence it is under.";
    case 'steps':
      return shape.setup ? "The articles don't say how to set it up." : "The articles don't give the steps.";
    default:
      return "The articles don't say.";
  }
}

/** The question's words that only say what kind of answer it wants ("cost", "founded", "install"), normalised. */
export function typeWords(question: string): Set<string> {
  const shape = questionShape(question);
  const re =
    shape.type === 'amount'
      ? /^(?:cost|costs|costing|price|prices|priced|pricing|fee|fees|charge|charges|pay|paid|spend|worth|expensive|cheap|pricey|costly|subscription)$/u
      : shape.type === 'date'
        ? /^(?:year|years|date|month|day|decade|century|ago|since)$/u
        : shape.type === 'licence'
          ? /^(?:licen[cs]es?|licen[cs]ed|licen[cs]ing)$/u
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
