/** The one gossip topic: heartbeats, node events and commands share it (one decoder, one validator). */
export const FLEET_TOPIC = '/slm/fleet/1'
export const SYNC_PROTOCOL = '/slm/sync/1.0.0'
export const PEERS_PROTOCOL = '/slm/peers/1.0.0'

/** Loopback is always allowed past the per-IP inbound rate limit (PITFALLS: 14+ daemons on one host). */
export const DEFAULT_ALLOW = ['/ip4/127.0.0.0/ipcidr/8']
/** Loopback is exempt from gossipsub's IP-colocation penalty for the same reason. */
export const DEFAULT_COLOCATION_WHITELIST = ['127.0.0.1']
/** @default 128 — direct connections kept; beyond this peers hear messages through lazy gossip (IHAVE/IWANT). */
export const DEFAULT_MAX_CONNECTIONS = 128
export const DEFAULT_DIAL_TIMEOUT_MS = 5_000
