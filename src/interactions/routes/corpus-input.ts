/**
 * What /corpus add and update are given: an attachment (as Discord resolved it) or a web page, read
 * from the options into the corpus service's ArticleInput, or the line saying what is wrong with them.
 */
import type { ArticleInput } from '../../manage/types.js';
import {
  attachmentOption,
  type RawAttachment,
  type RawInteraction,
  type RawOption,
  stringOption,
} from '../raw.js';

/** Said when Discord sent an attachment option without the attachment. */
export const ATTACHMENT_MISSING = 'Discord did not send the attachment. Attach the file again.';
/** Said when /corpus add has both options, or neither. */
export const ONE_OF_FILE_OR_URL =
  'Give one of the two: a file (.txt, .md or .html) in the file option, or a web page in the url option.';

/** An attachment as the corpus service takes it. */
export function fileInput(a: RawAttachment): ArticleInput {
  return {
    kind: 'file',
    name: a.filename,
    url: a.url,
    size: a.size,
    ...(a.contentType ? { contentType: a.contentType } : {}),
  };
}

/**
 * The `file` option's attachment: absent (none given), the input, or the line to tell when the
 * option is there but Discord sent no attachment for it.
 */
export function attachedInput(
  raw: RawInteraction,
  options: readonly RawOption[],
): ArticleInput | { message: string } | undefined {
  if (!options.some((o) => o.name === 'file')) return undefined;
  const a = attachmentOption(raw, options, 'file');
  return a ? fileInput(a) : { message: ATTACHMENT_MISSING };
}

/** /corpus add file: | url: — exactly one of the two. */
export function addInput(
  raw: RawInteraction,
  options: readonly RawOption[],
): ArticleInput | { message: string } {
  const url = stringOption(options, 'url')?.trim() ?? '';
  const file = attachedInput(raw, options);
  if (url && file) return { message: ONE_OF_FILE_OR_URL };
  if (file) return file;
  return url ? { kind: 'url', url } : { message: ONE_OF_FILE_OR_URL };
}
