/**
 * Issue 6 end to end in a real terminal: `slm demo --nodes 3` inside tmux, driven with send-keys
 * and read with capture-pane, then checked against another daemon's `slm nodes --json`.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { slm, slmBin, waitFor } from '../helpers/index.js'

const session = `slm-e2e-${process.pid}`
const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' })
const screen = (): string => tmux('capture-pane', '-p', '-t', session)
const alive = (): boolean => { try { tmux('has-session', '-t', session); return true } catch { return false } }

/** Waits for the screen to satisfy `ok`; on timeout the error carries the last screen seen. */
async function waitScreen (ok: (s: string) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  let last = ''
  try {
    await waitFor(() => ok(last = screen()), { timeoutMs, intervalMs: 300, what })
  } catch (err) {
    throw new Error(`${(err as Error).message}; the screen was:\n${last}`)
  }
}

function hasTmux (): boolean {
  try { execFileSync('tmux', ['-V']); return true } catch { return false }
}

/** The demo's temp root: the newest slm-demo-* dir created after `since`. */
function demoRoot (since: number): string | null {
  const dirs = readdirSync(tmpdir()).filter(d => d.startsWith('slm-demo-')).map(d => join(tmpdir(), d))
    .filter(d => statSync(d).ctimeMs >= since - 1000).sort((a, b) => statSync(b).ctimeMs - statSync(a).ctimeMs)
  return dirs[0] ?? null
}

function daemonPids (root: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `daemon .*--dir ${root}`], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number)
  } catch { return [] }
}

describe('the dashboard in a real terminal', () => {
  const killSession = (): void => { if (alive()) tmux('kill-session', '-t', session) }
  beforeEach(killSession)
  afterAll(killSession)

  it('slm demo --nodes 3: filter, open, command maintenance, and quit cleanly', async () => {
    if (!hasTmux()) throw new Error('tmux is required for this test (apt-get install tmux; .ci/run installs it)')
    const started = Date.now()
    const [node, main] = slmBin()
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `${node} ${main} demo --nodes 3`)
    // Rows of the fleet view, not the demo's start-up lines or the header's counts: keys sent
    // before the TUI owns the terminal would be lost.
    await waitScreen(s => /Fleet \(3\)/.test(s) && (s.match(/^\s+n\d\b.*\bonline\s+alive\b/gm) ?? []).length === 3, 'three online rows on the fleet view', 60_000)
    const root = demoRoot(started)
    expect(root).not.toBeNull()

    // `/` filter narrows to n2.
    tmux('send-keys', '-t', session, '/')
    tmux('send-keys', '-t', session, '-l', 'n2')
    tmux('send-keys', '-t', session, 'Enter')
    await waitScreen(s => /\bn2\b/.test(s) && !/\bn1\b.*online/.test(s) && !/\bn3\b.*online/.test(s), 'the filter to narrow the list to n2')

    // Enter opens the node; Esc comes back.
    tmux('send-keys', '-t', session, 'Enter')
    await waitScreen(s => /history/i.test(s), 'the node view with its history')
    tmux('send-keys', '-t', session, 'Escape')
    // Back on the fleet view before the next key: ESC and ':' in one read would be alt-:.
    await waitScreen(s => /^Fleet \(/m.test(s), 'back to the fleet view')

    // `:maintenance enter planned "test"` on the selected node (n2), confirmed if asked.
    tmux('send-keys', '-t', session, ':')
    tmux('send-keys', '-t', session, '-l', 'maintenance enter planned "test"')
    tmux('send-keys', '-t', session, 'Enter')
    await waitScreen(s => {
      if (/\(y\/N\)|\[y\/N\]/i.test(s)) tmux('send-keys', '-t', session, 'y')
      return /^\s+n2\b.*\bmaint(enance_|\.)planned\b/m.test(s)
    }, 'n2 shown in maintenance_planned', 20_000)

    const other = await slm(['nodes', '--json'], { dir: join(root!, 'n3') })
    const n2 = (other.json as any[]).find(n => n.name === 'n2')
    expect(n2.state).toBe('maintenance_planned')

    // q quits: the demo stops every daemon and removes its temp dir.
    tmux('send-keys', '-t', session, 'Escape')
    tmux('send-keys', '-t', session, 'q')
    await waitFor(() => !alive(), { timeoutMs: 20_000, what: 'the demo to exit' })
    await waitFor(() => daemonPids(root!).length === 0, { timeoutMs: 10_000, what: 'no daemon left behind' })
    expect(existsSync(root!)).toBe(false)
  }, 120_000)

  it('closing the terminal (SIGHUP) also stops every daemon and removes the temp dir', async () => {
    const started = Date.now()
    const [node, main] = slmBin()
    tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', `${node} ${main} demo --nodes 2`)
    await waitScreen(s => /Fleet \(2\)/.test(s) && (s.match(/^\s+n\d\b.*\bonline\s+alive\b/gm) ?? []).length === 2, 'two online rows', 60_000)
    const root = demoRoot(started)!
    expect(daemonPids(root).length).toBe(2)
    tmux('kill-session', '-t', session)
    await waitFor(() => daemonPids(root).length === 0 && !existsSync(root), { timeoutMs: 20_000, what: 'daemons stopped and the temp dir removed after SIGHUP' })
  }, 120_000)
})
