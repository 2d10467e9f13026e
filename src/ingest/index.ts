/**
 * Ingesting an article from outside, for the corpus service: fetch a page or an attachment
 * safely, then turn its text into an article draft. See types.ts for the contract.
 */
export { fetchAttachment, fetchText, type AttachmentRef } from './fetch.js';
export { toDraft } from './document.js';
export { classifyAddress, type AddressKind, type AddressVerdict } from './address.js';
export { formatSize } from './format.js';
export { DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT_MS } from './transfer.js';
export * from './types.js';
