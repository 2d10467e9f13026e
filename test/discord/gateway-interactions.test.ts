import { afterEach, expect, it } from 'vitest';
import { messageCreate, slashCommand, user } from '../harness/index.js';
import { type Running, startBot } from './setup.js';

let run: Running | undefined;
afterEach(async () => {
  await run?.stop();
  run = undefined;
});

it('with GATEWAY_INTERACTIONS=off leaves interactions to the HTTP endpoint, and still answers mentions', async () => {
  run = await startBot({ GATEWAY_INTERACTIONS: 'off' });
  const author = user();
  const interaction = slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: author });
  expect(run.server.dispatch('INTERACTION_CREATE', interaction)).toBe(1);
  const d = messageCreate({ content: 'What is nanoGPT?', author: user(), mentionBot: true });
  run.server.dispatch('MESSAGE_CREATE', d);
  const reply = await run.server.waitForRequest(
    (r) => r.method === 'POST' && r.body?.message_reference?.message_id === d.id,
  );
  expect(reply.body.embeds[0].description).toContain('**nanoGPT**');
  // Dispatched before the message, yet neither answered nor acknowledged.
  await new Promise((r) => setTimeout(r, 200));
  expect(run.server.interactionRequests(interaction.id)).toEqual([]);
});
