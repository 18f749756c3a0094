import path from 'node:path'

import {readTrustedFileSync, writePrivateFileAtomic} from '../core/files/private-file.js'

/**
 * The lab's port is kept in its data dir, so `dcm lab stop` then `dcm lab start --detach` serves the same URL
 * again and a shell that ran `eval "$(dcm lab env)"` keeps working. Taken again only when free: a port some
 * other program has taken since is not worth failing the start for.
 */
export const PORT_FILE = 'port'

export async function readRememberedPort(dataDir: string): Promise<number | undefined> {
  try {
    const port = Number((readTrustedFileSync(path.join(dataDir, PORT_FILE)) ?? '').trim())
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined
  } catch {
    return undefined
  }
}

export async function rememberPort(dataDir: string, port: number): Promise<void> {
  await writePrivateFileAtomic(path.join(dataDir, PORT_FILE), `${port}\n`, 0o600)
}

/**
 * Start on `requested` when given (an explicit --port fails when taken), else on the remembered port, else on
 * any free one; the port it got is remembered.
 */
export async function startOnRememberedPort<T extends {port: number}>(
  dataDir: string,
  requested: number,
  start: (port: number) => Promise<T>,
): Promise<T> {
  const remembered = requested === 0 ? await readRememberedPort(dataDir) : undefined
  let handle: T
  try {
    handle = await start(remembered ?? requested)
  } catch (error) {
    if (remembered === undefined || !isAddressInUse(error)) throw error
    handle = await start(0)
  }
  await rememberPort(dataDir, handle.port)
  return handle
}

function isAddressInUse(error: unknown): boolean {
  const codes = [(error as NodeJS.ErrnoException)?.code, ((error as Error)?.cause as NodeJS.ErrnoException)?.code]
  return codes.includes('EADDRINUSE')
}
