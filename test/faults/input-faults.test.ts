import {afterAll, beforeAll, beforeEach, describe, expect, test} from '@jest/globals'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import {fixturesDir, repoRoot, runDcm} from '../helpers/cli.js'
import {FaultServer} from './fault-server.js'

/**
 * Issue 14, the input half: bad local input (files, flags, names, durations) is exit 2 with one clear line, and
 * the counting server proves that nothing at all was sent, Keystone included. Also the messages themselves: whole
 * oclif errors, YAML problems in words, standard input read as a stream.
 */
const server = new FaultServer()
let scratch: string
const valid = path.join(fixturesDir, 'examples', 'bootstrap', 'valid-simplex-ipv4.yaml')

beforeAll(async () => {
  await server.start()
  scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-input-'))
})
afterAll(async () => {
  await server.stop()
  rmSync(scratch, {recursive: true, force: true})
})
beforeEach(() => server.reset())

const file = (name: string, content: string | Buffer) => {
  const target = path.join(scratch, name)
  writeFileSync(target, content)
  return target
}

async function refusedLocally(args: string[], env: Record<string, string> = server.env()) {
  const result = await runDcm(args, {env, timeoutMs: 30_000})
  expect(`${result.stderr}exit ${result.code}`).toMatch(/^Error: [^\n]+\n(Hint: [^\n]+\n)?exit 2$/)
  expect(server.requests).toHaveLength(0)
  return result.stderr
}

describe('bad local input sends nothing (exit 2, zero requests)', () => {
  const add = (...extra: string[]) => ['subcloud', 'add', '--bootstrap-address', '10.10.10.12', ...extra]

  test('subcloud add with a binary values file, even with Keystone reachable', async () => {
    const binary = file('image.yml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]))
    expect(await refusedLocally(add('--bootstrap-values', binary, '--sysadmin-password-stdin'))).toContain(
      'not a text file',
    )
  })

  test('subcloud add with a binary values file and Keystone unreachable is still exit 2, not 3', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const {port} = probe.address() as net.AddressInfo
        probe.close(() => resolve(port))
      })
    })
    const binary = file('image2.yml', Buffer.from([0xff, 0xfe, 0, 0]))
    await refusedLocally(add('--bootstrap-values', binary), server.env({OS_AUTH_URL: `http://127.0.0.1:${closed}/v3`}))
  })

  test('subcloud add with an invalid file, a missing file, a blank group, no password off a terminal', async () => {
    const invalid = file(
      'invalid.yml',
      readFileSync(valid, 'utf8').replace(/management_subnet: .*/, 'management_subnet: 300.1.1.0/24'),
    )
    await refusedLocally(add('--bootstrap-values', invalid, '--sysadmin-password', 'x'))
    await refusedLocally(add('--bootstrap-values', path.join(scratch, 'missing.yml')))
    expect(await refusedLocally(add('--bootstrap-values', valid, '--group', ' '))).toContain(
      '--group cannot be an empty value.',
    )
    expect(await refusedLocally(add('--bootstrap-values', valid, '--no-preflight'))).toContain('sysadmin password')
  })

  test('several files: one bad file refuses the batch before any request', async () => {
    const bad = file('bad-batch.yml', 'name: [unclosed\n')
    await refusedLocally([
      'subcloud',
      'add',
      '--bootstrap-values',
      valid,
      '--bootstrap-address',
      '10.10.10.12',
      '--bootstrap-values',
      bad,
      '--bootstrap-address',
      '10.10.20.12',
      '--sysadmin-password',
      'x',
    ])
  })

  const blank: [string, string[]][] = [
    ['subcloud show', ['subcloud', 'show', '']],
    ['subcloud errors', ['subcloud', 'errors', '']],
    ['subcloud delete', ['subcloud', 'delete', ' ', '--yes']],
    ['subcloud manage', ['subcloud', 'manage', '\t']],
    ['subcloud unmanage', ['subcloud', 'unmanage', '', '--yes']],
    ['subcloud update', ['subcloud', 'update', '', '--description', 'x']],
    ['subcloud update --name', ['subcloud', 'update', 'sc1', '--name', ' ']],
    ['subcloud update --group', ['subcloud', 'update', 'sc1', '--group', '']],
    ['subcloud-group show', ['subcloud-group', 'show', '']],
    ['subcloud-group update', ['subcloud-group', 'update', ' ', '--description', 'x']],
    ['subcloud-group delete', ['subcloud-group', 'delete', '', '--yes']],
    ['subcloud-group list-subclouds', ['subcloud-group', 'list-subclouds', '']],
    ['subcloud-group add --name', ['subcloud-group', 'add', '--name', '  ']],
    ['host-route-list', ['host-route-list', '']],
    ['host-route-show', ['host-route-show', ' ']],
    ['host-route-delete', ['host-route-delete', '', '--yes']],
    ['host-route-add', ['host-route-add', '', 'enp0s8', '192.168.204.0', '24', '10.10.10.1']],
    ['host-route-add interface', ['host-route-add', 'controller-0', ' ', '192.168.204.0', '24', '10.10.10.1']],
  ]
  test('a blank name or id, for every command that takes one', async () => {
    // Several at a time: each is a whole CLI run, and the counting server sees all of them.
    const results = await inBatches(blank, 4, async ([what, args]) => {
      const result = await runDcm(args, {env: server.env(), timeoutMs: 60_000})
      return `${what}: exit ${result.code}: ${result.stderr.split('\n')[0]}`
    })
    for (const line of results) expect(line).toMatch(/: exit 2: Error: .*cannot be an empty value\.$/)
    expect(server.requests).toHaveLength(0)
  })

  test('upstream text for an empty subcloud reference', async () => {
    expect(await refusedLocally(['subcloud', 'show', ''])).toBe('Error: Subcloud cannot be an empty value.\n')
  })

  const durations: [string, string[], string][] = [
    [
      'subcloud add --timeout',
      [
        'subcloud',
        'add',
        '--bootstrap-values',
        valid,
        '--bootstrap-address',
        '10.10.10.12',
        '--wait',
        '--timeout',
        '3000000',
      ],
      '--timeout must be a whole number of seconds from 1 to 2147483',
    ],
    [
      '--connect-timeout 0',
      ['subcloud', 'list', '--connect-timeout', '0'],
      '--connect-timeout must be a whole number of seconds from 1 to 2147483',
    ],
    ['--request-timeout 1e9', ['subcloud', 'list', '--request-timeout', '1e9'], "not '1e9'"],
    [
      'subcloud bootstrap --inactivity-timeout',
      [
        'subcloud',
        'bootstrap',
        '--bootstrap-values',
        valid,
        '--bootstrap-address',
        '10.10.10.12',
        '--inactivity-timeout',
        '2147484',
      ],
      'from 0 to 2147483',
    ],
    [
      'subcloud add --poll-interval',
      [
        'subcloud',
        'add',
        '--bootstrap-values',
        valid,
        '--bootstrap-address',
        '10.10.10.12',
        '--poll-interval',
        '2147483648',
      ],
      'milliseconds from 10 to 2147483647',
    ],
    [
      'config-management --lldp-timeout',
      ['config-management', '--lldp-timeout', '99999999', '--dry-run'],
      'from 0 to 2147483',
    ],
    [
      'ssh connect timeout',
      [
        'subcloud',
        'bootstrap',
        '--bootstrap-values',
        valid,
        '--bootstrap-address',
        '10.10.10.12',
        '--ssh-connect-timeout',
        '-1',
      ],
      '--ssh-connect-timeout must be',
    ],
  ]
  for (const [what, args, message] of durations) {
    test(`a duration out of range: ${what}`, async () => {
      expect(await refusedLocally(args)).toContain(message)
    })
  }
})

