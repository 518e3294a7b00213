/**
 * This node's own lifecycle: every change is validated against the state machine, written to the
 * store (durable before it is gossiped) and published. One queue, so steps never interleave.
 */
import type { EventBodies, EventType, NodeEvent, NodeState } from '../../protocol/types.js'
import { transitionBody, type TransitionContext } from '../lifecycle/index.js'

export interface SelfComponents {
  /** Appends to our own log, durable on return. */
  append: <T extends EventType>(type: T, body: EventBodies[T]) => Promise<NodeEvent>
  state: () => NodeState
  publish: (event: NodeEvent) => void
}

export class SelfLifecycle {
  private readonly c: SelfComponents
  private queue: Promise<unknown> = Promise.resolve()

  constructor (components: SelfComponents) {
    this.c = components
  }

  /** Serialises `fn` behind every earlier self change. */
  async exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn)
    this.queue = run.catch(() => {})
    return await run
  }

  /** Walks `to` (validated, recorded, gossiped). Throws InvalidTransitionError with valid next states. */
  async moveTo (to: NodeState, ctx: TransitionContext): Promise<NodeEvent> {
    const body = transitionBody(this.c.state(), to, ctx)
    return await this.record('transition', body)
  }

  async record<T extends EventType> (type: T, body: EventBodies[T]): Promise<NodeEvent> {
    const event = await this.c.append(type, body)
    this.c.publish(event)
    return event
  }
}
