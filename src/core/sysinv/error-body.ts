import {describeErrorBody} from '../api/error-body.js'

/**
 * sysinv's error bodies (host-routes.md §5): the parsable-error middleware double-encodes,
 * `{"error_message": "{\"faultcode\": \"Client\", \"faultstring\": \"...\", \"debuginfo\": null}"}`.
 * dcm shows the faultstring alone, as `system` does, and keeps the fault code: a 500 `Server` fault with
 * a validation text is a rejected request, not a broken server. Other shapes (Keystone's 401, a proxy's
 * HTML page) fall back to the shared API error reader.
 */
export interface SysinvFault {
  message: string
  /** `Client` (4xx) or `Server` (500) when sysinv said so. */
  faultcode?: string
}

export function parseSysinvError(status: number, contentType: string | undefined, body: string): SysinvFault {
  const inner = innerFault(body)
  if (inner) return inner
  return {message: describeErrorBody(status, contentType, body)}
}

function innerFault(body: string): SysinvFault | undefined {
  const outer = tryJson(body.trim())
  const encoded = outer && typeof outer === 'object' ? (outer as Record<string, unknown>).error_message : undefined
  const fault = typeof encoded === 'string' ? tryJson(encoded) : encoded
  if (!fault || typeof fault !== 'object') return undefined
  const record = fault as Record<string, unknown>
  if (typeof record.faultstring !== 'string' || record.faultstring.trim() === '') return undefined
  return {
    message: record.faultstring.trim().split(/\r?\n/)[0],
    faultcode: typeof record.faultcode === 'string' ? record.faultcode : undefined,
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
