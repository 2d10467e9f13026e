/**
 * The real feedback service (src/learning/feedback.ts) on a real SQLite store in a temporary folder,
 * added to a running handler's services; and the payloads and readers the feedback tests share.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ComponentType } from 'discord-api-types/v10';
import type { Services } from '../../src/commands/commands.js';
import type { CorpusIndex } from '../../src/core/corpus-index.js';
import type { Passage } from '../../src/core/types.js';
import { normaliseText } from '../../src/learning/anchor.js';
import { Feedback } from '../../src/learning/feedback.js';
import { Learning } from '../../src/learning/learning.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/corpus-types.js';
import { button, type ButtonOptions, type Json } from '../harness/index.js';

export interface WithFeedback {
  feedback: Feedback;
  store: Store;
  learning: Learning;
  /** Closes the store and removes its folder. */
  close(): Promise<void>;
}

/**
 * Gives `services` the real feedback service on a new SQLite store (in a temporary folder), and the
 * learning it teaches (answers read it: terms only, as without a semantic model). With `keptDir`
 * the store is opened there and the folder is kept on close (a restart opens it again).
 */
export async function addFeedback(services: Services, keptDir?: string): Promise<WithFeedback> {
  const dataDir = keptDir ?? (await mkdtemp(path.join(tmpdir(), 'citebot-feedback-')));
  const store = await openStore({ dataDir });
  const learning = new Learning();
  const feedback = new Feedback({
    store,
    learning,
    library: services.library,
    log: services.log,
    retentionDays: 30,
  });
  await feedback.refresh();
  services.feedback = feedback;
  services.learning = learning;
  return {
    feedback,
    store,
    learning,
    async close() {
      delete services.feedback;
      delete services.learning;
      await store.close();
      if (keptDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

type Component = {
  type: number;
  custom_id?: string;
  label?: string;
  emoji?: { name?: string };
  options?: { label: string; value: string; description?: string }[];
};

/** The components of a message body or an interaction response, row by row. */
export function rowsOf(body: Json): Component[][] {
  const rows = (body?.data?.components ?? body?.components ?? []) as { components: Component[] }[];
  return rows.map((r) => r.components);
}

/** The custom_id of the button showing `emoji` (👍, 👎, ◀️, ▶️). */
export function emojiId(body: Json, emoji: string): string {
  const found = rowsOf(body)
    .flat()
    .find((c) => c.emoji?.name === emoji);
  if (!found?.custom_id) throw new Error(`no ${emoji} button`);
  return found.custom_id;
}

/** The (first) select menu of a body. */
export function selectOf(
  body: Json,
): Component & { custom_id: string; options: NonNullable<Component['options']> } {
  const found = rowsOf(body)
    .flat()
    .find((c) => c.type === ComponentType.StringSelect);
  if (!found?.custom_id || !found.options) throw new Error('no select menu');
  return found as Component & { custom_id: string; options: NonNullable<Component['options']> };
}

/** An INTERACTION_CREATE `d` for a choice in a string select menu (type 3, component_type 3). */
export function selectChoice(opts: ButtonOptions & { values: string[] }): Json {
  const { values, ...rest } = opts;
  const raw = button(rest) as Json;
  raw.data = { custom_id: opts.customId, component_type: ComponentType.StringSelect, values };
  return raw;
}

/**
 * A question of the pair set (test/eval/teach.jsonl #2), a rewording that keeps its words (the fast
 * suite has no semantic model, so teaching matches by terms), and a piece of the passage that
 * answers both.
 */
export const TAUGHT = {
  question: 'can i double check the results an open model gives me myself',
  reworded: 'could i double check myself the results open models give me',
  answering:
    'Open-source models allow anyone to inspect the code, understand the algorithms, and verify results',
} as const;

/** The passage holding TAUGHT.answering. */
export function answeringPassage(index: CorpusIndex): Passage {
  const p = index.passages.find((x) => normaliseText(x.text).includes(TAUGHT.answering));
  if (!p) throw new Error('the answering passage is not in the corpus');
  return p;
}

/** The pick menu's option for a passage (an option shows its passage's first words), or an error listing the menu. */
export function optionFor(
  menu: { options: NonNullable<Component['options']> },
  passage: Passage,
): NonNullable<Component['options']>[number] {
  const text = normaliseText(passage.text);
  const option = menu.options.find((o) => o.description && text.startsWith(o.description.replace(/…$/u, '')));
  if (!option) {
    throw new Error(`the passage is not on the menu: ${menu.options.map((o) => o.label).join('; ')}`);
  }
  return option;
}
