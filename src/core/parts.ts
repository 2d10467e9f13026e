/**
 * Neutral rendering helpers: split a quote into plain and highlighted parts, and
 * write an origin as a label. Renderers (terminal, JSON, Discord) build on these.
 */
import type { Origin, Span } from './types.js';

/** A piece of text, highlighted or not. */
export interface TextPart {
  text: string;
  mark: boolean;
}

/** Splits text into plain and highlighted parts. Spans may be unsorted or overlap. */
export function toParts(text: string, spans: readonly Span[]): TextPart[] {
  const sorted = [...spans]
    .filter(([s, e]) => e > s && s >= 0 && e <= text.length)
    .sort((a, b) => a[0] - b[0]);
  const parts: TextPart[] = [];
  let pos = 0;
  for (const [s, e] of sorted) {
    if (e <= pos) continue;
    const start = Math.max(s, pos);
    if (start > pos) parts.push({ text: text.slice(pos, start), mark: false });
    const last = parts[parts.length - 1];
    // Join neighbouring highlights separated only by a space ("open source").
    if (last?.mark && start === pos) last.text += text.slice(start, e);
    else parts.push({ text: text.slice(start, e), mark: true });
    pos = e;
  }
  if (pos < text.length) parts.push({ text: text.slice(pos), mark: false });
  return parts;
}

/** "Section › Sub, ¶2" (or "¶2" before the first heading). */
export function sectionLabel(origin: Origin): string {
  return origin.section ? `${origin.section}, ¶${origin.paragraph}` : `¶${origin.paragraph}`;
}

/** "Title — Section › Sub, ¶2". */
export function originLabel(origin: Origin): string {
  return `${origin.title} — ${sectionLabel(origin)}`;
}
