/**
 * Brief heartbeats. Most of a heartbeat's bytes (the role detection, the monitored services, the
 * listening ports: 2–5 KiB of its 3–6) change rarely, yet every member decrypted, parsed and
 * validated them every interval from every other. A sender now includes them (a full heartbeat)
 * only when they changed, when a peer connected since its last full one, and every
 * `FULL_HEARTBEAT_EVERY` beats; in between it sends a brief one that names their hash, and the
 * receiver fills them in from the last full heartbeat of that origin. Pure: no I/O.
 */
import { createHash } from 'node:crypto'
import { canonicalJson } from './canonical.js'
import type { Heartbeat, WireHeartbeat } from './types.js'

/** @default 6 — at most this many beats (30 s at the default interval) between full heartbeats. */
export const FULL_HEARTBEAT_EVERY = 6

/** Hash of the parts a brief heartbeat leaves out (base64url, 128 bits). */
export function stableHash (hb: Heartbeat): string {
  const parts = { detectedRoles: hb.detectedRoles, services: hb.health.services, listeningPorts: hb.health.listeningPorts }
  return createHash('sha256').update(canonicalJson(parts)).digest('base64url').slice(0, 22)
}

/** `hb` without its stable parts, naming them by `hb.stable`. */
export function briefOf (hb: Heartbeat & { stable: string }): WireHeartbeat {
  const { detectedRoles: _roles, health, ...rest } = hb
  const { services: _services, listeningPorts: _ports, ...brief } = health
  return { ...rest, health: brief }
}

/** Whether a wire heartbeat carries its stable parts. */
export function isFull (hb: WireHeartbeat): hb is Heartbeat {
  return hb.detectedRoles !== undefined
}

/**
 * The whole heartbeat a receiver keeps. A brief one takes the stable parts of `prev` (the same
 * origin's last heartbeat). If `prev` was sent under another hash (a full heartbeat went missing),
 * they are still the best there is, but keep `prev`'s hash: the next brief one must not look
 * current, and the next full one (at most FULL_HEARTBEAT_EVERY beats away) replaces them.
 */
export function completeHeartbeat (hb: WireHeartbeat, prev: Heartbeat | undefined): Heartbeat {
  if (isFull(hb)) return hb
  const health = { ...hb.health, services: prev?.health.services ?? [], listeningPorts: prev?.health.listeningPorts ?? [] }
  const { stable: _stable, ...rest } = hb
  const stable = prev?.stable
  return { ...rest, health, detectedRoles: prev?.detectedRoles ?? {}, ...(stable !== undefined ? { stable } : {}) }
}

export interface FullBeatState {
  /** Hash of the stable parts of the last full heartbeat sent, if any. */
  lastHash: string | undefined
  /** Beats sent since that full heartbeat. */
  sinceFull: number
  /** A peer connected since then: it has nothing to fill a brief heartbeat from. */
  peerJoined: boolean
}

export function fullBeatDue (hash: string, s: FullBeatState): boolean {
  return s.lastHash !== hash || s.peerJoined || s.sinceFull + 1 >= FULL_HEARTBEAT_EVERY
}
