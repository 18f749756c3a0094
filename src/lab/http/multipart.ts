/**
 * A small multipart/form-data reader for the dcmanager API's add/update requests (requests_toolbelt's
 * MultipartEncoder on the client side, §1.5). Parts are kept as bytes; files carry their filename.
 */
export interface FormPart {
  name: string
  filename?: string
  contentType?: string
  data: Buffer
}

export class MultipartError extends Error {}

export function isMultipart(contentType: string | undefined): boolean {
  return !!contentType && /^multipart\/form-data\b/i.test(contentType)
}

export function parseMultipart(body: Buffer, contentType: string): Map<string, FormPart> {
  const boundaryMatch = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  if (!boundaryMatch) throw new MultipartError('multipart body without a boundary')
  const delimiter = Buffer.from(`--${boundaryMatch[1] ?? boundaryMatch[2]}`)
  const parts = new Map<string, FormPart>()
  let position = body.indexOf(delimiter)
  if (position < 0) throw new MultipartError('multipart boundary not found in the body')
  while (position >= 0) {
    let start = position + delimiter.length
    // `--` after a delimiter closes the body.
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2
    const next = body.indexOf(delimiter, start)
    if (next < 0) throw new MultipartError('multipart body is truncated')
    // The part ends with CRLF before the next delimiter.
    const end = body[next - 2] === 0x0d && body[next - 1] === 0x0a ? next - 2 : next
    const part = body.subarray(start, end)
    const headerEnd = part.indexOf('\r\n\r\n')
    if (headerEnd < 0) throw new MultipartError('multipart part without headers')
    const headers = part.subarray(0, headerEnd).toString('utf8').split('\r\n')
    const data = part.subarray(headerEnd + 4)
    let name: string | undefined
    let filename: string | undefined
    let partType: string | undefined
    for (const header of headers) {
      const [key, ...rest] = header.split(':')
      const value = rest.join(':').trim()
      if (key.trim().toLowerCase() === 'content-disposition') {
        name = /\bname="([^"]*)"/i.exec(value)?.[1]
        filename = /\bfilename="([^"]*)"/i.exec(value)?.[1]
      } else if (key.trim().toLowerCase() === 'content-type') {
        partType = value
      }
    }
    if (name !== undefined) parts.set(name, {name, filename, contentType: partType, data: Buffer.from(data)})
    position = next
  }
  return parts
}

/** Build a multipart body (the demo and tests send what the python client sends: files first). */
export function buildMultipart(fields: Array<{name: string; value: string | Buffer; filename?: string}>): {
  body: Buffer
  contentType: string
} {
  const boundary = `dcmlab${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`
  const chunks: Buffer[] = []
  for (const field of fields) {
    const disposition = field.filename
      ? `form-data; name="${field.name}"; filename="${field.filename}"`
      : `form-data; name="${field.name}"`
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`))
    chunks.push(Buffer.isBuffer(field.value) ? field.value : Buffer.from(field.value))
    chunks.push(Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return {body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}`}
}
