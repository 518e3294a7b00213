/**
 * Node.js flags every daemon is started with (the demo, the test fleets and the systemd unit all
 * spawn `node FLAGS main.js daemon`). V8 reads heap sizing only at start: set from inside the
 * daemon it is ignored.
 *
 * V8 grows the young generation to 64-128 MiB on this kind of host; an idle daemon allocates
 * ~0.5 MiB/s of short-lived objects and gains nothing from more than a few MiB of it. 8 MiB
 * semi-spaces cut a daemon's resident memory by ~35-60 MiB (166 -> 131 MiB at 10 daemons; more
 * where load grew the young generation to its maximum) at no CPU cost measurable in idle runs.
 */
const SEMI_SPACE_MIB = 8

/**
 * After each full collection V8 lets the old generation grow by a factor it picks from how cheap
 * collecting was: ~1.3-1.5x for a daemon's 30-40 MiB heap, and it starts marking once the room
 * left is less than the young generation could promote. A code sync (a bundle through four
 * stream layers, git processes, reports from every node) grows the old generation by a few MiB,
 * so nearly every daemon ran a full collection in every sync, with main-thread marking steps of up
 * to 48 ms. At 2x: full collections in a 10-node sync 12-15 -> 2-3 across the fleet, the sync's
 * CPU 3.4 -> 2.5 s and its time 1.82 -> 1.51 s (one receiver: 0.39 -> 0.29 s); idle CPU and
 * resident memory at 30 daemons unchanged within their run-to-run spread.
 */
const HEAP_GROWING_PERCENT = 100

/**
 * The semi-spaces at SEMI_SPACE_MIB from the start, not grown into: V8 begins at 1 MiB and grows
 * them only under a high survival rate, which an idle daemon never has, so it scavenged every
 * ~1 MiB (about once a second at 30 daemons) and promoted what lived a few seconds (each peer's
 * last heartbeat) into the old generation, whose full collections then ran every ~40 s. At 8 MiB
 * from the start: scavenges 181 -> 71 and full collections 7 -> 2-5 per daemon in the same 200 s,
 * idle CPU 1.29 -> 1.21 % at 30 daemons, resident memory about the same (138 -> 143 MiB). Then
 * the old generation's growth (above).
 */
export const DAEMON_NODE_FLAGS: readonly string[] = [
  `--max-semi-space-size=${SEMI_SPACE_MIB}`,
  `--min-semi-space-size=${SEMI_SPACE_MIB}`,
  `--heap-growing-percent=${HEAP_GROWING_PERCENT}`
]

/** The young generation's largest size under that flag (two semi-spaces), in MiB: tests check it took. */
export const YOUNG_GENERATION_LIMIT_MIB = 2 * SEMI_SPACE_MIB
