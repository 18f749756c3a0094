/**
 * `dcm subcloud validate`, `dcm system-controller validate` and `dcm subcloud template` run as an operator runs
 * them: the built CLI (npm run compile first) in a child process.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {repoRoot, runDcm, fixturesDir} from '../helpers/cli.js'

const examples = path.join(fixturesDir, 'examples', 'bootstrap')
const example = (name: string) => path.join(examples, name)
const VALID = [
  'valid-simplex-ipv4.yaml',
  'valid-duplex-ipv4.yaml',
  'valid-simplex-ipv6.yaml',
  'valid-simplex-admin-network.yaml',
]

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dcm-validate-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** The text of valid-simplex-ipv4.yaml (51 lines): appended keys start on line 52. */
function validText(): string {
  return readFileSync(example('valid-simplex-ipv4.yaml'), 'utf8')
}

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name)
  writeFileSync(file, content)
  return file
}

/** No stack trace, no oclif noise: the output an operator sees. */
function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
  expect(stderr).not.toMatch(/TypeError|ReferenceError|SyntaxError/)
}

describe('dcm subcloud validate on the six example files', () => {
  it.each(VALID)('%s is accepted: exit 0, one verdict line on stderr and no table', async (name) => {
    const result = await runDcm(['subcloud', 'validate', example(name)])
    expect(result).toMatchObject({code: 0, stdout: '', stderr: `${example(name)}: valid (0 errors, 0 warnings)\n`})
  })

  it('machine formats keep the list (empty when clean) and no verdict line', async () => {
    const json = await runDcm(['subcloud', 'validate', example(VALID[0]), '-f', 'json'])
    expect(json).toMatchObject({code: 0, stdout: '[]\n', stderr: ''})
    const csv = await runDcm(['subcloud', 'validate', example(VALID[0]), '-f', 'csv'])
    expect(csv).toMatchObject({code: 0, stderr: ''})
    expect(csv.stdout).toBe('"file","line","column","severity","rule","key","message"\n')
  })

  it.each([
    [
      'invalid-overlapping-subnet.yaml',
      ':33:22: cluster_host_subnet 192.168.110.128/26 overlaps management_subnet 192.168.110.0/24',
    ],
    [
      'invalid-gateway-outside-subnet.yaml',
      ':23:29: management_gateway_address invalid: Address must be in subnet 192.168.121.0/24',
    ],
  ])('%s is refused: exit 2, one line naming file, line and key', async (name, where) => {
    const result = await runDcm(['subcloud', 'validate', example(name)])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(`Error: ${example(name)}${where}\n`)
    expect(result.stdout).toContain('| error    |')
  })

  it('all six in one call: both errors listed, exit 2, and no conflict between the four valid ones', async () => {
    const files = [...VALID, 'invalid-overlapping-subnet.yaml', 'invalid-gateway-outside-subnet.yaml'].map(example)
    const result = await runDcm(['subcloud', 'validate', ...files, '-f', 'json'])
    expect(result.code).toBe(2)
    const findings = JSON.parse(result.stdout) as Record<string, unknown>[]
    expect(findings.map((finding) => [path.basename(String(finding.file)), finding.line, finding.rule])).toEqual([
      ['invalid-overlapping-subnet.yaml', 33, 'SEM-OVL-1'],
      ['invalid-gateway-outside-subnet.yaml', 23, 'SEM-MGMT-6'],
    ])
    expect(Object.keys(findings[0])).toEqual(['file', 'line', 'column', 'severity', 'rule', 'key', 'message'])
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toEqual([
      `${example('invalid-overlapping-subnet.yaml')}:33:22: cluster_host_subnet 192.168.110.128/26 overlaps management_subnet 192.168.110.0/24`,
      `${example('invalid-gateway-outside-subnet.yaml')}:23:29: management_gateway_address invalid: Address must be in subnet 192.168.121.0/24`,
      'Error: 2 errors in 2 of 6 files; nothing was sent',
    ])
  })

  it('never prints the registry password of the duplex example, even with --debug and -f json', async () => {
    const result = await runDcm(['subcloud', 'validate', example('valid-duplex-ipv4.yaml'), '--debug', '-f', 'json'])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('[]\n')
    expect(result.stdout + result.stderr).not.toContain('Example-Only-Not-A-Secret-1')
    // a wrong-typed secret is described by its type only
    const typed = await runDcm([
      'subcloud',
      'validate',
      write('secret.yml', 'docker_registries:\n  defaults:\n    username: u\n    password: 731942\n'),
    ])
    expect(typed.code).toBe(2)
    expect(typed.stderr).toContain('docker_registries.defaults.password must be a string, not a number')
    expect(typed.stdout + typed.stderr).not.toContain('731942')
  })

  it('the IPv6 example needs the IPv6 System Controller pool: without it, the upstream error', async () => {
    const result = await runDcm([
      'subcloud',
      'validate',
      example('valid-simplex-ipv6.yaml'),
      '--system-controller-subnet',
      '192.168.204.0/24',
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      `Error: ${example('valid-simplex-ipv6.yaml')}:27:35: systemcontroller_gateway_address IP family is not aligned with system controller management: IPv6 pool not found in pools [192.168.204.0/24]\n`,
    )
  })

  it('--system-controller-pool moves the SC gateway rule', async () => {
    const result = await runDcm([
      'subcloud',
      'validate',
      example('valid-simplex-ipv4.yaml'),
      '--system-controller-pool',
      '192.168.204.2-192.168.204.150',
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      ':25:35: systemcontroller_gateway_address invalid, is within management pool: 192.168.204.2 - 192.168.204.150',
    )
  })

  it('--bootstrap-address outside the OAM subnet is a warning (exit 0)', async () => {
    const result = await runDcm([
      'subcloud',
      'validate',
      example('valid-simplex-ipv4.yaml'),
      '--bootstrap-address',
      '10.10.20.12',
      '-f',
      'value',
      '-c',
      'rule',
      '-c',
      'message',
    ])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('SEM-BA-1 bootstrap-address 10.10.20.12 is not in external_oam_subnet 10.10.10.0/24\n')
  })

  it('cross-file: a duplicate name and an overlapping management subnet', async () => {
    const copy = write(
      'copy.yml',
      'system_mode: simplex\nname: subcloud1\nmanagement_subnet: 192.168.101.0/25\nmanagement_start_address: 192.168.101.2\n' +
        'management_end_address: 192.168.101.50\nmanagement_gateway_address: 192.168.101.1\n' +
        'systemcontroller_gateway_address: 192.168.204.111\nexternal_oam_subnet: 10.40.0.0/24\n' +
        'external_oam_gateway_address: 10.40.0.1\nexternal_oam_floating_address: 10.40.0.12\n',
    )
    const result = await runDcm(['subcloud', 'validate', example('valid-simplex-ipv4.yaml'), copy, '-f', 'csv'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`${copy}:2:7: name subcloud1 is also used by ${example('valid-simplex-ipv4.yaml')}`)
    expect(result.stderr).toContain(
      `${copy}:3:20: management_subnet 192.168.101.0/25 of subcloud1 overlaps management_subnet 192.168.101.0/24 of subcloud1`,
    )
  })
})

describe('bad input: one clear line, exit 2, no stack', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a missing file', () => path.join(dir, 'missing.yml'), /^Error: .*missing\.yml: no such file\n$/],
    [
      'a directory',
      () => {
        mkdirSync(path.join(dir, 'adir'), {recursive: true})
        return path.join(dir, 'adir')
      },
      /^Error: .*adir: is a directory, expected a YAML override file\n$/,
    ],
    [
      'an empty file',
      () => write('empty.yml', ''),
      /^Error: .*empty\.yml: Unable to load bootstrap_values file contents \(empty file provided\)\.\n$/,
    ],
    [
      'invalid YAML',
      () => write('invalid.yml', 'name: a\nsystem_mode: [simplex\nmanagement_subnet: x\n'),
      /^Error: .*invalid\.yml:3:1: Unable to load bootstrap_values file contents \(problem on line: 3\): .+\n$/,
    ],
    [
      'a YAML list',
      () => write('list.yml', '- name: a\n'),
      /^Error: .*list\.yml:1:1: the top level must be a mapping of parameter names to values, not a list\n$/,
    ],
    [
      'a YAML scalar',
      () => write('scalar.yml', '42\n'),
      /^Error: .*scalar\.yml:1:1: the top level must be a mapping .*, not a single value\n$/,
    ],
    [
      'a 10 MB file',
      () => {
        const file = write('big.yml', '')
        truncateSync(file, 10 * 1024 * 1024)
        return file
      },
      /^Error: .*big\.yml: 10485760 bytes is larger than the 2 MiB an override file may have\nHint: .+\n$/,
    ],
    [
      'binary junk',
      () => write('junk.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff, 0xd8])),
      /^Error: .*junk\.bin: not a text file \(invalid UTF-8\)\nHint: .+\n$/,
    ],
    [
      'a wrong type in an otherwise valid file',
      () => write('types.yml', `${validText()}virtual_system: "True"\n`),
      /^Error: .*types\.yml:52:17: virtual_system is misconfigured\. Valid value is either 'True' or 'False'\.\n$/,
    ],
    [
      'a list where a string belongs',
      () => write('list-value.yml', validText().replace('name: subcloud1', 'name: [subcloud1]')),
      /^Error: .*list-value\.yml:14:7: name must be a string, not a list\n$/,
    ],
    [
      'an unknown key where the keys are fixed (a registry)',
      () => write('registry.yml', validText().replace('  quay.io:', '  dockerhub.io:')),
      /^Error: .*registry\.yml:42:3: docker_registries\.dockerhub\.io: Unknown registry key: 'dockerhub\.io'\. Acceptable keys are quay\.io, .*, defaults \n$/,
    ],
    [
      'many mistakes at once',
      () => write('many.yml', 'system_mode: simplex\nname: [a]\n'),
      /^(.*many\.yml:\d+:\d+: .+\n)+Error: \d+ errors in 1 of 1 file; nothing was sent\n$/,
    ],
  ]
  it.each(cases)('%s', async (_name, make, expected) => {
    const result = await runDcm(['subcloud', 'validate', make()])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(expected)
    expectNoStack(result.stderr)
  })

  it('unknown top-level keys are refused by default: one error line per key, exit 2, naming line and the likely typo', async () => {
    const file = write('unknown.yml', `${validText()}managment_subnet: 10.0.0.0/24\nntp_servers: [10.10.10.5]\n`)
    const result = await runDcm(['subcloud', 'validate', file])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      `${file}:52:1: unknown parameter managment_subnet (passed to Ansible as is); did you mean management_subnet?\n`,
    )
    expect(result.stderr).toContain(`${file}:53:1: unknown parameter ntp_servers`)
    expectNoStack(result.stderr)
  })

  it('with --allow-unknown-keys they are warnings (upstream passes them to Ansible): exit 0, rows name key and line', async () => {
    const file = write('typo.yml', `${validText()}managment_subnet: 10.0.0.0/24\nntp_servers: [10.10.10.5]\n`)
    const result = await runDcm(['subcloud', 'validate', file, '--allow-unknown-keys', '-f', 'json'])
    expect(result.code).toBe(0)
    expect(
      (JSON.parse(result.stdout) as {key: string; line: number; severity: string}[]).map((f) => [
        f.severity,
        f.key,
        f.line,
      ]),
    ).toEqual([
      ['warning', 'managment_subnet', 52],
      ['warning', 'ntp_servers', 53],
    ])
  })

  it('one unknown key is one error line naming file, line, key and the likely typo', async () => {
    const file = write('strict.yml', `${validText()}managment_subnet: 10.0.0.0/24\n`)
    const result = await runDcm(['subcloud', 'validate', file])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      `Error: ${file}:52:1: unknown parameter managment_subnet (passed to Ansible as is); did you mean management_subnet?\n`,
    )
  })

  it('a bad flag value is a usage error naming the flag', async () => {
    const result = await runDcm([
      'subcloud',
      'validate',
      example('valid-simplex-ipv4.yaml'),
      '--system-controller-pool',
      'a-b',
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^Error: --system-controller-pool a-b: expected START-END/)
  })

  it('several files, one missing: the others are still checked, the missing one is an error row', async () => {
    const result = await runDcm([
      'subcloud',
      'validate',
      example('valid-simplex-ipv4.yaml'),
      path.join(dir, 'gone.yml'),
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      `${example('valid-simplex-ipv4.yaml')}: valid (0 errors, 0 warnings)\n` +
        `Error: ${path.join(dir, 'gone.yml')}:1:1: no such file\n`,
    )
  })
})

describe('dcm system-controller validate', () => {
  const fixture = path.join(repoRoot, 'test', 'fixtures', 'overrides', 'system-controller-localhost.yml')

  it("accepts a System Controller's localhost.yml and never prints its passwords", async () => {
    const result = await runDcm(['system-controller', 'validate', fixture, '--debug'])
    expect(result.code).toBe(0)
    expect(result.stdout + result.stderr).not.toMatch(/Fixture-Only/)
  })

  it('refuses a subcloud file with the System Controller rules', async () => {
    const result = await runDcm([
      'system-controller',
      'validate',
      example('valid-simplex-ipv4.yaml'),
      '-f',
      'value',
      '-c',
      'message',
    ])
    expect(result.code).toBe(2)
    expect(result.stdout).toContain('distributed_cloud_role required')
    expect(result.stdout).toContain(
      'A simplex All-in-one controller cannot be configured as Distributed Cloud System Controller',
    )
  })
})

describe('dcm subcloud template', () => {
  // Every combination is checked at library level (template.test.ts); here the command line itself.
  it.each([[[]], [['--system-mode', 'duplex-direct', '--ipv6', '--admin-network']]])(
    '%p prints a file that validate accepts',
    async (flags) => {
      const template = await runDcm(['subcloud', 'template', ...flags])
      expect(template.code).toBe(0)
      expect(template.stdout).toMatch(/^# Subcloud bootstrap values/)
      const file = write(`template-${flags.join('')}.yml`, template.stdout)
      const result = await runDcm(['subcloud', 'validate', file])
      expect(result).toMatchObject({code: 0, stderr: `${file}: valid (0 errors, 0 warnings)\n`})
    },
  )

  it('pipes into validate - (standard input)', async () => {
    const template = await runDcm(['subcloud', 'template', '--system-mode', 'duplex'])
    const clean = await runDcm(['subcloud', 'validate', '-'], {input: template.stdout})
    expect(clean).toMatchObject({code: 0, stdout: '', stderr: '<stdin>: valid (0 errors, 0 warnings)\n'})
    const broken = await runDcm(['subcloud', 'validate', '-'], {
      input: template.stdout.replace(
        'management_gateway_address: 192.168.101.1',
        'management_gateway_address: 192.168.100.1',
      ),
    })
    expect(broken.code).toBe(2)
    expect(broken.stderr).toMatch(
      /^Error: <stdin>:\d+:29: management_gateway_address invalid: Address must be in subnet 192\.168\.101\.0\/24\n$/,
    )
  })

  it('refuses an unknown system mode (exit 2)', async () => {
    const result = await runDcm(['subcloud', 'template', '--system-mode', 'standard'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^Error: Expected --system-mode=standard to be one of: simplex, duplex, duplex-direct/,
    )
  })
})
