/**
 * Secret files: written whole or not at all (temp file + rename/link), mode 0600 from the first
 * byte (the temp file is opened with that mode, so no window with looser permissions).
 */
import { randomBytes } from 'node:crypto'
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'

export const SECRET_FILE_MODE = 0o600
export const STATE_DIR_MODE = 0o700

/** Creates `dir` (and parents) with mode 0700 when missing; an existing dir is left as it is. */
export async function ensureDir (dir: string, mode = STATE_DIR_MODE): Promise<void> {
  await mkdir(dir, { recursive: true, mode })
}

async function writeTemp (path: string, data: Uint8Array | string): Promise<string> {
  await ensureDir(dirname(path))
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const fh = await open(tmp, 'wx', SECRET_FILE_MODE)
  try {
    await fh.writeFile(data)
    await fh.chmod(SECRET_FILE_MODE) // open's mode is masked by umask; make it exact
    await fh.sync()
  } finally {
    await fh.close()
  }
  return tmp
}

async function syncDir (dir: string): Promise<void> {
  // fsync of the directory makes the rename/link itself durable; not every platform allows it.
  try {
    const fh = await open(dir, 'r')
    try { await fh.sync() } finally { await fh.close() }
  } catch {}
}

/** Atomically creates or replaces `path`. */
export async function writeSecretFile (path: string, data: Uint8Array | string): Promise<void> {
  const tmp = await writeTemp(path, data)
  try {
    await rename(tmp, path)
  } catch (err) {
    await unlink(tmp).catch(() => {})
    throw err
  }
  await syncDir(dirname(path))
}

/**
 * Atomically creates `path` only if it does not exist: `link()` fails with EEXIST instead of
 * replacing, so two racing `slm init`s cannot both win. Returns false if it already existed.
 */
export async function createSecretFile (path: string, data: Uint8Array | string): Promise<boolean> {
  const tmp = await writeTemp(path, data)
  try {
    await link(tmp, path)
    await syncDir(dirname(path))
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  } finally {
    await unlink(tmp).catch(() => {})
  }
}

export async function exists (path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}

/** Reads a file, or returns null when it does not exist. */
export async function readIfExists (path: string): Promise<Buffer | null> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

export async function fileMode (path: string): Promise<number> {
  return (await stat(path)).mode & 0o777
}

export { chmod }
