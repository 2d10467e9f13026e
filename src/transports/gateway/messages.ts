/**
 * Plain DMs and messages that mention the bot: the same answer path as /ask (cooldown, queue, deadline,
 * the default number of results), replied to in the channel through REST, pinging nobody.
 */
import type { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import type { Message } from 'discord.js';
import { renderNote } from '../../discord/render.js';
import { guard } from '../../interactions/guard.js';
import { channelReply, type ReplyTarget } from '../../interactions/reply.js';
import { answer, cutQuestion } from '../../interactions/routes/ask.js';
import type { Runtime } from '../../interactions/runtime.js';

/** The question a message asks the bot (`botId`), or undefined when it is not meant for it. */
function questionOf(m: Message, botId: string): string | undefined {
  if (!m.inGuild()) return m.content;
  if (m.mentions.users.has(botId) && !m.mentions.everyone) {
    return m.content.replace(new RegExp(`<@!?${botId}>`, 'gu'), ' ');
  }
  return undefined;
}

/** Answers a message meant for the bot; ignores every other one. */
export async function onMessage(rt: Runtime, rest: REST, m: Message): Promise<void> {
  const botId = m.client.user?.id;
  if (m.author.bot || m.system || !botId || rt.stopping) return;
  const asked = questionOf(m, botId);
  if (asked === undefined) return;
  const question = rt.redactor.text(asked).trim();
  const to: ReplyTarget = {
    kind: 'message',
    id: m.id,
    userId: m.author.id,
    receivedAt: Date.now(),
    quietCooldown: true,
    async send(p) {
      await rest.post(Routes.channelMessages(m.channelId), { body: channelReply(p, m.id) });
    },
  };
  await guard(rt, to, async () => {
    if (!question) {
      return to.send(renderNote('Ask me a question about the articles, for example "What is nanoGPT?".'));
    }
    // An answer to a mention in a server is public: it carries 🗑 Delete; a DM's does not.
    return answer(rt, to, {
      question: cutQuestion(question),
      isPrivate: false,
      canPost: false,
      deletable: m.inGuild(),
    });
  });
}
