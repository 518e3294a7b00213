/**
 * The slm terminal dashboard (Ink + React): `runTui` for the CLI's `slm tui` and `slm demo`,
 * `App` for embedding and tests, and the `FleetSource` contract it reads the fleet through.
 */
// Must stay the first import: it picks React's production build before React loads.
import './env.js'
export { runTui, type RunTuiOptions } from './run.js'
export { App, type AppProps } from './app.js'
export type { FleetSource, ConnectFleet } from './source.js'
export { createSigner, type CommandSigner } from './commands/index.js'
