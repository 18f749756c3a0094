import {afterEach, describe, expect, test} from '@jest/globals'
import {createHmac, generateKeyPairSync} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {ConnectionError} from '../../../src/core/errors.js'
import {
  checkKnownHost,
  fingerprint,
  hostKeyFromBlob,
  knownHostsName,
  verifyHostKey,
} from '../../../src/core/ssh/known-hosts.js'

/** An ssh-ed25519 public key blob (string "ssh-ed25519" + string key), as a server presents it. */
function ed25519Blob(): Buffer {
  const raw = generateKeyPairSync('ed25519').publicKey.export({format: 'der', type: 'spki'}).subarray(-32)
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b])
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)])
}
const keyA = hostKeyFromBlob(ed25519Blob())
const keyB = hostKeyFromBlob(ed25519Blob())
const line = (name: string, key = keyA) => `${name} ${key.type} ${key.blob.toString('base64')}`

const dirs: string[] = []
const tmp = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-kh-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
})

describe('known_hosts', () => {
  test('names, fingerprints and key types', () => {
    expect(keyA.type).toBe('ssh-ed25519')
    expect(knownHostsName('10.10.10.12', 22)).toBe('10.10.10.12')
    expect(knownHostsName('127.0.0.1', 40022)).toBe('[127.0.0.1]:40022')
    expect(fingerprint(keyA.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
  })

  test('known, unknown, changed, wildcard, negated, hashed and revoked entries', () => {
    const name = '[127.0.0.1]:40022'
    expect(checkKnownHost(line(name), name, keyA)).toEqual({status: 'known'})
    expect(checkKnownHost(line('other'), name, keyA)).toEqual({status: 'unknown'})
    expect(checkKnownHost(`# comment\n\n${line(name, keyB)}`, name, keyA)).toEqual({status: 'changed', recordedLine: 3})
    // A matching line does not excuse a conflicting one for the same key type.
    expect(checkKnownHost(`${line(name)}\n${line(name, keyB)}`, name, keyA).status).toBe('changed')
    expect(checkKnownHost(line('[127.0.0.1]:*'), name, keyA)).toEqual({status: 'known'})
    expect(checkKnownHost(line('[127.0.0.1]:*,![127.0.0.1]:40022'), name, keyA)).toEqual({status: 'unknown'})
    const salt = Buffer.from('0123456789abcdef0123')
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`
    expect(checkKnownHost(line(hashed), name, keyA)).toEqual({status: 'known'})
    expect(checkKnownHost(`@revoked ${line('*')}`, name, keyA)).toEqual({status: 'revoked', recordedLine: 1})
    expect(checkKnownHost(`@cert-authority ${line(name, keyB)}`, name, keyA)).toEqual({status: 'unknown'})
  })

  test('accept-new records an unknown key in a 0600 file; strict refuses; off accepts anything', () => {
    const file = path.join(tmp(), 'sub', 'known_hosts')
    expect(() => verifyHostKey({file, name: 'h', key: keyA, policy: 'strict'})).toThrow(ConnectionError)
    verifyHostKey({file, name: 'h', key: keyA, policy: 'accept-new'})
    expect(readFileSync(file, 'utf8')).toBe(`${line('h')}\n`)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    verifyHostKey({file, name: 'h', key: keyA, policy: 'strict'})
    verifyHostKey({file, name: 'unknown-host', key: keyB, policy: 'off'})
    expect(readFileSync(file, 'utf8')).toBe(`${line('h')}\n`)
  })

  test('a changed key is refused under every policy, off included, naming the fingerprint and the line', () => {
    const file = path.join(tmp(), 'known_hosts')
    writeFileSync(file, `${line('h')}`)
    for (const policy of ['accept-new', 'strict', 'off'] as const) {
      let error: ConnectionError | undefined
      try {
        verifyHostKey({file, name: 'h', key: keyB, policy})
      } catch (e) {
        error = e as ConnectionError
      }
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error?.message).toContain(`host key for h has CHANGED (now ssh-ed25519 ${fingerprint(keyB.blob)})`)
      expect(error?.hint).toContain(`remove line 1 of ${file}`)
    }
    // Appending to a file without a final newline keeps lines separate.
    verifyHostKey({file, name: 'other', key: keyB, policy: 'accept-new'})
    expect(readFileSync(file, 'utf8')).toBe(`${line('h')}\n${line('other', keyB)}\n`)
  })
})
