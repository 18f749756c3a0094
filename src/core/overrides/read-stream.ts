import type {Readable} from 'node:stream'

import {UsageError} from '../errors.js'
import {MAX_OVERRIDE_FILE_BYTES} from './load.js'

/**
 * Read override text from a stream (`dcm subcloud validate -` reads standard input) as it arrives. A synchronous
 * read of fd 0 fails with EAGAIN when stdin is a non-blocking pipe whose writer is slow; a stream never does.
 * The size bound of a file applies while reading, so an endless pipe is refused instead of filling memory.
 */
export async function readOverrideStream(stream: Readable, name: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += buffer.length
    if (size > MAX_OVERRIDE_FILE_BYTES) {
      stream.destroy()
      throw new UsageError(
        `${name}: more than the ${MAX_OVERRIDE_FILE_BYTES / 1024 / 1024} MiB an override file may have`,
      )
    }
    chunks.push(buffer)
  }
  return Buffer.concat(chunks)
}
