/**
 * A node action and the reconciler step that follows it at once go out as one gossip message
 * (actionBatch with a real Outbox; the steps and the tick are stand-ins that publish events).
 */
import { describe, expect, it } from 'vitest'
import { actionBatch } from '../../../node/daemon/actions.js'
import { Outbox } from '../../../node/daemon/outbox.js'
import type { NodeEvent, NodeState } from '../../../protocol/types.js'
import { sleep } from '../../helpers/wait.js'

const ev = (seq: number, type = 'transition'): NodeEvent => ({ seq, type } as unknown as NodeEvent)

/** Holds long enough that only the batches decide when events go out. */
function outbox (): { box: Outbox, sent: number[][] } {
  const sent: number[][] = []
  return { box: new Outbox({ send: (events) => { sent.push(events.map(e => e.seq)) }, maxHoldMs: 5000, transitionHoldMs: 5000 }), sent }
}

describe('actionBatch', () => {
  it('sends a maintenance exit and the tick that brings the node online as one message', async () => {
    const { box, sent } = outbox()
    let state: NodeState = 'maintenance_planned'
    let ticked!: () => void
    const tickDone = new Promise<void>((resolve) => { ticked = resolve })
    const result = await actionBatch(box, async () => {
      box.publish(ev(1, 'command_result')) // accepted
      box.publish(ev(2)) // -> maintenance_offline
      box.publish(ev(3)) // -> maintenance_recovering
      state = 'maintenance_recovering'
      box.publish(ev(4, 'command_result')) // applied
      return 'applied'
    }, {
      state: () => state,
      tick: async () => {
        await sleep(20) // role checks
        box.publish(ev(5)) // -> online
        ticked()
      }
    })
    // The operator is answered when the action's steps are done; the tick is still running.
    expect(result).toBe('applied')
    expect(sent).toEqual([])
    await tickDone
    await sleep(0)
    expect(sent).toEqual([[1, 2, 3, 4, 5]])
  })

  it('does not wait for a tick after an action that leaves the node where it stays', async () => {
    const { box, sent } = outbox()
    let ticks = 0
    await actionBatch(box, async () => {
      box.publish(ev(1, 'command_result'))
      box.publish(ev(2)) // -> maintenance_planned
      box.publish(ev(3, 'command_result'))
    }, { state: () => 'maintenance_planned', tick: async () => { ticks++ } })
    expect(sent).toEqual([[1, 2, 3]])
    expect(ticks).toBe(0)
  })

  it('sends what the action wrote even when the tick fails', async () => {
    const { box, sent } = outbox()
    await actionBatch(box, async () => { box.publish(ev(1)) }, {
      state: () => 'maintenance_immediate',
      tick: async () => { throw new Error('reconcile failed') }
    })
    await sleep(0)
    expect(sent).toEqual([[1]])
  })
})
