/**
 * Who may do what: moderators (re-index, delete any public answer) and whether the asker
 * may send messages where they asked (answers addressed to someone with `for:`).
 */
import { type BaseInteraction, PermissionFlagsBits } from 'discord.js';
import type { Config } from '../config.js';

/**
 * A moderator: one of OWNER_IDS anywhere; in a server also a member with Manage Server or
 * a role listed in MODERATOR_ROLE_IDS.
 */
export function isModerator(
  config: Pick<Config, 'ownerIds' | 'moderatorRoleIds'>,
  i: BaseInteraction,
): boolean {
  if (config.ownerIds.includes(i.user.id)) return true;
  if (!i.inGuild()) return false;
  if (i.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const roles = i.member.roles;
  const roleIds: string[] = Array.isArray(roles) ? roles : [...roles.cache.keys()];
  return roleIds.some((r) => config.moderatorRoleIds.includes(r));
}

/**
 * Whether the member who invoked the interaction may see the channel and send messages in it,
 * from the permissions Discord computed for them there (`member.permissions`). In a thread the
 * permission to send is Send Messages in Threads. Outside a server: false.
 */
export function maySendHere(i: BaseInteraction): boolean {
  if (!i.inGuild()) return false;
  const perms = i.memberPermissions;
  if (!perms?.has(PermissionFlagsBits.ViewChannel)) return false;
  const send = i.channel?.isThread()
    ? PermissionFlagsBits.SendMessagesInThreads
    : PermissionFlagsBits.SendMessages;
  return perms.has(send);
}
