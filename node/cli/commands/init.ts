/**
 * `slm init [--dir] [--name NAME] [--new-fleet | --fleet-key FILE] [--admin-pubkey KEY]...`
 * Creates the state dir (0700) and the node key, records the bootstrap settings, and prints the
 * node id on stdout (notes go to stderr, so `ID=$(slm init)` works). Safe to run again: the node
 * key is never replaced, so the id stays the same.
 */
import { Option } from 'commander'
import { globals } from '../context.js'
import { printJson, print } from '../output.js'
import type { Command } from 'commander'

interface InitOptions {
  name?: string
  newFleet?: boolean
  fleetKey?: string
  adminPubkey: string[]
}

export interface InitResult {
  nodeId: string
  name: string
  dir: string
  /** Path of the fleet key in the state dir, or null when the node has none yet. */
  fleetKey: string | null
  /** False when the node key already existed (id unchanged). */
  created: boolean
  fleetKeyStatus: 'created' | 'copied' | 'unchanged' | 'kept' | 'present' | 'none'
  adminPubkeys: string[]
}

const collect = (value: string, prev: string[]): string[] => [...prev, value]

export function register (program: Command): void {
  program
    .command('init')
    .description('create this node\'s state dir and identity key (never replaces an existing key)')
    .option('--name <name>', 'node name shown to the fleet (default: host name)')
    .addOption(new Option('--new-fleet', `write a new fleet key to <dir>/fleet.key`).conflicts('fleetKey'))
    .addOption(new Option('--fleet-key <file>', 'copy an existing fleet\'s key to <dir>/fleet.key').conflicts('newFleet'))
    .option('--admin-pubkey <key>', 'trust this operator key as admin (repeatable)', collect, [])
    .action(async (opts: InitOptions, command: Command) => {
      const { dir, json } = globals(command)
      const result = await init(dir, opts)
      if (json) {
        printJson(result)
        return
      }
      note(result.created
        ? `created node key in ${dir}`
        : `node key already exists in ${dir}; keeping node id`)
      if (result.fleetKeyStatus === 'kept') note(`fleet key already exists at ${result.fleetKey}; kept it`)
      if (result.fleetKeyStatus === 'none') note('no fleet key yet: run again with --new-fleet or --fleet-key FILE')
      print(result.nodeId)
    })
}

function note (text: string): void {
  process.stderr.write(text + '\n')
}

export async function init (dir: string, opts: InitOptions): Promise<InitResult> {
  const { copyFleetKey, createFleetKey, ensureDir, fleetKeyPath, loadOrCreateNodeKey, writeInitSeed } = await import('../../identity/index.js')
  await ensureDir(dir)
  const key = await loadOrCreateNodeKey(dir)
  const fleetPath = fleetKeyPath(dir)
  let fleetKeyStatus: InitResult['fleetKeyStatus']

  if (opts.fleetKey != null) {
    fleetKeyStatus = await copyFleetKey(opts.fleetKey, dir)
  } else if (await hasFleetKey(fleetPath)) {
    // Never replace a fleet key: it would silently move the node to another fleet.
    fleetKeyStatus = opts.newFleet === true ? 'kept' : 'present'
  } else if (opts.newFleet === true) {
    await createFleetKey(fleetPath)
    fleetKeyStatus = 'created'
  } else {
    fleetKeyStatus = 'none'
  }

  const seedInput: { name?: string, adminPubkeys: string[] } = { adminPubkeys: opts.adminPubkey ?? [] }
  if (opts.name != null) seedInput.name = opts.name
  const seed = await writeInitSeed(dir, seedInput)
  return {
    nodeId: key.nodeId,
    name: seed.name,
    dir,
    fleetKey: fleetKeyStatus === 'none' ? null : fleetPath,
    created: key.created,
    fleetKeyStatus,
    adminPubkeys: seed.adminPubkeys
  }
}

async function hasFleetKey (path: string): Promise<boolean> {
  const { loadFleetKey } = await import('../../identity/index.js')
  try {
    await loadFleetKey(path)
    return true
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_NO_FLEET_KEY') return false
    throw err // a malformed fleet.key is reported, not overwritten
  }
}
