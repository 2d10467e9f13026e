import { once } from 'node:events';
import {
  type APIApplicationCommand,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  Partials,
  REST,
  Routes,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  APPLICATION_ID,
  autocomplete,
  BOT_USER,
  button,
  DEFAULT_CHANNEL_ID,
  DEFAULT_GUILD_ID,
  DEFAULT_USER,
  FakeDiscord,
  type FakeDiscordOptions,
  messageContextMenu,
  messageCreate,
  slashCommand,
} from './harness/index.js';

let server: FakeDiscord;
let client: Client;
let handlerErrors: unknown[];

/** A tiny bot: just enough behaviour to prove the round trips through the real discord.js Client. */
async function onInteraction(interaction: Interaction): Promise<void> {
  if (interaction.isChatInputCommand()) {
    if (interaction.commandName === 'ping') {
      await interaction.reply({ content: 'pong', allowedMentions: { parse: [] } });
    } else if (interaction.commandName === 'slow') {
      await interaction.deferReply();
      await interaction.editReply({ content: `answer to ${interaction.options.getString('question')}` });
    } else if (interaction.commandName === 'file') {
      const files = [{ attachment: Buffer.from('quoted text'), name: 'answer.txt' }];
      await interaction.reply({ content: 'see file', files });
    } else if (interaction.commandName === 'fetched') {
      const response = await interaction.reply({ content: 'kept', withResponse: true });
      await interaction.followUp({ content: `reply id ${response.resource?.message?.id}` });
    }
  } else if (interaction.isButton()) {
    await interaction.update({ content: `clicked ${interaction.customId}`, components: [] });
  } else if (interaction.isAutocomplete()) {
    const typed = interaction.options.getFocused();
    await interaction.respond([{ name: `${typed}-suggestion`, value: `${typed}-suggestion` }]);
  } else if (interaction.isMessageContextMenuCommand()) {
    await interaction.reply({ content: `quoting: ${interaction.targetMessage.content}` });
  }
}

async function onMessage(message: Message): Promise<void> {
  if (message.author.bot || !message.channel.isDMBased()) return;
  await message.reply({ content: `you said ${message.content}` });
}

async function startBot(options: FakeDiscordOptions = {}): Promise<void> {
  server = await FakeDiscord.start(options);
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    rest: { api: server.apiBase },
  });
  client.on(Events.InteractionCreate, (interaction) => {
    onInteraction(interaction).catch((err: unknown) => handlerErrors.push(err));
  });
  client.on(Events.MessageCreate, (message) => {
    onMessage(message).catch((err: unknown) => handlerErrors.push(err));
  });
  const ready = once(client, Events.ClientReady);
  await client.login(server.token);
  await ready;
}

beforeEach(() => {
  handlerErrors = [];
});

afterEach(async () => {
  await client?.destroy();
  await server?.close();
});

