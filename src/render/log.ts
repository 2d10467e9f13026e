/**
 * The audit log as terminal text (the terminal's /log): one line per entry, newest first, with the
 * same fields /corpus log shows in Discord: when, who, what, to what, and what happened.
 */
import type { AuditPage, ManageRefusal } from '../manage/types.js';
import type { AuditEntry } from '../store/corpus-types.js';
import { plainStyle, type Style, terminalSafe } from './terminal.js';

/** "2024-05-01 12:34 UTC". */
function when(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One line, control characters and line breaks flattened. */
function line(s: string): string {
  return terminalSafe(s).replace(/\s+/gu, ' ').trim();
}

/** One entry: when · who · action · target · detail. */
export function auditEntryLine(e: AuditEntry, style: Style = plainStyle): string {
  const detail = line(e.detail);
  return [
    style.dim(when(e.at)),
    line(e.actor),
    style.bold(line(e.action)),
    line(e.target),
    ...(detail ? [detail] : []),
  ].join(' · ');
}

/** A page of the audit log, or why it could not be read. */
export function renderLog(result: AuditPage | ManageRefusal, style: Style = plainStyle): string {
  if (!result.ok) return style.warn(result.message);
  if (result.total === 0) return 'Nothing in the audit log yet.';
  const entries = result.total === 1 ? '1 entry' : `${result.total} entries`;
  return [
    style.bold(`Audit log, newest first (page ${result.page} of ${result.pages}, ${entries}):`),
    ...result.entries.map((e) => `  ${auditEntryLine(e, style)}`),
    ...(result.pages > 1 ? [style.dim('/log N shows page N.')] : []),
  ].join('\n');
}
