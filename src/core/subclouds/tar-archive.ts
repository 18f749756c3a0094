import {open} from 'node:fs/promises'
import {gunzipSync} from 'node:zlib'

/**
 * Python's `tarfile.is_tarfile` as the upstream client uses it on `--cloud-init-config`: a plain tar whose first
 * header block carries a valid checksum, or a gzip/bzip2/xz stream (python opens those transparently; a gzip one is
 * unpacked here to check the header inside, the other two are taken on their magic bytes).
 */
const BLOCK = 512

export async function isTarArchive(file: string): Promise<boolean> {
  const head = await readHead(file, 64 * 1024)
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    try {
      return hasTarHeader(gunzipSync(head, {finishFlush: 2 /* Z_SYNC_FLUSH: a truncated stream is fine */}))
    } catch {
      return false
    }
  }
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return true
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true
  return hasTarHeader(head)
}

async function readHead(file: string, size: number): Promise<Buffer> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(size)
    const {bytesRead} = await handle.read(buffer, 0, size, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** The header's checksum field (octal, offset 148) equals the byte sum with that field counted as spaces. */
function hasTarHeader(data: Buffer): boolean {
  if (data.length < BLOCK) return false
  const header = data.subarray(0, BLOCK)
  const field = header
    .subarray(148, 156)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim()
  if (!/^[0-7]+$/.test(field)) return false
  let sum = 0
  for (let index = 0; index < BLOCK; index++) sum += index >= 148 && index < 156 ? 0x20 : header[index]
  return sum === parseInt(field, 8)
}
