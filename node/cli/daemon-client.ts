/** Opens the control client for the state dir a command was given, and always closes it. */
import { join } from 'node:path'
import { ControlClient } from '../control/index.js'
import { CONTROL_SOCKET_NAME } from '../../protocol/control.js'

export function socketPathFor (dir: string): string {
  return join(dir, CONTROL_SOCKET_NAME)
}

export async function withDaemon<T> (dir: string, fn: (client: ControlClient) => Promise<T>): Promise<T> {
  const client = await ControlClient.connect(socketPathFor(dir))
  try {
    return await fn(client)
  } finally {
    client.close()
  }
}
