/**
 * Typed builders for the JSON Discord sends: users, guilds, messages and INTERACTION_CREATE payloads.
 *
 * Every builder returns a complete object typed with discord-api-types (re-exported by discord.js), so a
 * missing field is a compile error rather than a TypeError deep inside discord.js. Ids are snowflakes:
 * numeric strings that increase, so discord.js can derive `createdAt` from them.
 */
import {
  type APIApplicationCommandAutocompleteInteraction,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandInteractionDataOption,
  type APIAuthorizingIntegrationOwnersMap,
  type APIChatInputApplicationCommandInteraction,
  type APIGuildMember,
  type APIInteractionDataResolved,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIMessageApplicationCommandInteraction,
  type APIMessageComponentButtonInteraction,
  type APIMessageTopLevelComponent,
  type APIRole,
  type APITextChannel,
  type APIUser,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonStyle,
  ChannelType,
  ComponentType,
  type GatewayGuildCreateDispatchData,
  type GatewayMessageCreateDispatchData,
  type GuildMemberFlags,
  type GuildSystemChannelFlags,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageType,
  PermissionFlagsBits,
  type RoleFlags,
} from 'discord.js';

// ---------------------------------------------------------------------------------------------------------
// Snowflakes
// ---------------------------------------------------------------------------------------------------------

/** Discord's epoch (2015-01-01T00:00:00Z) in milliseconds. */
export const DISCORD_EPOCH = 1_420_070_400_000;

let lastTimestamp = 0;
let increment = 0;

/** A snowflake for a fixed moment: deterministic, for fixtures. `n` fills the low (increment) bits. */
export function snowflakeAt(ms: number, n = 0): string {
  return ((BigInt(ms - DISCORD_EPOCH) << 22n) | BigInt(n & 0xfff)).toString();
}

/** A fresh snowflake for "now": every call returns a larger id than the one before. */
export function snowflake(): string {
  const now = Date.now();
  if (now > lastTimestamp) {
    lastTimestamp = now;
    increment = 0;
  } else {
    increment += 1;
    if (increment > 0xfff) {
      lastTimestamp += 1;
      increment = 0;
    }
  }
  return snowflakeAt(lastTimestamp, increment);
}

