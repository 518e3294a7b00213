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
 * And from the start, not grown into: V8 begins at 1 MiB semi-spaces and grows them only under a
 * high survival rate, which an idle daemon never has, so it scavenged every ~1 MiB (about once a
 * second at 30 daemons) and promoted what lived a few seconds (each peer's last heartbeat) into the
 * old generation, whose full collections then ran every ~40 s. At 8 MiB from the start: scavenges
 * 181 -> 71 and full collections 7 -> 2-5 per daemon in the same 200 s, idle CPU 1.29 -> 1.21 %
 * at 30 daemons, resident memory about the same (138 -> 143 MiB).
 */
export const DAEMON_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MIB}`, `--min-semi-space-size=${SEMI_SPACE_MIB}`]

/** The young generation's largest size under that flag (two semi-spaces), in MiB: tests check it took. */
export const YOUNG_GENERATION_LIMIT_MIB = 2 * SEMI_SPACE_MIB