describe('a real discord.js Client against FakeDiscord', () => {
  beforeEach(() => startBot());

  it('identifies with Guilds, GuildMessages and DirectMessages (4609) and becomes ready', async () => {
    const identify = await server.waitForIdentify();
    expect(identify.intents).toBe(4609);
    expect(identify.token).toBe(server.token);
    expect(identify.shard).toEqual([0, 1]);
    expect(client.user?.id).toBe(BOT_USER.id);
    expect(client.guilds.cache.get(DEFAULT_GUILD_ID)?.channels.cache.has(DEFAULT_CHANNEL_ID)).toBe(true);
  });

  it('records a slash command answered with pong as type 4 with no parsed mentions', async () => {
    const callback = await server.interact(slashCommand({ name: 'ping' }));
    expect(callback.body.type).toBe(4);
    expect(callback.body.data.content).toBe('pong');
    expect(callback.body.data.allowed_mentions.parse).toEqual([]);
    expect(callback.headers.authorization).toBeUndefined();
    expect(callback.status).toBe(204);
    expect(handlerErrors).toEqual([]);
  });

  it('decodes @original when a deferred reply is edited', async () => {
    const payload = slashCommand({ name: 'slow', options: { question: 'why' } });
    const defer = await server.interact(payload);
    expect(defer.body).toEqual({ type: 5, data: { flags: 0 } });
    const edit = await server.waitForRequest({ method: 'PATCH', route: /\/messages\/@original$/ });
    expect(edit.body.content).toBe('answer to why');
    expect(server.interaction(payload.id)?.original?.content).toBe('answer to why');
  });

  it('returns an interaction callback response when the bot asks with_response', async () => {
    const callback = await server.interact(slashCommand({ name: 'fetched' }));
    expect(callback.query.with_response).toBe('true');
    const followUp = await server.waitForRequest({ method: 'POST', route: /^\/webhooks\// });
    expect(followUp.body.content).toBe(`reply id ${callback.response.resource.message.id}`);
    expect(handlerErrors).toEqual([]);
  });

  it('round-trips a button click through interaction.update', async () => {
    const callback = await server.interact(button({ customId: 'more', messageContent: 'first page' }));
    expect(callback.body).toMatchObject({ type: 7, data: { content: 'clicked more', components: [] } });
    expect(handlerErrors).toEqual([]);
  });

  it('answers autocomplete with choices and a message context menu with the target message', async () => {
    const auto = await server.interact(autocomplete({ name: 'ask', focused: 'question', value: 'cit' }));
    expect(auto.body).toEqual({
      type: 8,
      data: { choices: [{ name: 'cit-suggestion', value: 'cit-suggestion' }] },
    });
    const menu = await server.interact(messageContextMenu({ name: 'Quote', targetContent: 'to be cited' }));
    expect(menu.body.data.content).toBe('quoting: to be cited');
  });

  it('records a reply with a file as multipart: payload_json as the body, the file alongside', async () => {
    const callback = await server.interact(slashCommand({ name: 'file' }));
    expect(callback.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(callback.body.data.content).toBe('see file');
    expect(callback.files).toHaveLength(1);
    expect(callback.files[0]?.filename).toBe('answer.txt');
    expect(callback.files[0]?.data.toString()).toBe('quoted text');
  });

  it('delivers a DM to messageCreate thanks to Partials.Channel and takes the reply', async () => {
    const received = once(client, Events.MessageCreate) as Promise<[Message]>;
    server.dispatch('MESSAGE_CREATE', messageCreate({ content: 'hello in private', dm: true }));
    const [msg] = await received;
    expect(msg.author.id).toBe(DEFAULT_USER.id);
    expect(msg.guildId).toBeNull();
    expect(msg.channel.isDMBased()).toBe(true);
    const reply = await server.waitForRequest({
      method: 'POST',
      route: `/channels/${msg.channelId}/messages`,
    });
    expect(reply.body).toMatchObject({
      content: 'you said hello in private',
      message_reference: { message_id: msg.id },
    });
    expect(reply.status).toBe(200);
  });

  it('stores bulk-overwritten commands with stable ids and checks the bot token', async () => {
    const rest = new REST({ api: server.apiBase }).setToken(server.token);
    const body = [{ name: 'ask', description: 'Ask the corpus' }];
    const first = (await rest.put(Routes.applicationCommands(APPLICATION_ID), {
      body,
    })) as APIApplicationCommand[];
    const again = (await rest.put(Routes.applicationCommands(APPLICATION_ID), {
      body,
    })) as APIApplicationCommand[];
    expect(again[0]?.id).toBe(first[0]?.id);
    expect(await rest.get(Routes.applicationCommands(APPLICATION_ID))).toEqual(again);
    const guildRoute = Routes.applicationGuildCommands(APPLICATION_ID, DEFAULT_GUILD_ID);
    const inGuild = (await rest.put(guildRoute, { body })) as APIApplicationCommand[];
    expect(inGuild[0]?.guild_id).toBe(DEFAULT_GUILD_ID);
    const wrongToken = new REST({ api: server.apiBase }).setToken('not-the-token');
    await expect(wrongToken.get(Routes.user('@me'))).rejects.toMatchObject({ status: 401 });
  });
});

describe('fault injection', () => {
  beforeEach(() => startBot());

  it('lets discord.js retry a reply that was rate limited (429) after retry_after', async () => {
    const fault = server.failNext({
      method: 'POST',
      pathPattern: /\/callback$/,
      status: 429,
      retryAfter: 0.05,
    });
    const payload = slashCommand({ name: 'ping' });
    const first = await server.interact(payload);
    expect(first.status).toBe(429);
    expect(first.response).toMatchObject({ retry_after: 0.05, global: false });
    await expect.poll(() => server.callbacks(payload.id).map((r) => r.status)).toEqual([429, 204]);
    expect(fault.hits).toBe(1);
  });

  it('lets discord.js retry a channel message after a 500', async () => {
    server.failNext({ method: 'POST', pathPattern: /\/channels\/\d+\/messages$/, status: 500 });
    server.dispatch('MESSAGE_CREATE', messageCreate({ content: 'again', dm: true }));
    const sent = await server.waitForRequest((r) => r.route.endsWith('/messages') && r.status === 200);
    expect(sent.body.content).toBe('you said again');
    expect(server.findRequests({ method: 'POST', route: /\/messages$/ }).map((r) => r.status)).toEqual([
      500, 200,
    ]);
  });
});

describe('gateway recovery', () => {
  it('resumes after the connection drops and still answers the next interaction', async () => {
    await startBot();
    server.dropConnection();
    const resume = await server.waitForResume();
    expect(resume.session_id).toBe(server.sessionList[0]?.sessionId);
    expect(server.identifies).toHaveLength(1);
    const callback = await server.interact(slashCommand({ name: 'ping' }));
    expect(callback.body.data.content).toBe('pong');
  });

  it('replays an interaction dispatched while disconnected once the client resumes', async () => {
    await startBot();
    server.dropConnection();
    const callback = await server.interact(slashCommand({ name: 'ping' }));
    expect(server.resumes).toHaveLength(1);
    expect(callback.body.data.content).toBe('pong');
  });

  it('resumes when told to reconnect (op 7)', async () => {
    await startBot();
    server.sendReconnect();
    await server.waitForResume();
    const callback = await server.interact(slashCommand({ name: 'ping' }));
    expect(callback.status).toBe(204);
  });

  it('resumes a zombie connection whose heartbeats go unacknowledged', async () => {
    await startBot({ heartbeatIntervalMs: 250 });
    server.stopHeartbeatAcks(true);
    await server.waitForResume(5000);
    server.stopHeartbeatAcks(false);
    const callback = await server.interact(slashCommand({ name: 'ping' }));
    expect(callback.status).toBe(204);
  });
});
