import {formatAddress, parseAddress} from '../../core/net/cidr.js'
import {WebobError} from '../http/webob-error.js'
import type {LabSystemController} from '../lab-config.js'
import type {LabStore} from '../lab-store.js'

/**
 * Small pieces every stage of the add validation uses: upstream's 400, python's truthiness of a form or YAML
 * value, the password decoding of §4.2 (also used for the BMC password in §4.5), and what the checks compare
 * a new subcloud with.
 */
export interface AddContext {
  store: LabStore
  systemController: LabSystemController
  /** Releases the lab can deploy (`release` must be one of them). */
  releases: string[]
  /** `deploy create`: no sysadmin password is sent (or needed). */
  withoutPassword?: boolean
  /** The deploy files a release lacks for the config phase (subcloud-deploy-files.ts). */
  missingDeployFiles?: (release: string) => string[]
}

export const bad = (detail: string): WebobError => new WebobError(400, detail)

/** Base64 of UTF-8 text, as the python client sends passwords; anything else is refused (§4.2). */
export function decodePassword(value: string | undefined, kind: 'sysadmin' | 'bmc'): string {
  if (value === undefined || value === '') throw bad(`subcloud ${kind}_password required`)
  const failure = bad(`Failed to decode subcloud ${kind}_password, verify the password is base64 encoded`)
  const compacted = value.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compacted) || compacted.length % 4 !== 0) throw failure
  try {
    return new TextDecoder('utf-8', {fatal: true}).decode(Buffer.from(compacted, 'base64'))
  } catch {
    throw failure
  }
}

export function present(value: unknown): boolean {
  return value !== undefined && value !== null && String(value).trim() !== ''
}

export function asText(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).trim()
}

export function compact(text: string): string {
  const parsed = parseAddress(text)
  return parsed ? formatAddress(parsed.family, parsed.value) : text
}
