/**
 * Identity and trust material on disk: the node key (PeerId), the fleet's pre-shared key, operator
 * keys, and the bootstrap settings `slm init` records.
 */
export { NODE_KEY_FILE, nodeKeyPath, nodeIdOf, loadNodeKey, loadOrCreateNodeKey } from './node-key.js'
export type { NodeKey } from './node-key.js'
export {
  FLEET_KEY_FILE,
  fleetKeyPath,
  newFleetKey,
  parseFleetKey,
  loadFleetKey,
  createFleetKey,
  copyFleetKey
} from './fleet-key.js'
export type { CopyFleetKeyResult } from './fleet-key.js'
export {
  defaultOperatorKeyPath,
  writeOperatorKey,
  createOperatorKey,
  loadOperatorKey,
  isKeyFileTooOpen
} from './operator-key.js'
export type { OperatorKey } from './operator-key.js'
export {
  INIT_SEED_FILE,
  OPERATOR_PUBKEY,
  NODE_NAME,
  initSeedPath,
  readInitSeed,
  writeInitSeed,
  validateAdminPubkey,
  validateNodeName,
  defaultNodeName
} from './config-seed.js'
export type { InitSeed, InitSeedInput } from './config-seed.js'
export { SECRET_FILE_MODE, STATE_DIR_MODE, ensureDir, writeSecretFile, createSecretFile } from './files.js'
export { KeyFileError, KeyExistsError, InitSeedError } from './errors.js'
