import {createHash, randomBytes} from 'node:crypto'

import {describe, expect, it} from '@jest/globals'

import {randomHex} from '../../src/core/random-hex.js'
import {sha256Hex} from '../../src/core/sha256.js'

const nodeSha256 = (text: string) => createHash('sha256').update(text).digest('hex')

describe('sha256Hex (the token cache names and binds its files with it)', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    )
  })

  it('matches node:crypto at every length around the block and padding boundaries, and for non-ASCII text', () => {
    for (let length = 0; length <= 200; length++) {
      const text = 'k'.repeat(length)
      expect(sha256Hex(text)).toBe(nodeSha256(text))
    }
    for (const text of [
      '["http://[::1]:5000/identity/v3","admin","","Default","admin","","Default"]',
      'é€𝄞 ü',
      'a\u0000b',
    ]) {
      expect(sha256Hex(text)).toBe(nodeSha256(text))
    }
  })

  it('matches node:crypto on random tokens', () => {
    for (let i = 0; i < 50; i++) {
      const token = randomBytes(1 + ((i * 37) % 400)).toString('base64')
      expect(sha256Hex(token)).toBe(nodeSha256(token))
    }
  })
})

describe('randomHex', () => {
  it('gives the number of bytes asked, as lowercase hex, different each time', () => {
    expect(randomHex(6)).toMatch(/^[0-9a-f]{12}$/)
    expect(randomHex(16)).not.toBe(randomHex(16))
  })
})
