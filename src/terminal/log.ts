/**
 * The terminal's /log [page]: the audit log (who changed the articles, re-indexed or undid a pick,
 * and when), read from the corpus service; without a store there is none to read.
 */
import { MAX_LOG_PAGE } from '../app/bounds.js';
import type { Services } from '../commands/commands.js';
import { renderLog } from '../render/log.js';
import { type Style, terminalSafe } from '../render/terminal.js';

/** Said when the session has no corpus service (the store is not open). */
export const NO_AUDIT_LOG = 'The audit log needs the store (DATA_DIR); it is not open in this session.';

/** /log [page] */
export async function logCommand(services: Services, argument: string, style: Style): Promise<string> {
  const admin = services.admin;
  if (!admin) return style.warn(NO_AUDIT_LOG);
  const page = argument.trim() ? Number(argument.trim()) : 1;
  if (!Number.isInteger(page) || page < 1 || page > MAX_LOG_PAGE) {
    return style.warn(
      `/log takes a page number from 1 to ${MAX_LOG_PAGE}; got "${terminalSafe(argument.slice(0, 40))}".`,
    );
  }
  return renderLog(await admin.log(page), style);
}
