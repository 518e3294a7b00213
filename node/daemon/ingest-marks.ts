/**
 * Per origin, the highest seq of gossiped events on their way into the store. A heartbeat names
 * its sender's latest seq and a replica behind it pulls (anti-entropy); but a heartbeat that
 * follows its sender's events by a moment arrives while they still wait for their commit, and
 * pulling them then cost a sync exchange per member for events already in hand (a code sync to
 * 10 nodes made 60–80 such exchanges across the fleet). Pure bookkeeping, no I/O.
 */
export class IngestMarks {
  private readonly top = new Map<string, number>()

  /** Events of `origin` up to `seq` were handed to the store. */
  begin (origin: string, seq: number): void {
    if (seq > (this.top.get(origin) ?? 0)) this.top.set(origin, seq)
  }

  /** The ingest that `begin(origin, seq)` started settled (stored, gapped or failed). */
  end (origin: string, seq: number): void {
    if (this.top.get(origin) === seq) this.top.delete(origin)
  }

  /** Whether `seq` of `origin` is beyond both what the store holds and what is on its way there. */
  ahead (origin: string, seq: number, stored: number): boolean {
    return seq > Math.max(stored, this.top.get(origin) ?? 0)
  }
}
