/**
 * Who may do what, from the raw payload: moderators (re-index, delete any public answer) and
 * whether the asker may send messages where they asked (answers addressed to someone with `for:`).
 * `member.permissions` is the bitfield Discord computed for the member in that channel.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { Config } from '../config.js';
import { inGuild, inThread, type RawInteraction, userOf } from './raw.js';

/** Whether a permission bitfield (a decimal string) grants `bit`; Administrator grants everything. */
export function hasPermission(bitfield: string | undefined, bit: bigint): boolean {
  if (!bitfield || !/^\d{1,40}$/u.test(bitfield)) return false;
  const p = BigInt(bitfield);
  return (p & PermissionFlagsBits.Administrator) !== 0n || (p & bit) === bit;
}

/**
 * A moderator: one of OWNER_IDS anywhere; in a server also a member with Manage Server or
 * a role listed in MODERATOR_ROLE_IDS.
 */
export function isModerator(
  config: Pick<Config, 'ownerIds' | 'moderatorRoleIds'>,
  raw: RawInteraction,
): boolean {
  if (config.ownerIds.includes(userOf(raw).id)) return true;
  if (!inGuild(raw)) return false;
  if (hasPermission(raw.member.permissions, PermissionFlagsBits.ManageGuild)) return true;
  return (raw.member.roles ?? []).some((r) => config.moderatorRoleIds.includes(r));
}

/**
 * Whether the member who invoked the interaction may see the channel and send messages in it,
 * from the permissions Discord computed for them there (`member.permissions`). In a thread the
 * permission to send is Send Messages in Threads. Outside a server: false.
 */
export function maySendHere(raw: RawInteraction): boolean {
  if (!inGuild(raw)) return false;
  const perms = raw.member.permissions;
  if (!hasPermission(perms, PermissionFlagsBits.ViewChannel)) return false;
  const send = inThread(raw) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  return hasPermission(perms, send);
}
