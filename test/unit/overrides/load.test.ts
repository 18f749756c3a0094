import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {UsageError} from '../../../src/core/errors.js'
import {loadOverrideFile, parseOverrideText, positionOf} from '../../../src/core/overrides/index.js'
import {clearSecrets, redact} from '../../../src/core/secrets.js'

let dir: string
const file = (name: string, content?: string | Buffer) => {
  const target = path.join(dir, name)
  if (content !== undefined) writeFileSync(target, content)
  return target
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dcm-load-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** The UsageError message (one line) a load throws. */
function loadError(target: string): string {
  try {
    loadOverrideFile(target)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    const message = (error as Error).message
    expect(message.split('\n')).toHaveLength(1)
    return message
  }
  throw new Error(`${target} loaded`)
}

describe('loadOverrideFile refuses what is not a YAML mapping, one line naming the file', () => {
  it.each([
    ['missing file', () => path.join(dir, 'nope.yml'), /nope\.yml: no such file$/],
    [
      'directory',
      () => (mkdirSync(path.join(dir, 'd.yml'), {recursive: true}), path.join(dir, 'd.yml')),
      /d\.yml: is a directory/,
    ],
    [
      'empty file',
      () => file('empty.yml', ''),
      /empty\.yml: Unable to load bootstrap_values file contents \(empty file provided\)\.$/,
    ],
    ['only comments', () => file('comments.yml', '# nothing\n\n'), /empty file provided/],
    [
      'invalid YAML, with line and column',
      () => file('bad.yml', 'name: a\nsystem_mode: [simplex\nx: 1\n'),
      /bad\.yml:3:1: Unable to load bootstrap_values file contents \(problem on line: 3\): /,
    ],
    ['tab indentation', () => file('tab.yml', 'a:\n\tb: 1\n'), /tab\.yml:2:1: Unable to load/],
    [
      'a list',
      () => file('list.yml', '- a\n- b\n'),
      /list\.yml:1:1: the top level must be a mapping of parameter names to values, not a list$/,
    ],
    [
      'a scalar',
      () => file('scalar.yml', 'just text\n'),
      /scalar\.yml:1:1: the top level must be a mapping .* not a single value$/,
    ],
    ['two documents', () => file('two.yml', 'a: 1\n---\nb: 2\n'), /two\.yml:\d+:\d+: Unable to load/],
    [
      'binary junk (invalid UTF-8)',
      () => file('junk.bin', Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x9c, 0x00])),
      /junk\.bin: not a text file \(invalid UTF-8\)$/,
    ],
    [
      'a NUL byte in text',
      () => file('nul.yml', 'name: a\nb: x\u0000y\n'),
      /nul\.yml:2:5: not a text file \(NUL byte\)$/,
    ],
    [
      'a 10 MB file',
      () => {
        const target = file('big.yml', '')
        truncateSync(target, 10 * 1024 * 1024)
        return target
      },
      /big\.yml: 10485760 bytes is larger than the 2 MiB an override file may have$/,
    ],
    [
      'alias bomb',
      () => file('bomb.yml', billionLaughs()),
      /bomb\.yml: Unable to load bootstrap_values file contents: /,
    ],
  ])('%s', (_name, make, expected) => {
    expect(loadError(make())).toMatch(expected)
  })
})

describe('YAML 1.1 as PyYAML reads it', () => {
  it('yes/no/on/off are booleans but y/n are not, a BOM is ignored, `<<` merges', () => {
    const loaded = parseOverrideText('\ufeffa: yes\nb: Off\nn: y\nbase: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n', 'f.yml')
    expect(loaded.values).toEqual({a: true, b: false, n: 'y', base: {x: 1}, c: {x: 1, y: 2}})
  })

  it('a duplicated key keeps the last value and is a warning at the second one', () => {
    const loaded = parseOverrideText('name: a\nx: 1\nname: b\n', 'f.yml')
    expect(loaded.values.name).toBe('b')
    expect(loaded.loadFindings).toEqual([
      {
        severity: 'warning',
        rule: 'YAML-DUP',
        key: 'name',
        message: 'name is given twice (first on line 1); the last value wins',
        file: 'f.yml',
        line: 3,
        column: 1,
      },
    ])
    expect(positionOf(loaded, ['name'])).toEqual({line: 3, column: 7})
  })

  it('positions point at values, keys, list items and nested keys', () => {
    const loaded = parseOverrideText(
      '# c\nname: a\ndns_servers:\n  - 1.1.1.1\n  - 1.1.1.2\nr:\n  defaults:\n    url: x\n',
      'f.yml',
    )
    expect(positionOf(loaded, ['name'])).toEqual({line: 2, column: 7})
    expect(positionOf(loaded, ['name'], 'key')).toEqual({line: 2, column: 1})
    expect(positionOf(loaded, ['dns_servers', 1])).toEqual({line: 5, column: 5})
    expect(positionOf(loaded, ['r', 'defaults', 'url'])).toEqual({line: 8, column: 10})
    expect(positionOf(loaded, ['missing'])).toEqual({line: 2, column: 1})
  })

  it('registers passwords from the file as secrets, so no output can carry them', () => {
    clearSecrets()
    parseOverrideText(
      'admin_password: Adm1n-Secret\ndocker_registries:\n  defaults:\n    username: u\n    password: Reg-Secret-1\n',
      'f.yml',
    )
    expect(redact('x Adm1n-Secret y Reg-Secret-1')).toBe('x ****** y ******')
    clearSecrets()
  })
})

function billionLaughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  for (let i = 1; i < 9; i++) {
    const previous = String.fromCharCode(96 + i)
    const name = String.fromCharCode(97 + i)
    lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`)
  }
  return lines.join('\n') + '\n'
}

describe('install values', () => {
  it("name the install_values field in upstream's load errors", () => {
    expect(() => parseOverrideText('', 'install.yml', {field: 'install_values'})).toThrow(
      'install.yml: Unable to load install_values file contents (empty file provided).',
    )
  })
})
