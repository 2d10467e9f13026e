/**
 * The safety net over discord.js's gateway dispatch. A gateway event discord.js cannot turn into
 * objects (a payload shape it does not expect, such as an INTERACTION_CREATE without `entitlements`)
 * throws inside discord.js, outside every handler of ours, as an unhandled rejection that ends the
 * process. The failure belongs to that one event: the session, its sequence number and every other event
 * are fine. So the packet handler is wrapped: the event is logged with an error id and skipped. The
 * process-level guard in run.ts catches what gets past this (if `WebSocketManager#handlePacket`, which is
 * discord.js-internal, is gone).
 */
import type { Client } from 'discord.js';
import { errorText, newErrorId } from '../../interactions/guard.js';
import type { Logger } from '../../log.js';

/** What discord.js's WebSocketManager#handlePacket gets. */
export interface GatewayPacket {
  t?: string | null;
  d?: unknown;
}

/**
 * Wraps discord.js's packet handler; `onFailure` hears of every packet it could not handle, with the
 * error id it was logged under. Returns false when there was nothing to wrap.
 */
export function guardGatewayDispatch(
  client: Client,
  log: Logger,
  onFailure: (packet: GatewayPacket | undefined, errorId: string) => void,
): boolean {
  const ws = client.ws as unknown as {
    handlePacket?: (packet?: GatewayPacket, shard?: unknown) => boolean;
  };
  const original = ws.handlePacket;
  if (typeof original !== 'function') {
    log.warn('cannot guard gateway events: discord.js has no WebSocketManager#handlePacket');
    return false;
  }
  ws.handlePacket = (packet?: GatewayPacket, shard?: unknown): boolean => {
    try {
      return original.call(ws, packet, shard);
    } catch (err) {
      const errorId = newErrorId();
      const d = (packet?.d ?? {}) as { id?: unknown };
      log.error('discord.js could not handle a gateway event; skipped it', {
        errorId,
        event: packet?.t ?? 'unknown',
        ...(packet?.t === 'INTERACTION_CREATE' && typeof d.id === 'string' ? { interaction: d.id } : {}),
        error: errorText(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
      onFailure(packet, errorId);
      return true;
    }
  };
  return true;
}
