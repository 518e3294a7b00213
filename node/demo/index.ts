export { startDemoFleet, seedDemoFleet } from './fleet.js'
export type { DemoFleet, DemoNode } from './fleet.js'
