/**
 * The one log line per interaction, through the real handler and logger: with LOG_FORMAT=json one JSON
 * line at info with the interaction's id, type, command, guild, latency and outcome; the same one line
 * in text; never the question's text or the interaction's token, at any level.
 */
import { describe, expect, it } from 'vitest';
import { button, slashCommand, user } from '../harness/index.js';
import { buttonId, makeHandler } from '../interactions/setup.js';

const QUESTION = 'open-source AI communities and their governance';

describe('the interaction log line', () => {
  it('is one JSON line at info per interaction, with its facts and never the question or the token', async () => {
    const h = await makeHandler({}, { json: true, level: 'info' });
    h.logs.length = 0;
    const asker = user();
    const ask = slashCommand({ name: 'ask', options: { question: QUESTION }, user: asker });
    const answered = await h.send(ask);
    const more = button({ customId: buttonId(answered.only(), 'More results'), user: asker });
    await h.send(more);
    const bad = slashCommand({ name: 'reindex', user: user() });
    await h.send(bad);
    const lines = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const interactions = lines.filter((l) => l.msg === 'interaction');
    expect(interactions).toHaveLength(3);
    for (const l of interactions) {
      expect(Object.keys(l).sort()).toEqual(
        ['time', 'level', 'msg', 'interaction', 'type', 'command', 'guild', 'latency_ms', 'outcome'].sort(),
      );
      expect(l.level).toBe('info');
      expect(l.latency_ms).toBeTypeOf('number');
    }
    expect(interactions[0]).toMatchObject({
      interaction: ask.id,
      type: 'command',
      command: 'ask',
      outcome: 'answered',
    });
    expect(interactions[0]?.guild).toBe(ask.guild_id ?? 'dm');
    expect(interactions[1]).toMatchObject({
      interaction: more.id,
      type: 'button',
      command: 'more',
      outcome: 'ok',
    });
    expect(interactions[2]).toMatchObject({ interaction: bad.id, command: 'reindex', outcome: 'refused' });
    const all = h.logs.join('\n');
    expect(all).not.toContain(QUESTION);
    for (const raw of [ask, more, bad]) expect(all).not.toContain(raw.token);
  });

  it('is the same one line in text, and even at debug carries no question or token', async () => {
    const h = await makeHandler({}, { level: 'debug' });
    h.logs.length = 0;
    const ask = slashCommand({ name: 'ask', options: { question: QUESTION }, user: user() });
    await h.send(ask);
    const lines = h.logs.filter((l) => / INFO {2}interaction /u.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `interaction="${ask.id}" type="command" command="ask" guild="[^"]+" latency_ms=\\d+ outcome="answered"$`,
        'u',
      ),
    );
    const all = h.logs.join('\n');
    expect(all).not.toContain(QUESTION);
    expect(all).not.toContain(ask.token);
  });
});
