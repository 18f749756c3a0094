import {createHash, createHmac} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {ConnectionError} from '../errors.js'
import {appendPrivateFileSync} from '../files/private-file.js'
import type {HostKeyPolicy} from './types.js'

/**
 * Host key checking against an OpenSSH known_hosts file (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain and
 * hashed (`|1|salt|hmac`) host names, `[host]:port` for non-standard ports, wildcard patterns, and the
 * @revoked marker. A key that differs from a recorded key of the same type is always refused, whatever the
 * policy (`off` included): that is the one case where continuing could hand the sysadmin password to an
 * impostor. To really skip every check, point the known_hosts file at /dev/null as well.
 */
export interface HostKey {
  /** e.g. 'ssh-ed25519' */
  type: string
  /** The SSH wire-format public key blob. */
  blob: Buffer
}

export type HostKeyVerdict =
  | {status: 'known'}
  | {status: 'unknown'}
  | {status: 'changed'; recordedLine: number}
  | {status: 'revoked'; recordedLine: number}

export function defaultKnownHostsFile(explicit?: string): string {
  return explicit || process.env.DCM_KNOWN_HOSTS || path.join(os.homedir(), '.ssh', 'known_hosts')
}

/** The type name is the first string inside the key blob. */
export function hostKeyFromBlob(blob: Buffer): HostKey {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0
  const type =
    length > 0 && length < 64 && blob.length >= 4 + length ? blob.subarray(4, 4 + length).toString() : 'unknown'
  return {type, blob}
}

/** As `ssh-keygen -l` prints it: SHA256:<base64 without padding>. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')
}

/** The name known_hosts stores for a host and port. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

function nameMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|')
    if (!salt || !hash) return false
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash
  }
  const regex = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
        .join('') +
      '$',
    'i',
  )
  return regex.test(name)
}

function patternsMatch(field: string, name: string): boolean {
  let matched = false
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!')
    if (nameMatches(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false
      matched = true
    }
  }
  return matched
}

export function checkKnownHost(text: string, name: string, key: HostKey): HostKeyVerdict {
  let changedLine: number | undefined
  let known = false
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim()
    if (line === '' || line.startsWith('#')) continue
    let fields = line.split(/\s+/)
    let marker: string | undefined
    if (fields[0].startsWith('@')) {
      marker = fields[0]
      fields = fields.slice(1)
    }
    if (fields.length < 3 || marker === '@cert-authority') continue
    const [hosts, type, base64] = fields
    const blob = Buffer.from(base64, 'base64')
    if (marker === '@revoked') {
      // A revoked key is refused for every host (the host field is still matched as OpenSSH does).
      if (blob.equals(key.blob) && patternsMatch(hosts, name)) return {status: 'revoked', recordedLine: i + 1}
      continue
    }
    if (!patternsMatch(hosts, name)) continue
    if (type === key.type && blob.equals(key.blob)) known = true
    else if (type === key.type) changedLine ??= i + 1
  }
  // A matching line elsewhere in the file does not excuse a conflicting one: OpenSSH refuses too.
  if (changedLine !== undefined) return {status: 'changed', recordedLine: changedLine}
  return known ? {status: 'known'} : {status: 'unknown'}
}

/**
 * Decide whether to trust `key` for `name` under `policy`; records a new key for accept-new. Throws
 * ConnectionError (exit 3) when the key is refused, naming the fingerprint and the file line to fix.
 */
export function verifyHostKey(options: {
  file: string
  name: string
  key: HostKey
  policy: HostKeyPolicy
  onDebug?: (line: string) => void
}): void {
  const {file, name, key, policy} = options
  const print = fingerprint(key.blob)
  const text = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const verdict = checkKnownHost(text, name, key)
  if (verdict.status === 'known') {
    options.onDebug?.(`host key of ${name} matches ${file}`)
    return
  }
  if (verdict.status === 'changed')
    throw new ConnectionError(
      `host key for ${name} has CHANGED (now ${key.type} ${print}); refusing to connect: someone could be intercepting the connection, or the host was reinstalled`,
      {
        hint: `if the host was reinstalled, remove line ${verdict.recordedLine} of ${file} (ssh-keygen -R '${name}' -f ${file}) and retry`,
      },
    )
  if (verdict.status === 'revoked')
    throw new ConnectionError(
      `host key ${key.type} ${print} of ${name} is marked @revoked in ${file}:${verdict.recordedLine}`,
    )
  if (policy === 'off') {
    // No checking of unknown hosts and nothing recorded; a key contradicting the file is still refused above.
    options.onDebug?.(`host key checking off: ${name} presented ${key.type} ${print} (not recorded)`)
    return
  }
  if (policy === 'strict')
    throw new ConnectionError(
      `host key of ${name} (${key.type} ${print}) is not in ${file} and --ssh-host-key-policy is strict`,
      {
        hint: `verify the fingerprint and add it (ssh-keyscan -p <port> <host> >> ${file}), or use --ssh-host-key-policy accept-new`,
      },
    )
  recordHostKey(file, name, key)
  options.onDebug?.(`recorded new host key of ${name} (${key.type} ${print}) in ${file}`)
}

/** Append `name type base64`; the file and its directory are created private, like OpenSSH does. */
export function recordHostKey(file: string, name: string, key: HostKey): void {
  mkdirSync(path.dirname(file), {recursive: true, mode: 0o700})
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n'
  appendPrivateFileSync(file, `${separator}${name} ${key.type} ${key.blob.toString('base64')}\n`)
}
