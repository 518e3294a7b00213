import { SlmError } from '../../protocol/errors.js'

/** No daemon answers on the control socket. */
export class DaemonNotRunningError extends SlmError {
  constructor (socketPath: string, cause?: unknown) {
    super('ERR_DAEMON_DOWN', `no slm daemon is running for this state dir (nothing answers on ${socketPath}); start it with 'slm daemon'`, { cause })
    this.name = 'DaemonNotRunningError'
  }
}

/** The daemon answered a request with an error. */
export class ControlCallError extends SlmError {
  constructor (code: string, message: string) {
    super(code, message)
    this.name = 'ControlCallError'
  }
}

/** The connection to the daemon went away while a call was in flight. */
export class ControlClosedError extends SlmError {
  constructor () {
    super('ERR_CONTROL_CLOSED', 'the connection to the daemon was closed')
    this.name = 'ControlClosedError'
  }
}
