import {afterEach, describe, expect, test} from '@jest/globals'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {UsageError} from '../../../src/core/errors.js'
import {hostMatches, parseJumpSpec, parseSshConfig, resolveSshTarget} from '../../../src/core/ssh/ssh-config.js'

const dirs: string[] = []
function configFile(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-sshcfg-'))
  dirs.push(dir)
  const file = path.join(dir, 'config')
  writeFileSync(file, text)
  return file
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
})

describe('OpenSSH client config', () => {
  test('host patterns: wildcards, ?, negation, case-insensitive', () => {
    expect(hostMatches(['10.10.10.*'], '10.10.10.12')).toBe(true)
    expect(hostMatches(['10.10.10.?'], '10.10.10.12')).toBe(false)
    expect(hostMatches(['*', '!10.10.10.12'], '10.10.10.12')).toBe(false)
    expect(hostMatches(['*', '!10.10.10.12'], '10.10.10.13')).toBe(true)
    expect(hostMatches(['SUBCLOUD*'], 'subcloud1')).toBe(true)
  })

  test('first value wins, IdentityFile accumulates, flags beat the config, %h and ~ expand', () => {
    const file = configFile(`# lab mapping
Host 10.10.10.12
  HostName 127.0.0.1
  Port 40022
  IdentityFile ~/.ssh/lab_key
Host 10.10.*
  User admin
  Port 2222
  HostName %h.example
  IdentityFile /keys/%r-%h
Host *
  User fallback
`)
    const target = resolveSshTarget({host: '10.10.10.12', configFile: file})
    expect(target).toMatchObject({
      alias: '10.10.10.12',
      hostname: '127.0.0.1',
      port: 40022,
      user: 'admin',
      identityFiles: [path.join(os.homedir(), '.ssh/lab_key'), '/keys/admin-127.0.0.1'],
      jumps: [],
      configFile: file,
    })
    expect(resolveSshTarget({host: '10.10.20.5', configFile: file})).toMatchObject({
      hostname: '10.10.20.5.example',
      port: 2222,
    })
    expect(resolveSshTarget({host: '10.10.10.12', port: 22, user: 'sysadmin', configFile: file})).toMatchObject({
      port: 22,
      user: 'sysadmin',
    })
    expect(resolveSshTarget({host: '192.0.2.1', configFile: file}).user).toBe('fallback')
    expect(resolveSshTarget({host: '192.0.2.1', configFile: null}).user).toBe('sysadmin')
  })

  test('ProxyJump: hops resolved through the config, in order, including a hop’s own ProxyJump', () => {
    const file = configFile(`Host bastion
  HostName 198.51.100.7
  User ops
  Port 2200
Host inner
  HostName 192.168.204.2
  ProxyJump bastion
Host subcloud*
  ProxyJump inner,admin@[fd00::5]:2022
`)
    const target = resolveSshTarget({host: 'subcloud3', configFile: file})
    expect(target.jumps.map((j) => `${j.user}@${j.hostname}:${j.port}`)).toEqual([
      'ops@198.51.100.7:2200',
      `${os.userInfo().username}@192.168.204.2:22`,
      'admin@fd00::5:2022',
    ])
  })

  test('Match blocks never apply; keyword=value form; quoted values', () => {
    const config = parseSshConfig('Match host x\n  User nobody\nHost="a b"\nHostName = "192.0.2.9"\n', 'cfg')
    expect(config.blocks.map((b) => b.isMatch)).toEqual([false, true, false])
    expect(config.blocks[2].patterns).toEqual(['a', 'b'])
    expect(config.blocks[2].entries[0]).toEqual({keyword: 'hostname', value: '192.0.2.9', line: 4})
  })

  test('bad input: file:line:col errors', () => {
    expect(() => parseSshConfig('Host x\n  Port twenty\n', '/etc/cfg')).toThrow(
      new UsageError("/etc/cfg:2:8: Port 'twenty' is not a port number"),
    )
    expect(() => parseSshConfig('Host x\n  HostName\n', 'c')).toThrow("c:2:1: 'HostName' has no value")
    expect(() => parseJumpSpec('user@host:99999', 'c')).toThrow(
      "c: ProxyJump 'user@host:99999' is not [user@]host[:port]",
    )
    expect(() => resolveSshTarget({host: 'x', configFile: '/nonexistent/dcm/config'})).toThrow(
      '/nonexistent/dcm/config: cannot read the SSH client config (ENOENT)',
    )
  })

  test('Include: globbed files in order, conditional inside a Host block, outer context resumes, loops refused', () => {
    const file = configFile('')
    const dir = path.dirname(file)
    mkdirSync(path.join(dir, 'conf.d'))
    writeFileSync(path.join(dir, 'conf.d', '20-site.conf'), 'Host 10.10.20.*\n  User site20\n')
    writeFileSync(path.join(dir, 'conf.d', '10-lab.conf'), 'Host 10.10.10.12\n  HostName 127.0.0.1\n  Port 40022\n')
    writeFileSync(path.join(dir, 'conf.d', 'README'), 'Host *\n  User ignored\n')
    writeFileSync(path.join(dir, 'jump-only'), 'ProxyJump bastion\n')
    writeFileSync(
      file,
      `Include ${dir}/conf.d/*.conf ${dir}/missing.conf\nHost 10.10.30.*\n  Include ${dir}/jump-only\n  Port 2230\nHost *\n  User fallback\n`,
    )
    expect(resolveSshTarget({host: '10.10.10.12', configFile: file})).toMatchObject({
      hostname: '127.0.0.1',
      port: 40022,
      user: 'fallback',
    })
    expect(resolveSshTarget({host: '10.10.20.7', configFile: file}).user).toBe('site20')
    const third = resolveSshTarget({host: '10.10.30.4', configFile: file})
    expect(third.port).toBe(2230)
    expect(third.jumps.map((j) => j.alias)).toEqual(['bastion'])
    expect(resolveSshTarget({host: '10.10.40.4', configFile: file}).jumps).toEqual([])
    writeFileSync(path.join(dir, 'loop'), `Include ${path.join(dir, 'loop')}\n`)
    expect(() => resolveSshTarget({host: 'x', configFile: path.join(dir, 'loop')})).toThrow(
      /Include nested more than 16 deep/,
    )
  })

  test('a ProxyJump loop is refused', () => {
    const file = configFile('Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n')
    expect(() => resolveSshTarget({host: 'a', configFile: file})).toThrow(/ProxyJump chain is longer than 8 hops/)
  })

  test('DCM_SSH_CONFIG is the default config file', () => {
    const file = configFile('Host 10.1.1.1\n  HostName 127.0.0.1\n')
    const saved = process.env.DCM_SSH_CONFIG
    process.env.DCM_SSH_CONFIG = file
    try {
      expect(resolveSshTarget({host: '10.1.1.1'}).hostname).toBe('127.0.0.1')
    } finally {
      if (saved === undefined) delete process.env.DCM_SSH_CONFIG
      else process.env.DCM_SSH_CONFIG = saved
    }
  })
})