/** The millisecond timestamp encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH;
}

/** The shard a guild's events go to: `(guild_id >> 22) % shardCount`. DMs go to shard 0. */
export function shardOf(guildId: string | undefined, shardCount: number): number {
  if (!guildId || shardCount <= 1) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** A random interaction token (opaque to bots; used in callback and webhook URLs). */
export function interactionToken(): string {
  let token = 'aW50ZXJhY3Rpb246';
  while (token.length < 120) token += Math.random().toString(36).slice(2);
  return token.slice(0, 120);
}

// ---------------------------------------------------------------------------------------------------------
// Fixed world: the bot, a default user, a default guild with a text channel
// ---------------------------------------------------------------------------------------------------------

const FIXTURE_TIME = Date.UTC(2024, 0, 1);

/** Permissions of @everyone in the default guild (and so of the bot and default members). */
export const DEFAULT_PERMISSIONS: bigint =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak;

/** Permissions a bot has in a DM (as Discord reports in `app_permissions` there). */
export const DM_APP_PERMISSIONS: bigint =
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.MentionEveryone |
  PermissionFlagsBits.UseExternalEmojis;

export const FAKE_TOKEN = 'ZmFrZS1ib3Q.fake-token.for-tests-only';

export const BOT_USER: APIUser = {
  id: snowflakeAt(FIXTURE_TIME, 1),
  username: 'testbot',
  discriminator: '0000',
  global_name: null,
  avatar: null,
  bot: true,
};

/** The application id; as for every modern bot it equals the bot user's id. */
export const APPLICATION_ID = BOT_USER.id;

export const DEFAULT_USER: APIUser = {
  id: snowflakeAt(FIXTURE_TIME, 2),
  username: 'alice',
  discriminator: '0',
  global_name: 'Alice',
  avatar: null,
};

export const DEFAULT_GUILD_ID = snowflakeAt(FIXTURE_TIME, 3);
export const DEFAULT_CHANNEL_ID = snowflakeAt(FIXTURE_TIME, 4);
/** The DM channel between DEFAULT_USER and the bot. */
export const DEFAULT_DM_CHANNEL_ID = snowflakeAt(FIXTURE_TIME, 5);

export function user(opts: Partial<APIUser> = {}): APIUser {
  const id = opts.id ?? snowflake();
  return {
    id,
    username: `user${id.slice(-4)}`,
    discriminator: '0',
    global_name: null,
    avatar: null,
    ...opts,
  };
}

export function permissionString(p: bigint | string | undefined, fallback: bigint): string {
  if (p === undefined) return fallback.toString();
  return typeof p === 'bigint' ? p.toString() : p;
}

export function role(opts: Partial<APIRole> & { id: string; name: string }): APIRole {
  return {
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: 0,
    permissions: DEFAULT_PERMISSIONS.toString(),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
    ...opts,
  };
}

export function textChannel(opts: {
  id?: string;
  guildId: string;
  name?: string;
  position?: number;
  parentId?: string | null;
}): APITextChannel {
  return {
    id: opts.id ?? snowflake(),
    type: ChannelType.GuildText,
    guild_id: opts.guildId,
    name: opts.name ?? 'general',
    position: opts.position ?? 0,
    parent_id: opts.parentId ?? null,
    permission_overwrites: [],
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
  };
}

export function guildMember(opts: {
  user: APIUser;
  roles?: string[];
  nick?: string | null;
  joinedAt?: string;
}): APIGuildMember {
  return {
    user: opts.user,
    nick: opts.nick ?? null,
    avatar: null,
    banner: null,
    roles: opts.roles ?? [],
    joined_at: opts.joinedAt ?? new Date(FIXTURE_TIME).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

export interface GuildOptions {
  id?: string;
  name?: string;
  ownerId?: string;
  /** Text channels to create; the first defaults to `general`. Default: one channel. */
  channels?: { id?: string; name?: string }[];
  /** Extra roles besides @everyone (whose id equals the guild id). */
  roles?: (Partial<APIRole> & { id: string; name: string })[];
  everyonePermissions?: bigint | string;
  /** Members besides the bot (the bot is always a member). */
  members?: APIGuildMember[];
  botRoles?: string[];
}

/** A full GUILD_CREATE `d`: a valid available guild with @everyone, text channel(s) and the bot as member. */
export function guild(opts: GuildOptions = {}): GatewayGuildCreateDispatchData {
  const id = opts.id ?? snowflake();
  const channelSpecs = opts.channels ?? [{}];
  const channels = channelSpecs.map((c, i) =>
    textChannel({ guildId: id, position: i, ...(c.id ? { id: c.id } : {}), name: c.name ?? 'general' }),
  );
  const everyone = role({
    id,
    name: '@everyone',
    permissions: permissionString(opts.everyonePermissions, DEFAULT_PERMISSIONS),
  });
  const members = [guildMember({ user: BOT_USER, roles: opts.botRoles ?? [] }), ...(opts.members ?? [])];
  return {
    id,
    name: opts.name ?? 'Test Guild',
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: opts.ownerId ?? DEFAULT_USER.id,
    region: 'deprecated',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    system_channel_id: channels[0]?.id ?? null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    application_id: null,
    preferred_locale: Locale.EnglishUS,
    max_members: 500_000,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    features: [],
    emojis: [],
    stickers: [],
    hub_type: null,
    incidents_data: null,
    roles: [everyone, ...(opts.roles ?? []).map((r) => role(r))],
    joined_at: new Date(FIXTURE_TIME).toISOString(),
    large: false,
    unavailable: false,
    member_count: members.length,
    voice_states: [],
    members,
    channels,
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** The default guild: id DEFAULT_GUILD_ID with one text channel DEFAULT_CHANNEL_ID named `general`. */
export function defaultGuild(): GatewayGuildCreateDispatchData {
  return guild({ id: DEFAULT_GUILD_ID, name: 'Test Guild', channels: [{ id: DEFAULT_CHANNEL_ID }] });
}

// ---------------------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------------------

export interface MessageOptions {
  id?: string;
  content?: string;
  channelId?: string;
  author?: APIUser;
  embeds?: APIMessage['embeds'];
  components?: APIMessageTopLevelComponent[];
  attachments?: APIMessage['attachments'];
  mentions?: APIUser[];
  mentionRoles?: string[];
  flags?: number;
  type?: MessageType;
  webhookId?: string;
  applicationId?: string;
  messageReference?: APIMessage['message_reference'];
  referencedMessage?: APIMessage | null;
  interactionMetadata?: APIMessage['interaction_metadata'];
  timestamp?: string;
  editedTimestamp?: string | null;
}

/** A complete message object (what REST returns and what MESSAGE_CREATE carries, minus guild fields). */
export function message(opts: MessageOptions = {}): APIMessage {
  const id = opts.id ?? snowflake();
  const msg: APIMessage = {
    id,
    channel_id: opts.channelId ?? DEFAULT_CHANNEL_ID,
    author: opts.author ?? DEFAULT_USER,
    content: opts.content ?? '',
    timestamp: opts.timestamp ?? new Date(snowflakeTime(id)).toISOString(),
    edited_timestamp: opts.editedTimestamp ?? null,
    tts: false,
    mention_everyone: false,
    mentions: opts.mentions ?? [],
    mention_roles: opts.mentionRoles ?? [],
    attachments: opts.attachments ?? [],
    embeds: opts.embeds ?? [],
    pinned: false,
    type: opts.type ?? MessageType.Default,
    flags: opts.flags ?? 0,
    components: opts.components ?? [],
  };
  if (opts.webhookId) msg.webhook_id = opts.webhookId;
  if (opts.applicationId) msg.application_id = opts.applicationId;
  if (opts.messageReference) msg.message_reference = opts.messageReference;
  if (opts.referencedMessage !== undefined) msg.referenced_message = opts.referencedMessage;
  if (opts.interactionMetadata) msg.interaction_metadata = opts.interactionMetadata;
  return msg;
}

/** `<@id>`: how a user mention looks in message content. */
export function mention(u: APIUser | string): string {
  return `<@${typeof u === 'string' ? u : u.id}>`;
}

export interface MessageCreateOptions extends Omit<MessageOptions, 'mentions'> {
  /** A DM with the bot: no guild_id, `channel_type: 1`, channel DEFAULT_DM_CHANNEL_ID unless given. */
  dm?: boolean;
  guildId?: string;
  /** Users mentioned (put `mention(user)` into `content` yourself where it matters). */
  mentions?: APIUser[];
  /** Shortcut: adds the bot to `mentions` and prefixes `<@bot> ` to the content. */
  mentionBot?: boolean;
  /** Author's roles in the guild (ignored in DMs). */
  roles?: string[];
}

/** A MESSAGE_CREATE `d`. In a guild it carries `guild_id` and `member`; in a DM `channel_type: 1`. */
export function messageCreate(opts: MessageCreateOptions = {}): GatewayMessageCreateDispatchData {
  const author = opts.author ?? DEFAULT_USER;
  const mentionsUsers = [...(opts.mentions ?? [])];
  let content = opts.content ?? '';
  if (opts.mentionBot) {
    mentionsUsers.unshift(BOT_USER);
    content = `${mention(BOT_USER)} ${content}`;
  }
  const channelId = opts.channelId ?? (opts.dm ? DEFAULT_DM_CHANNEL_ID : DEFAULT_CHANNEL_ID);
  const base = message({ ...opts, author, content, channelId, mentions: mentionsUsers });
  if (opts.dm) {
    return {
      ...base,
      mentions: mentionsUsers,
      channel_type: ChannelType.DM,
    } as GatewayMessageCreateDispatchData;
  }
  const member = guildMember({ user: author, roles: opts.roles ?? [] });
  const { user: _omit, ...memberNoUser } = member;
  return {
    ...base,
    guild_id: opts.guildId ?? DEFAULT_GUILD_ID,
    member: memberNoUser,
    mentions: mentionsUsers,
    channel_type: ChannelType.GuildText,
  } as GatewayMessageCreateDispatchData;
}

// ---------------------------------------------------------------------------------------------------------
// Interactions
// ---------------------------------------------------------------------------------------------------------

/** Where and by whom an interaction is invoked. Defaults: DEFAULT_USER in DEFAULT_GUILD_ID / DEFAULT_CHANNEL_ID. */
export interface InteractionContextOptions {
  id?: string;
  token?: string;
  applicationId?: string;
  user?: APIUser;
  /** In the bot's DM instead of a guild (then `user` is set and `member`/`guild_id` are absent). */
  dm?: boolean;
  guildId?: string;
  channelId?: string;
  channelName?: string;
  /** The member's computed permissions in the channel (`member.permissions`). */
  permissions?: bigint | string;
  /** The member's role ids. */
  roles?: string[];
  nick?: string | null;
  /** The bot's permissions in the channel (`app_permissions`). */
  appPermissions?: bigint | string;
  locale?: Locale;
  guildLocale?: Locale;
}

interface InteractionBase {
  id: string;
  application_id: string;
  token: string;
  version: 1;
  app_permissions: string;
  locale: Locale;
  entitlements: [];
  authorizing_integration_owners: APIAuthorizingIntegrationOwnersMap;
  attachment_size_limit: number;
  channel_id: string;
  context: InteractionContextType;
}

interface GuildPart {
  guild_id: string;
  guild: { id: string; locale: Locale; features: [] };
  guild_locale: Locale;
  member: APIInteractionGuildMember;
  channel: APITextChannel;
}

interface DmPart {
  user: APIUser;
  channel: { id: string; type: ChannelType.DM; last_message_id: null; flags: 0; recipients: APIUser[] };
}

function interactionBase(o: InteractionContextOptions): InteractionBase & (GuildPart | DmPart) {
  const u = o.user ?? DEFAULT_USER;
  const base = {
    id: o.id ?? snowflake(),
    application_id: o.applicationId ?? APPLICATION_ID,
    token: o.token ?? interactionToken(),
    version: 1 as const,
    locale: o.locale ?? Locale.EnglishUS,
    entitlements: [] as [],
    attachment_size_limit: 10 * 1024 * 1024,
  };
  if (o.dm) {
    const channelId = o.channelId ?? DEFAULT_DM_CHANNEL_ID;
    return {
      ...base,
      app_permissions: permissionString(o.appPermissions, DM_APP_PERMISSIONS),
      authorizing_integration_owners: { 0: '0' },
      channel_id: channelId,
      context: InteractionContextType.BotDM,
      user: u,
      channel: { id: channelId, type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [u] },
    };
  }
  const guildId = o.guildId ?? DEFAULT_GUILD_ID;
  const channelId = o.channelId ?? DEFAULT_CHANNEL_ID;
  const member: APIInteractionGuildMember = {
    ...guildMember({ user: u, roles: o.roles ?? [], nick: o.nick ?? null }),
    user: u,
    permissions: permissionString(o.permissions, DEFAULT_PERMISSIONS),
  };
  return {
    ...base,
    app_permissions: permissionString(o.appPermissions, DEFAULT_PERMISSIONS),
    authorizing_integration_owners: { 0: guildId },
    channel_id: channelId,
    context: InteractionContextType.Guild,
    guild_id: guildId,
    guild: { id: guildId, locale: o.guildLocale ?? Locale.EnglishUS, features: [] },
    guild_locale: o.guildLocale ?? Locale.EnglishUS,
    member,
    channel: textChannel({ id: channelId, guildId, name: o.channelName ?? 'general' }),
  };
}

/** Option values by name (types inferred: string → STRING, integer → INTEGER, other number → NUMBER, boolean → BOOLEAN) or raw options. */
export type OptionsInput =
  Record<string, string | number | boolean> | APIApplicationCommandInteractionDataOption[];

function toBasicOptions(
  input: Record<string, string | number | boolean> | APIApplicationCommandInteractionDataBasicOption[],
): APIApplicationCommandInteractionDataBasicOption[] {
  if (Array.isArray(input)) return input;
  return Object.entries(input).map(([name, value]): APIApplicationCommandInteractionDataBasicOption => {
    if (typeof value === 'string') return { name, type: ApplicationCommandOptionType.String, value };
    if (typeof value === 'boolean') return { name, type: ApplicationCommandOptionType.Boolean, value };
    if (Number.isInteger(value)) return { name, type: ApplicationCommandOptionType.Integer, value };
    return { name, type: ApplicationCommandOptionType.Number, value };
  });
}

function toOptions(
  input: OptionsInput | undefined,
  subcommand: string | undefined,
  group: string | undefined,
): APIApplicationCommandInteractionDataOption[] {
  if (Array.isArray(input)) return input;
  const basic = toBasicOptions(input ?? {});
  if (!subcommand) return basic;
  const sub: APIApplicationCommandInteractionDataOption = {
    name: subcommand,
    type: ApplicationCommandOptionType.Subcommand,
    options: basic,
  };
  if (!group) return [sub];
  return [{ name: group, type: ApplicationCommandOptionType.SubcommandGroup, options: [sub] }];
}

export interface SlashCommandOptions extends InteractionContextOptions {
  name: string;
  options?: OptionsInput;
  subcommand?: string;
  subcommandGroup?: string;
  /** The registered command's id (data.id). Stable per name unless given. */
  commandId?: string;
  resolved?: APIInteractionDataResolved;
}

const commandIds = new Map<string, string>();
function commandIdFor(name: string): string {
  let id = commandIds.get(name);
  if (!id) {
    id = snowflakeAt(FIXTURE_TIME + 1000, commandIds.size);
    commandIds.set(name, id);
  }
  return id;
}

/** An INTERACTION_CREATE `d` for a chat-input (slash) command (type 2, data.type 1). */
export function slashCommand(opts: SlashCommandOptions): APIChatInputApplicationCommandInteraction {
  const data: APIChatInputApplicationCommandInteraction['data'] = {
    id: opts.commandId ?? commandIdFor(opts.name),
    name: opts.name,
    type: ApplicationCommandType.ChatInput,
    options: toOptions(opts.options, opts.subcommand, opts.subcommandGroup),
  };
  if (opts.resolved) data.resolved = opts.resolved;
  if (!opts.dm) data.guild_id = opts.guildId ?? DEFAULT_GUILD_ID;
  return {
    ...interactionBase(opts),
    type: InteractionType.ApplicationCommand,
    data,
  } as APIChatInputApplicationCommandInteraction;
}

export interface AutocompleteOptions extends Omit<SlashCommandOptions, 'options' | 'resolved'> {
  /** The other options already filled in. */
  options?: Record<string, string | number | boolean>;
  /** The option being typed. */
  focused: string;
  /** What the user typed so far (string options are sent as strings even when partial). */
  value?: string | number;
  focusedType?:
    | ApplicationCommandOptionType.String
    | ApplicationCommandOptionType.Integer
    | ApplicationCommandOptionType.Number;
}

/** An INTERACTION_CREATE `d` for autocomplete (type 4) with one option marked `focused: true`. */
export function autocomplete(opts: AutocompleteOptions): APIApplicationCommandAutocompleteInteraction {
  const others = toBasicOptions(opts.options ?? {});
  const focused = {
    name: opts.focused,
    type: opts.focusedType ?? ApplicationCommandOptionType.String,
    value: opts.value ?? '',
    focused: true,
  } as APIApplicationCommandInteractionDataBasicOption;
  const all = [...others, focused];
  let options: APIApplicationCommandInteractionDataOption[] = all;
  if (opts.subcommand) {
    options = [{ name: opts.subcommand, type: ApplicationCommandOptionType.Subcommand, options: all }];
    if (opts.subcommandGroup) {
      options = [
        {
          name: opts.subcommandGroup,
          type: ApplicationCommandOptionType.SubcommandGroup,
          options: options as never,
        },
      ];
    }
  }
  const data: APIApplicationCommandAutocompleteInteraction['data'] = {
    id: opts.commandId ?? commandIdFor(opts.name),
    name: opts.name,
    type: ApplicationCommandType.ChatInput,
    options,
  };
  if (!opts.dm) data.guild_id = opts.guildId ?? DEFAULT_GUILD_ID;
  return {
    ...interactionBase(opts),
    type: InteractionType.ApplicationCommandAutocomplete,
    data,
  } as APIApplicationCommandAutocompleteInteraction;
}

export interface ButtonOptions extends InteractionContextOptions {
  customId: string;
  /** The message the button is on. Default: a bot message in the channel carrying this one button. */
  message?: APIMessage;
  messageContent?: string;
}

/** A bot message with one row of buttons, as the message a button interaction comes from. */
export function messageWithButtons(opts: {
  customIds: string[];
  content?: string;
  channelId?: string;
  id?: string;
}): APIMessage {
  return message({
    ...(opts.id ? { id: opts.id } : {}),
    author: BOT_USER,
    content: opts.content ?? '',
    channelId: opts.channelId ?? DEFAULT_CHANNEL_ID,
    applicationId: APPLICATION_ID,
    components: [
      {
        type: ComponentType.ActionRow,
        components: opts.customIds.map((customId) => ({
          type: ComponentType.Button as const,
          style: ButtonStyle.Secondary as const,
          custom_id: customId,
          label: customId,
        })),
      },
    ],
  });
}

/** An INTERACTION_CREATE `d` for a button click (type 3, data.component_type 2) with its `message`. */
export function button(opts: ButtonOptions): APIMessageComponentButtonInteraction {
  const base = interactionBase(opts);
  const msg =
    opts.message ??
    messageWithButtons({
      customIds: [opts.customId],
      content: opts.messageContent ?? '',
      channelId: base.channel_id,
    });
  return {
    ...base,
    type: InteractionType.MessageComponent,
    data: { custom_id: opts.customId, component_type: ComponentType.Button },
    message: msg,
  } as APIMessageComponentButtonInteraction;
}

export interface MessageContextMenuOptions extends InteractionContextOptions {
  name: string;
  /** The message right-clicked. Default: a message by DEFAULT_USER with `targetContent`. */
  targetMessage?: APIMessage;
  targetContent?: string;
  commandId?: string;
}

/** An INTERACTION_CREATE `d` for a message context-menu command (type 2, data.type 3). */
export function messageContextMenu(opts: MessageContextMenuOptions): APIMessageApplicationCommandInteraction {
  const base = interactionBase(opts);
  const target =
    opts.targetMessage ??
    message({ content: opts.targetContent ?? 'some message', channelId: base.channel_id });
  const data: APIMessageApplicationCommandInteraction['data'] = {
    id: opts.commandId ?? commandIdFor(`message:${opts.name}`),
    name: opts.name,
    type: ApplicationCommandType.Message,
    target_id: target.id,
    resolved: { messages: { [target.id]: target } },
  };
  if (!opts.dm) data.guild_id = opts.guildId ?? DEFAULT_GUILD_ID;
  return {
    ...base,
    type: InteractionType.ApplicationCommand,
    data,
  } as APIMessageApplicationCommandInteraction;
}
