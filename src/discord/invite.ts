/**
 * The OAuth2 links that add citebot to a server or to a user's own account.
 */
import { ApplicationIntegrationType, PermissionFlagsBits } from 'discord-api-types/v10';

/**
 * What the bot needs in a server to answer a message that mentions it (slash commands and the
 * context menu answer through the interaction and need none of these).
 */
export const BOT_PERMISSIONS =
  // See the channel: without it Discord delivers none of its messages to the bot.
  PermissionFlagsBits.ViewChannel |
  // Post the answer.
  PermissionFlagsBits.SendMessages |
  // Post it inside a thread, which is a permission of its own.
  PermissionFlagsBits.SendMessagesInThreads |
  // Answers are embeds (quote, article, link); without it Discord drops them.
  PermissionFlagsBits.EmbedLinks |
  // The answer is a reply to the question, and Discord refuses replies without it.
  PermissionFlagsBits.ReadMessageHistory;

export interface InviteLinks {
  /** Adds the bot and its commands to a server (the user picks which). */
  server: string;
  /** Adds the commands to the user's own account: usable in DMs and in servers that allow external apps. */
  user: string;
}

const AUTHORIZE = 'https://discord.com/oauth2/authorize';

function authorize(params: Record<string, string>): string {
  return `${AUTHORIZE}?${new URLSearchParams(params).toString()}`;
}

export function inviteLinks(applicationId: string, permissions: bigint = BOT_PERMISSIONS): InviteLinks {
  return {
    server: authorize({
      client_id: applicationId,
      scope: 'bot applications.commands',
      permissions: permissions.toString(),
      integration_type: String(ApplicationIntegrationType.GuildInstall),
    }),
    user: authorize({
      client_id: applicationId,
      scope: 'applications.commands',
      integration_type: String(ApplicationIntegrationType.UserInstall),
    }),
  };
}
