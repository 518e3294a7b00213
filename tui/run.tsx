/**
 * `slm tui`: mounts the App full-screen (alternate screen, like k9s and htop) and resolves when
 * the user quits.
 */
import { render } from 'ink'
import { App } from './app.js'
import { createSigner } from './commands/signer.js'
import type { ConnectFleet } from './source.js'

export interface RunTuiOptions {
  /** Opens a connection to the daemon (the CLI passes `ControlClient.connect(socket)`). */
  connect: ConnectFleet
  /** Operator private key, PEM; without it the TUI is read-only. */
  operatorKeyPem?: string
  stdout?: NodeJS.WriteStream
  stdin?: NodeJS.ReadStream
  /** Route console output above the dashboard instead of through it. @default true */
  patchConsole?: boolean
}

export async function runTui (opts: RunTuiOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout
  const signer = opts.operatorKeyPem != null ? createSigner(opts.operatorKeyPem) : undefined
  const instance = render(
    <App connect={opts.connect} signer={signer} />,
    {
      stdout,
      stdin: opts.stdin ?? process.stdin,
      // Our bindings own ctrl-c so quitting also closes the control connection cleanly.
      exitOnCtrlC: false,
      // A dashboard in a terminal is interactive even when CI=true is set (Ink would otherwise
      // print nothing until exit: a CI job's debug shell, or our own tmux test under .ci/run).
      interactive: stdout.isTTY === true,
      alternateScreen: stdout.isTTY === true,
      maxFps: 30,
      patchConsole: opts.patchConsole ?? true
    }
  )
  await instance.waitUntilExit()
}
