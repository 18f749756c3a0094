import {randomHex} from '../random-hex.js'

/**
 * multipart/form-data encoding as python-dcmanagerclient sends it (dcmanager-api.md §1.5): string fields
 * carry only `Content-Disposition: form-data; name="..."`; file fields add `filename="<path as typed>"`
 * and no per-part Content-Type. Field order is the caller's (the client puts files first).
 */
export interface FormField {
  name: string
  value: string | Buffer
  /** Present for file fields: the path as the operator typed it. */
  filename?: string
  /** A part's own Content-Type (the deploy playbook zipped with its roles is `application/zip`). */
  contentType?: string
}

export interface EncodedForm {
  body: Buffer
  contentType: string
}

export function encodeMultipart(fields: FormField[], boundary = randomHex(16)): EncodedForm {
  const chunks: Buffer[] = []
  for (const field of fields) {
    const disposition =
      `Content-Disposition: form-data; name="${quote(field.name)}"` +
      (field.filename === undefined ? '' : `; filename="${quote(field.filename)}"`) +
      (field.contentType === undefined ? '' : `\r\nContent-Type: ${quote(field.contentType)}`)
    chunks.push(Buffer.from(`--${boundary}\r\n${disposition}\r\n\r\n`, 'utf8'))
    chunks.push(typeof field.value === 'string' ? Buffer.from(field.value, 'utf8') : field.value)
    chunks.push(Buffer.from('\r\n', 'utf8'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'))
  return {body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}`}
}

function quote(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r|\n/g, ' ')
}

/** dcmanager expects passwords as standard base64 of the UTF-8 text. */
export function base64Password(password: string): string {
  return Buffer.from(password, 'utf8').toString('base64')
}
