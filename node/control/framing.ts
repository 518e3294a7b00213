/**
 * Newline-delimited JSON framing for the control socket. One reader serves both ends so a
 * malformed or oversized line is handled the same way by the daemon and its clients.
 */
import type { Socket } from 'node:net'

/** A line longer than this is a client bug or an attack: drop the connection. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024

export interface LineReaderEvents {
  onLine: (line: string) => void
  onOversize: () => void
}

export function readLines (socket: Socket, events: LineReaderEvents): void {
  let buffered = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffered += chunk
    let nl = buffered.indexOf('\n')
    while (nl !== -1) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      if (line.trim() !== '') events.onLine(line)
      nl = buffered.indexOf('\n')
    }
    if (buffered.length > MAX_LINE_BYTES) {
      buffered = ''
      events.onOversize()
    }
  })
}

export function writeLine (socket: Socket, value: unknown): boolean {
  if (socket.destroyed || !socket.writable) return false
  return socket.write(JSON.stringify(value) + '\n')
}
