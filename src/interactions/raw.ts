/**
 * Reading raw interaction payloads (discord-api-types): who sent it, where, and its options.
 * What discord.js offered as methods on its objects, on the JSON Discord sends.
 */
import {
  type APIApplicationCommandInteractionDataOption,
  type APIInteraction,
  type APIPingInteraction,
  type APIUser,
  ApplicationCommandOptionType,
  ChannelType,
} from 'discord-api-types/v10';

/** Every interaction but PING: what the routes handle. */
export type RawInteraction = Exclude<APIInteraction, APIPingInteraction>;

/** An option as Discord sends it (a basic option has a value; autocomplete marks one `focused`). */
export interface RawOption {
  name: string;
  type: ApplicationCommandOptionType;
  value?: unknown;
  focused?: boolean;
  options?: RawOption[];
}

/** Who invoked the interaction: `member.user` in a server, `user` elsewhere. */
export function userOf(raw: RawInteraction): APIUser {
  const u = raw.member?.user ?? raw.user;
  if (!u) throw new Error(`interaction ${raw.id} has neither member.user nor user`);
  return u;
}

/** In a server, with the member who invoked it (as discord.js's `inGuild()`). */
export function inGuild(
  raw: RawInteraction,
): raw is RawInteraction & { guild_id: string; member: NonNullable<RawInteraction['member']> } {
  return Boolean(raw.guild_id && raw.member);
}

const THREADS: ReadonlySet<ChannelType> = new Set([
  ChannelType.AnnouncementThread,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
]);

/** Whether the interaction came from a thread (its `channel` says so). */
export function inThread(raw: RawInteraction): boolean {
  const type = (raw.channel as { type?: ChannelType } | undefined)?.type;
  return type !== undefined && THREADS.has(type);
}

/** The top-level options of a command or autocomplete interaction (none for anything else). */
export function optionsOf(raw: RawInteraction): readonly RawOption[] {
  const data = raw.data as { options?: APIApplicationCommandInteractionDataOption[] } | undefined;
  return (data?.options ?? []) as readonly RawOption[];
}

function valueOf(options: readonly RawOption[], name: string, type: ApplicationCommandOptionType): unknown {
  const o = options.find((x) => x.name === name);
  return o && o.type === type ? o.value : undefined;
}

/** A string option's value, or null when absent. */
export function stringOption(options: readonly RawOption[], name: string): string | null {
  const v = valueOf(options, name, ApplicationCommandOptionType.String);
  return typeof v === 'string' ? v : null;
}

/** An integer option's value, or null when absent. */
export function integerOption(options: readonly RawOption[], name: string): number | null {
  const v = valueOf(options, name, ApplicationCommandOptionType.Integer);
  return typeof v === 'number' && Number.isInteger(v) ? v : null;
}

/** A boolean option's value, or null when absent. */
export function booleanOption(options: readonly RawOption[], name: string): boolean | null {
  const v = valueOf(options, name, ApplicationCommandOptionType.Boolean);
  return typeof v === 'boolean' ? v : null;
}

/** The option being typed in an autocomplete interaction, its value as text. */
export function focusedOption(options: readonly RawOption[]): { name: string; value: string } | undefined {
  const o = options.find((x) => x.focused === true);
  return o ? { name: o.name, value: String(o.value ?? '') } : undefined;
}

/** The command's name (application commands and autocomplete), else ''. */
export function commandName(raw: RawInteraction): string {
  const data = raw.data as { name?: unknown } | undefined;
  return typeof data?.name === 'string' ? data.name : '';
}

/** The subcommand a command interaction names (`/feedback review`), with its own options. */
export function subcommandOf(
  raw: RawInteraction,
): { name: string; options: readonly RawOption[] } | undefined {
  const [first] = optionsOf(raw);
  if (first?.type !== ApplicationCommandOptionType.Subcommand) return undefined;
  return { name: first.name, options: first.options ?? [] };
}

/** An attachment a command option names, as Discord resolved it. */
export interface RawAttachment {
  id: string;
  /** Where Discord serves it. */
  url: string;
  filename: string;
  /** In bytes. */
  size: number;
  contentType?: string;
}

/**
 * The attachment option `name` of `options` (the option's value is the attachment's id; the
 * attachment itself is in `raw.data.resolved.attachments`), or undefined when either is missing or
 * malformed.
 */
export function attachmentOption(
  raw: RawInteraction,
  options: readonly RawOption[],
  name: string,
): RawAttachment | undefined {
  const id = valueOf(options, name, ApplicationCommandOptionType.Attachment);
  if (typeof id !== 'string') return undefined;
  const data = raw.data as { resolved?: { attachments?: Record<string, unknown> } } | undefined;
  const found = data?.resolved?.attachments?.[id] as
    { url?: unknown; filename?: unknown; size?: unknown; content_type?: unknown } | undefined;
  if (!found || typeof found.url !== 'string' || typeof found.filename !== 'string') return undefined;
  if (typeof found.size !== 'number' || !Number.isFinite(found.size) || found.size < 0) return undefined;
  return {
    id,
    url: found.url,
    filename: found.filename,
    size: found.size,
    ...(typeof found.content_type === 'string' ? { contentType: found.content_type } : {}),
  };
}
