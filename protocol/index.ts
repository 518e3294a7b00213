/**
 * protocol: the wire types of slm, runtime validation of untrusted bytes, the one versioned
 * encoding, RFC 8785 canonical JSON, Ed25519 signing and the hybrid logical clock. No I/O, and
 * nothing from node/ or tui/: everything here is shared by the daemon, the CLI and the TUI.
 */
export * from './types.js'
export * from './control.js'
export * from './errors.js'
export * from './canonical.js'
export * from './hlc.js'
export * from './ids.js'
export * from './schema.js'
export * from './codec.js'
export * from './sign.js'
export * from './relayed-beat.js'
