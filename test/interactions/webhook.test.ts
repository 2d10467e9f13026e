/**
 * The gateway Responder and the webhook calls over real @discordjs/rest against the fake Discord's REST
 * side (no gateway login): the routes, the exactly-once callback, 40060 as delivered, redaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/discord/redact.js';
import { createRest } from '../../src/interactions/rest.js';
import { AlreadyRespondedError } from '../../src/interactions/types.js';
import { createLogger } from '../../src/log.js';
import { gatewayResponder } from '../../src/transports/gateway/responder.js';
import { FAKE_TOKEN, FakeDiscord, slashCommand, user } from '../harness/index.js';

let server: FakeDiscord;
const logs: string[] = [];
const log = createLogger({ level: 'debug', write: (l) => logs.push(l) });
beforeAll(async () => {
  server = await FakeDiscord.start();
});
afterAll(async () => server.close());

function setup() {
  const rest = createRest({
    apiBase: server.apiBase,
    token: FAKE_TOKEN,
    redactor: new Redactor([FAKE_TOKEN]),
  });
  const d = slashCommand({ name: 'ask', options: { question: 'x' }, user: user() });
  server.dispatch('INTERACTION_CREATE', d);
  return { rest, d };
}

describe('the gateway Responder', () => {
  it('answers once through the callback route, then edits, follows up and deletes through the webhook', async () => {
    const { rest, d } = setup();
    const r = gatewayResponder(rest, d, log);
    expect(r.responded).toBe(false);
    await r.respond({ type: 5, data: { flags: 64 } });
    expect(r.responded).toBe(true);
    await expect(r.respond({ type: 4, data: { content: 'again' } })).rejects.toBeInstanceOf(
      AlreadyRespondedError,
    );
    await r.editOriginal({ content: `the token ${FAKE_TOKEN} is not sent`, allowed_mentions: { parse: [] } });
    await r.followUp({ content: 'more', allowed_mentions: { parse: [] } });
    await r.deleteOriginal();
    const seen = server
      .interactionRequests(d.id)
      .map((q) => `${q.method} ${q.route.replace(d.token, ':token')}`);
    expect(seen).toEqual([
      `POST /interactions/${d.id}/:token/callback`,
      `PATCH /webhooks/${d.application_id}/:token/messages/@original`,
      `POST /webhooks/${d.application_id}/:token`,
      `DELETE /webhooks/${d.application_id}/:token/messages/@original`,
    ]);
    const [, edit, follow] = server.interactionRequests(d.id);
    expect(edit?.body.content).not.toContain(FAKE_TOKEN);
    expect(edit?.body.content).toContain('redacted');
    expect(follow?.query.wait).toBe('true');
    for (const q of server.interactionRequests(d.id)) expect(q.headers.authorization).toBeUndefined();
  });

  it('counts "already acknowledged" (40060) as delivered: an earlier attempt went through', async () => {
    const { rest, d } = setup();
    await gatewayResponder(rest, d, log).respond({ type: 4, data: { content: 'first' } });
    const retry = gatewayResponder(rest, d, log);
    await retry.respond({ type: 4, data: { content: 'second' } });
    expect(retry.responded).toBe(true);
    expect(logs.some((l) => l.includes('already delivered by an earlier attempt') && l.includes(d.id))).toBe(
      true,
    );
    expect(server.callbacks(d.id).filter((c) => c.status === 204)).toHaveLength(1);
  });

  it('a callback that failed for sure leaves the interaction unanswered, so it can still be answered', async () => {
    const { rest, d } = setup();
    const r = gatewayResponder(rest, d, log);
    await expect(r.respond({ type: 4, data: { content: '' } })).rejects.toThrow(/empty message/);
    expect(r.responded).toBe(false);
    await r.respond({ type: 4, data: { content: 'now with text' } });
    expect(r.responded).toBe(true);
  });
});
