/**
 * A daemon config for test fleets: resource thresholds off (a busy 2-core CI box would otherwise
 * make nodes `degraded` at random), fast reconcile, anti-entropy and gossip repair, and a
 * remediation command that does not need systemd. Tests that exercise thresholds write their own.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function testConfig (extra: Record<string, unknown> = {}): string {
  const base: Record<string, unknown> = {
    thresholds: { cpu: 0, memory: 0, disk: 0 },
    reconcileIntervalMs: 300,
    syncIntervalMs: 2000,
    drainTimeoutMs: 2000,
    // A link without gossip (a frozen or killed member's leftovers) is reopened within a test's waits.
    gossipRepairAfterMs: 10_000,
    remediation: { restartCommand: 'true', maxPerHour: 3 },
    ...extra
  }
  const file = join(mkdtempSync(join(tmpdir(), 'slm-cfg-')), 'slm.yaml')
  writeFileSync(file, JSON.stringify(base, null, 2)) // JSON is YAML
  return file
}
