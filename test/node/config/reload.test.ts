import { describe, expect, it } from 'vitest'
import { defaultConfig, planReload } from '../../../node/config/index.js'

describe('planReload', () => {
  it('nothing changed: nothing to do', () => {
    expect(planReload(defaultConfig('/s'), defaultConfig('/s'))).toEqual({ apply: [], restart: [] })
  })

  it('thresholds, remediation and the log level apply now; listen addresses and the state dir need a restart', () => {
    const next = defaultConfig('/other')
    next.thresholds = { ...next.thresholds, disk: 1 }
    next.remediation = { ...next.remediation, maxPerHour: 9 }
    next.log = { level: 'debug' }
    next.listen = ['/ip4/127.0.0.1/tcp/1']
    const plan = planReload(defaultConfig('/s'), next)
    expect(plan.apply.sort()).toEqual(['log', 'remediation', 'thresholds'])
    expect(plan.restart).toContain('listen')
    expect(plan.restart).toContain('dir')
  })
})