describe('oclif parse errors keep every problem, one line each', () => {
  test('a missing argument names it', async () => {
    const result = await runDcm(['subcloud', 'show'])
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n')[0]).toBe('Error: Missing required argument subcloud (name or id of the subcloud)')
  })

  test('an exclusive flag says which', async () => {
    const result = await runDcm(['config-management', '--undo', '--interface', 'enp0s8'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('Error: --interface=enp0s8 cannot also be provided when using --undo\n')
    expect(result.stderr).not.toContain('The following error occurred')
  })

  test('a flag value that does not parse names the flag and the reason', async () => {
    const result = await runDcm(['subcloud', 'list', '--connect-timeout', 'soon'])
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n')[0]).toBe(
      "Error: --connect-timeout must be a whole number of seconds from 1 to 2147483, not 'soon'",
    )
  })
})

describe('YAML problems in words, never the parser internals', () => {
  test('several documents', async () => {
    const result = await runDcm(['subcloud', 'validate', file('multi.yml', 'name: a\n---\nname: b\n')])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('expected a single document in the stream')
    expect(result.stderr).not.toMatch(/parseAllDocuments|YAML\./)
  })

  test('a mapping nested 1,500 deep', async () => {
    const deep = Array.from({length: 1500}, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ` v\n`
    const result = await runDcm(['subcloud', 'validate', file('deep.yml', deep)])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^Error: .*deep\.yml/)
    expect(result.stderr).not.toMatch(/call stack|RangeError/)
  })

  test('an alias bomb given to lab host add names the file', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for (let i = 1; i < 9; i++) {
      const previous = String.fromCharCode(96 + i)
      const name = String.fromCharCode(97 + i)
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`)
    }
    const bomb = file('bomb.yml', `${levels.join('\n')}\nexternal_oam_floating_address: 10.10.10.12\n`)
    const result = await runDcm(
      ['lab', 'host', 'add', 'sc1', '--bootstrap-values', bomb, '--data-dir', path.join(scratch, 'lab')],
      {env: {DCM_SYSADMIN_PASSWORD: 'x'}},
    )
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n')[0]).toMatch(/^Error: .*bomb\.yml: too many alias/)
  })
})

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(run))))
  return out
}

const python = (() => {
  try {
    execFileSync('python3', ['--version'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

;(python ? test : test.skip)('validate - reads a slow, non-blocking pipe as a stream (no EAGAIN)', () => {
  // The read end is O_NONBLOCK (as when inherited from another Node process) and the writer is slow.
  const script = `
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_NONBLOCK)
child = subprocess.Popen([sys.argv[1], sys.argv[2], 'subcloud', 'validate', '-'], stdin=r,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
os.close(r)
data = open(sys.argv[3], 'rb').read()
half = len(data) // 2
time.sleep(0.5)
os.write(w, data[:half])
time.sleep(0.5)
os.write(w, data[half:])
os.close(w)
out, err = child.communicate()
sys.stdout.write('exit %d\\n%s%s' % (child.returncode, out.decode(), err.decode()))
`
  const output = execFileSync(
    'python3',
    ['-c', script, process.execPath, path.join(repoRoot, 'bin', 'run.js'), valid],
    {
      encoding: 'utf8',
      env: {...process.env, NODE_OPTIONS: ''},
    },
  )
  expect(output).not.toContain('EAGAIN')
  expect(output.split('\n')[0]).toBe('exit 0')
})
