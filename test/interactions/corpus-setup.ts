/**
 * Payloads for /corpus: the command with its subcommand, options and (for `file:`) the attachment
 * Discord resolved, as INTERACTION_CREATE sends them.
 */
import {
  type APIApplicationCommandInteractionDataBasicOption,
  type APIAttachment,
  type APIChatInputApplicationCommandInteraction,
  ApplicationCommandOptionType,
} from 'discord-api-types/v10';
import { type InteractionContextOptions, slashCommand, snowflake } from '../harness/index.js';

/** An attachment as Discord describes it in `resolved` (a `.md` file by default). */
export interface AttachmentSpec {
  filename?: string;
  url: string;
  size?: number;
  contentType?: string;
}

export interface CorpusCommandOptions extends InteractionContextOptions {
  subcommand: 'add' | 'update' | 'remove' | 'restore' | 'log';
  /** String and integer options by name (`url`, `article`, `page`). */
  options?: Record<string, string | number>;
  /** The `file:` option and its resolved attachment. */
  file?: AttachmentSpec;
  /** Send the `file:` option without its attachment in `resolved` (a malformed payload). */
  unresolvedFile?: boolean;
}

/** An INTERACTION_CREATE `d` for /corpus <subcommand> with its options. */
export function corpusCommand(opts: CorpusCommandOptions): APIChatInputApplicationCommandInteraction {
  const { subcommand, options = {}, file, unresolvedFile, ...ctx } = opts;
  const basic: APIApplicationCommandInteractionDataBasicOption[] = Object.entries(options).map(
    ([name, value]): APIApplicationCommandInteractionDataBasicOption =>
      typeof value === 'string'
        ? { name, type: ApplicationCommandOptionType.String, value }
        : { name, type: ApplicationCommandOptionType.Integer, value },
  );
  const attachments: Record<string, APIAttachment> = {};
  if (file || unresolvedFile) {
    const id = snowflake();
    basic.push({ name: 'file', type: ApplicationCommandOptionType.Attachment, value: id });
    if (file) {
      const filename = file.filename ?? 'article.md';
      attachments[id] = {
        id,
        filename,
        size: file.size ?? 100,
        url: file.url,
        proxy_url: file.url,
        ...(file.contentType ? { content_type: file.contentType } : {}),
      };
    }
  }
  return slashCommand({
    ...ctx,
    name: 'corpus',
    options: [{ name: subcommand, type: ApplicationCommandOptionType.Subcommand, options: basic }],
    ...(Object.keys(attachments).length ? { resolved: { attachments } } : {}),
  });
}
