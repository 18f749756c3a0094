import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from '@jest/globals'

import {type CliResult, repoRoot, runDcm} from '../helpers/cli.js'
import {type NetnsLab, createNetnsLab, netnsSkipReason} from '../helpers/netns.js'
import {runDcmOnPty} from '../helpers/pty.js'

/**
 * dcm config-management against the real kernel: every `ip` command runs inside a throwaway network
 * namespace (hidden --netns flag), joined by a veth pair to a "switch" namespace where lldpd speaks LLDP.
 * State is asserted with `ip -j` inside the namespace. Needs root, iproute2 and lldpd (installed by .ci/run).
 */
const skipReason = netnsSkipReason()
if (skipReason) process.stdout.write(`config-management namespace tests skipped: ${skipReason}\n`)
const describeNetns = skipReason ? describe.skip : describe

const PROMPT_ADDRESS = 'Enter management IP address in CIDR notation, ie. ip/prefix_length: '

interface AddressInfo {
  local: string
  prefixlen: number
  scope: string
}

describeNetns('dcm config-management in network namespaces', () => {
  let lab: NetnsLab

  beforeAll(async () => {
    lab = await createNetnsLab()
  }, 30_000)

  afterAll(async () => {
    await lab?.close()
  })

  beforeEach(() => {
    lab.reset()
    // Each test starts with no undo record (the kernel state was just reset too).
    rmSync(recordDir(), {recursive: true, force: true})
  })

  let scratch: string
  beforeAll(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-cm-test-'))
  })
  afterAll(() => rmSync(scratch, {recursive: true, force: true}))
  const logFile = () => path.join(scratch, 'config-management.log')
  const recordDir = () => path.join(scratch, 'records')

  const base = () => [
    'config-management',
    '--netns',
    lab.controller,
    '--lldp-socket',
    lab.lldpSocket,
    '--log-file',
    logFile(),
    '--record-dir',
    recordDir(),
  ]
  const v4 = () => [
    '--interface',
    lab.iface,
    '--address',
    '192.168.101.10/24',
    '--system-controller-subnet',
    '192.168.204.0/24',
  ]
  const dcm = (args: string[], env?: Record<string, string>): Promise<CliResult> => runDcm(args, {env})
  /** Faults through the Executor interface of the built CLI (test/helpers/netconfig-faults-preload.mjs). */
  const faults = (how: 'FAIL' | 'STALL', kind: string): Record<string, string> => ({
    NODE_OPTIONS: `--import ${path.join(repoRoot, 'test', 'helpers', 'netconfig-faults-preload.mjs')}`,
    // The preload patches dist/'s executor module, which the bundled start does not load.
    DCM_NO_BUNDLE: '1',
    [`TEST_NETCONFIG_${how}_AT`]: kind,
  })

  const addresses = (family: '-4' | '-6'): string[] =>
    (JSON.parse(lab.ip('-j', family, 'addr', 'show', 'dev', lab.iface)) as {addr_info: AddressInfo[]}[])
      .flatMap((link) => link.addr_info)
      .filter((info) => info.scope === 'global')
      .map((info) => `${info.local}/${info.prefixlen}`)
  const routes = (family: '-4' | '-6') =>
    JSON.parse(lab.ip('-j', family, 'route', 'show', 'table', 'main')) as {dst: string; gateway?: string; dev: string}[]

  it('configures the address and the route non-interactively, showing the LLDP neighbour', async () => {
    const before = lab.snapshot()
    const result = await dcm([...base(), ...v4(), '--gateway', '192.168.101.1', '--yes', '--lldp-timeout', '20'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(addresses('-4')).toEqual(['192.168.101.10/24'])
    expect(routes('-4')).toContainEqual(
      expect.objectContaining({dst: '192.168.204.0/24', gateway: '192.168.101.1', dev: lab.iface}),
    )
    // lldpd in the controller namespace saw the switch port across the veth.
    expect(result.stdout).toMatch(new RegExp(`^${lab.iface} +${lab.switchPort} +up `, 'm'))
    expect(result.stdout).toContain('Configuring management interface...  DONE')
    expect(result.stdout).toContain('Adding route to System Controller...  DONE')
    // The other interfaces were down and stay down; nothing else changed.
    const after = lab.snapshot()
    expect(after.links.filter((l) => l.name !== lab.iface)).toEqual(before.links.filter((l) => l.name !== lab.iface))
  })

  it('changes nothing on a second run', async () => {
    const args = [...base(), ...v4(), '--yes', '--lldp-timeout', '0']
    expect((await dcm(args)).code).toBe(0)
    const configured = lab.snapshot()
    const second = await dcm([...args, '--json'])
    expect(second.code).toBe(0)
    expect(lab.snapshot()).toEqual(configured)
    const result = JSON.parse(second.stdout)
    expect(result.applied).toEqual([])
    expect(result.unchanged).toEqual(
      expect.arrayContaining([
        `address 192.168.101.10/24 is configured on ${lab.iface}`,
        `route to 192.168.204.0/24 via 192.168.101.1 dev ${lab.iface} is present`,
      ]),
    )
    expect(second.stderr).toContain('Nothing to change')
  })

  it('--undo takes back exactly what the runs added and restores link states', async () => {
    lab.ip('link', 'set', lab.others[0], 'up')
    const initial = lab.snapshot()
    expect((await dcm([...base(), ...v4(), '--yes', '--lldp-timeout', '0'])).code).toBe(0)
    const ipv6 = [
      '--interface',
      lab.iface,
      '--address',
      'fd00:101::10/64',
      '--system-controller-subnet',
      'fd00:204::/64',
    ]
    expect((await dcm([...base(), ...ipv6, '--yes', '--lldp-timeout', '0'])).code).toBe(0)
    expect(lab.snapshot()).not.toEqual(initial)

    const preview = await dcm([...base(), '--undo', '--dry-run'])
    expect(preview.code).toBe(0)
    expect(preview.stdout.split('\n').filter((line) => line.startsWith('  ip '))).toHaveLength(6)
    const undo = await dcm([...base(), '--undo', '--yes'])
    expect(undo.stderr).toBe('')
    expect(undo.code).toBe(0)
    expect(undo.stdout).toContain('Removing route to System Controller...  DONE')
    expect(undo.stdout).toContain('Removing management address...  DONE')
    expect(undo.stdout).toContain('Enabling interfaces...  DONE')
    expect(lab.snapshot()).toEqual(initial)

    const again = await dcm([...base(), '--undo', '--yes'])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('Error: nothing to undo: no config-management changes are recorded for')
  })

  it('--undo skips what was already removed by hand', async () => {
    expect((await dcm([...base(), ...v4(), '--yes', '--lldp-timeout', '0'])).code).toBe(0)
    lab.ip('route', 'del', '192.168.204.0/24')
    const undo = await dcm([...base(), '--undo', '--yes'])
    expect(undo.code).toBe(0)
    expect(undo.stdout).toContain('already undone: add route to the System Controller subnet 192.168.204.0/24')
    expect(addresses('-4')).toEqual([])
  })

  it('logs every command and its result to a 0600 log file', async () => {
    rmSync(logFile(), {force: true})
    await dcm([...base(), ...v4(), '--yes', '--lldp-timeout', '0'], faults('FAIL', 'route'))
    const log = readFileSync(logFile(), 'utf8')
    expect(statSync(logFile()).mode & 0o777).toBe(0o600)
    expect(log).toContain(`config-management on network namespace ${lab.controller} on this host`)
    expect(log).toContain(`$ ip -j link show -> exit 0`)
    expect(log).toContain(`ip -4 addr add 192.168.101.10/24 dev ${lab.iface} -> exit 0`)
    expect(log).toContain(`ip -4 addr del 192.168.101.10/24 dev ${lab.iface} -> exit 0`)
    // The injected failure sits below the log (test/helpers/netconfig-faults-preload.mjs): logged like a real one.
    expect(log).toMatch(/route add 192\.168\.204\.0\/24 .* -> exit 1/)
  })

  it('fails on a conflicting existing address and leaves the namespace as it was', async () => {
    lab.ip('addr', 'add', '192.168.101.10/16', 'dev', lab.others[0])
    const before = lab.snapshot()
    const result = await dcm([...base(), ...v4(), '--yes', '--lldp-timeout', '0'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `Error: conflicting address: 192.168.101.10 is already configured as 192.168.101.10/16 on ${lab.others[0]}`,
    )
    // The management link it brought up for discovery went back down.
    expect(result.stderr).toContain(`Hint: rolled back, the host is as it was: enable ${lab.iface} for LLDP discovery`)
    expect(lab.snapshot()).toEqual(before)
  })

  it('fails on a conflicting route to the System Controller subnet without touching anything', async () => {
    lab.ip('link', 'set', lab.iface, 'up')
    lab.ip('addr', 'add', '192.168.101.10/24', 'dev', lab.iface)
    lab.ip('route', 'add', '192.168.204.0/24', 'via', '192.168.101.254', 'dev', lab.iface)
    const before = lab.snapshot()
    const result = await dcm([...base(), ...v4(), '--yes', '--lldp-timeout', '0'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `Error: conflicting route: 192.168.204.0/24 is already routed via 192.168.101.254 dev ${lab.iface}`,
    )
    expect(lab.snapshot()).toEqual(before)
  })

  it('rolls the address back when the route step fails (injected failure)', async () => {
    const before = lab.snapshot()
    const result = await dcm([...base(), ...v4(), '--yes', '--lldp-timeout', '0'], faults('FAIL', 'route'))
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('Configuring management interface...  DONE')
    expect(result.stdout).toContain('Adding route to System Controller...  FAILED\n')
    expect(result.stdout).toContain('Rolling back 2 changes...  DONE')
    expect(result.stderr).toContain('Error: `ip -4 route add 192.168.204.0/24 via 192.168.101.1 dev')
    expect(result.stderr).toContain('injected failure')
    expect(addresses('-4')).toEqual([])
    expect(lab.snapshot()).toEqual(before)
  })

  it('rolls back when the kernel refuses a step midway (IPv6 disabled on the interface)', async () => {
    lab.ip('link', 'set', lab.iface, 'up')
    lab.ip('link', 'set', lab.others[0], 'up')
    lab.sysctl(`net.ipv6.conf.${lab.iface}.disable_ipv6`, '1')
    try {
      const before = lab.snapshot()
      const result = await dcm([
        ...base(),
        '--interface',
        lab.iface,
        '--address',
        'fd00:101::10/64',
        '--system-controller-subnet',
        'fd00:204::/64',
        '--yes',
        '--lldp-timeout',
        '0',
      ])
      expect(result.code).toBe(1)
      expect(result.stdout).toContain('Disabling non-management interfaces...  DONE')
      expect(result.stdout).toContain('Configuring management interface...  FAILED')
      expect(result.stdout).toContain('Rolling back 1 change...  DONE')
      // The kernel's own answer, not a generic "failed".
      expect(result.stderr).toMatch(/^Error: `ip -6 addr add fd00:101::10\/64 dev \S+` failed \(exit 2\): .+$/m)
      // The interface it disabled is up again.
      expect(lab.snapshot()).toEqual(before)
    } finally {
      lab.sysctl(`net.ipv6.conf.${lab.iface}.disable_ipv6`, '0')
    }
  })

  it('--dry-run shows the plan and changes nothing', async () => {
    lab.ip('link', 'set', lab.others[0], 'up')
    const before = lab.snapshot()
    const result = await dcm([...base(), ...v4(), '--dry-run', '--lldp-timeout', '0'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Planned changes (dry run, nothing will be applied):')
    expect(result.stdout).toContain(`ip link set dev ${lab.iface} up`)
    expect(result.stdout).toContain(`ip link set dev ${lab.others[0]} down`)
    expect(result.stdout).toContain(`ip -4 addr add 192.168.101.10/24 dev ${lab.iface}`)
    expect(result.stdout).toContain(`ip -4 route add 192.168.204.0/24 via 192.168.101.1 dev ${lab.iface}`)
    expect(lab.snapshot()).toEqual(before)
  })

  it('--keep-other-interfaces leaves the other links up', async () => {
    lab.ip('link', 'set', lab.others[0], 'up')
    const result = await dcm([...base(), ...v4(), '--yes', '--keep-other-interfaces', '--lldp-timeout', '0'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`${lab.others[0]} stays up (--keep-other-interfaces)`)
    const links = lab.snapshot().links
    expect(links).toContainEqual({name: lab.others[0], up: true})
  })

  it('never brings down the interface carrying the SSH session', async () => {
    lab.ip('link', 'set', lab.others[0], 'up')
    lab.ip('addr', 'add', '10.99.0.2/24', 'dev', lab.others[0])
    const result = await dcm([...base(), ...v4(), '--yes', '--lldp-timeout', '0'], {
      SSH_CONNECTION: '10.99.0.1 50000 10.99.0.2 22',
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`${lab.others[0]} stays up: it carries the current SSH session (10.99.0.2)`)
    expect(lab.snapshot().links).toContainEqual({name: lab.others[0], up: true})
  })

  it('configures IPv6, with the gateway defaulting to the first address of the subnet', async () => {
    const result = await dcm([
      ...base(),
      '--interface',
      lab.iface,
      '--address',
      'FD00:0101:0:0::10/64',
      '--system-controller-subnet',
      'fd00:204::/64',
      '--yes',
      '--lldp-timeout',
      '0',
    ])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('gateway fd00:101::1: the first address of fd00:101::/64')
    expect(addresses('-6')).toEqual(['fd00:101::10/64'])
    expect(routes('-6')).toContainEqual(
      expect.objectContaining({dst: 'fd00:204::/64', gateway: 'fd00:101::1', dev: lab.iface}),
    )
    // A second IPv6 run is a no-op too.
    const again = await dcm(
      [...base(), '--interface', lab.iface, '--address', 'fd00:101::10/64'].concat([
        '--system-controller-subnet',
        'fd00:204::/64',
        '--yes',
        '--lldp-timeout',
        '0',
      ]),
    )
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('Nothing to change')
  })

  it('refuses bad flags and missing flags without a terminal before touching anything (exit 2)', async () => {
    const before = lab.snapshot()
    const missing = await dcm([...base(), '--interface', lab.iface])
    expect(missing.code).toBe(2)
    expect(missing.stderr.split('\n')[0]).toBe(
      'Error: --address, --system-controller-subnet, --yes are required: no terminal to prompt on',
    )
    const network = await dcm(
      [...base(), ...v4().slice(0, 2), '--address', '192.168.101.0/24'].concat([
        '--system-controller-subnet',
        '192.168.204.0/24',
        '--yes',
      ]),
    )
    expect(network.code).toBe(2)
    expect(network.stderr).toContain('Error: --address 192.168.101.0/24: Cannot use network address')
    const hostBits = await dcm([
      ...base(),
      ...v4().slice(0, 4),
      '--system-controller-subnet',
      '192.168.204.5/24',
      '--yes',
    ])
    expect(hostBits.code).toBe(2)
    expect(hostBits.stderr).toContain('Invalid IP network 192.168.204.5/24 expecting 192.168.204.0/24')
    const unknown = await dcm([...base(), ...v4().slice(2), '--interface', 'eth9', '--yes'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("Error: --interface: Invalid interface name 'eth9'")
    expect(lab.snapshot()).toEqual(before)
  })

  it('refuses to run without root (exit 2), before reading or changing anything', async () => {
    const before = lab.snapshot()
    const result = await new Promise<{code: number | null; stderr: string}>((resolve) => {
      const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1'}
      delete env.NODE_OPTIONS
      const child = spawn(
        'setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.join(repoRoot, 'bin', 'run.js')]
          .concat(base())
          .concat(v4(), ['--yes']),
        {env, stdio: ['ignore', 'pipe', 'pipe']},
      )
      let stderr = ''
      child.stderr.on('data', (chunk) => (stderr += chunk))
      child.on('close', (code) => resolve({code, stderr}))
    })
    expect(result.stderr).toContain('Error: config-management must be run with root privileges')
    expect(result.code).toBe(2)
    expect(lab.snapshot()).toEqual(before)
  })

  it('Ctrl-C in the middle of applying rolls back and exits 130', async () => {
    const before = lab.snapshot()
    const result = await runDcmOnPty(
      [...base(), ...v4(), '--gateway', '192.168.101.1', '--yes', '--lldp-timeout', '0'],
      [{expect: 'Adding route to System Controller...'}, {send: '\x03'}],
      {env: faults('STALL', 'route')},
    )
    expect(result.error).toBeNull()
    expect(result.code).toBe(130)
    expect(result.output).toContain('Rolling back 2 changes...  DONE')
    expect(result.output).toContain('Error: Aborted')
    expect(lab.snapshot()).toEqual(before)
  })

  it('SIGTERM in the middle of applying (no terminal) rolls back too', async () => {
    const before = lab.snapshot()
    const result = await runDcmOnPty(
      [...base(), ...v4(), '--gateway', '192.168.101.1', '--yes', '--lldp-timeout', '0'],
      [{expect: 'Adding route to System Controller...'}, {signal: 'SIGTERM'}],
      {env: faults('STALL', 'route')},
    )
    expect(result.code).toBe(130)
    expect(lab.snapshot()).toEqual(before)
  })

  it('runs interactively on a terminal with the upstream prompts, re-asking after invalid answers', async () => {
    const result = await runDcmOnPty(
      [...base(), '--lldp-timeout', '8'],
      [
        {expect: 'Enabling interfaces...  DONE'},
        {expect: 'Available interfaces:'},
        {expect: 'Enter management interface name: '},
        {send: 'eth0\r'},
        {expect: 'Invalid interface name'},
        {expect: 'Enter management interface name: '},
        {send: `${lab.iface}\r`},
        {expect: 'Enter management IP address in CIDR notation, ie. ip/prefix_length: '},
        {send: '192.168.101.0/24\r'},
        {expect: 'Cannot use network address'},
        {expect: 'Enter management IP address in CIDR notation, ie. ip/prefix_length: '},
        {send: 'not-an-address\r'},
        {expect: 'Invalid CIDR - please enter a valid management IP address in CIDR notation.'},
        {expect: 'Enter management IP address in CIDR notation, ie. ip/prefix_length: '},
        {send: '192.168.101.10/24\r'},
        {expect: 'Enter management gateway IP address [192.168.101.1]: '},
        {send: '192.168.102.1\r'},
        {expect: 'Address must be in the management subnet'},
        {expect: 'Enter management gateway IP address [192.168.101.1]: '},
        {send: '\r'},
        {expect: 'Enter System Controller subnet in CIDR notation: '},
        {send: '192.168.204.0/30\r'},
        {expect: 'Subnet too small - must have at least 8 addresses'},
        {expect: 'Enter System Controller subnet in CIDR notation: '},
        {send: '192.168.204.0/24\r'},
        {expect: 'Apply these changes? [y/N]: '},
        {send: 'y\r'},
        {expect: 'Adding route to System Controller...  DONE'},
      ],
    )
    expect(result.error).toBeNull()
    expect(result.code).toBe(0)
    // Upstream's table, with the switch port LLDP reported.
    expect(result.output).toMatch(new RegExp(`^local interface +remote port +state +MAC address$`, 'm'))
    expect(result.output).toMatch(new RegExp(`^${lab.iface} +${lab.switchPort} +up `, 'm'))
    expect(result.output).toContain(`ip -4 route add 192.168.204.0/24 via 192.168.101.1 dev ${lab.iface}`)
    expect(addresses('-4')).toEqual(['192.168.101.10/24'])
    expect(routes('-4')).toContainEqual(
      expect.objectContaining({dst: '192.168.204.0/24', gateway: '192.168.101.1', dev: lab.iface}),
    )
  })

  it('Ctrl-C at a prompt undoes the links it enabled for discovery and exits 130', async () => {
    const before = lab.snapshot()
    const result = await runDcmOnPty(
      [...base(), '--lldp-timeout', '0'],
      [{expect: 'Enter management interface name: '}, {send: '\x03'}],
    )
    expect(result.error).toBeNull()
    expect(result.code).toBe(130)
    expect(result.output).toContain('Rolling back 3 changes...  DONE')
    expect(lab.snapshot()).toEqual(before)
  })

  it('Ctrl-C during the LLDP wait stops the countdown, undoes discovery and exits 130', async () => {
    const before = lab.snapshot()
    // The spare veth pair has a carrier but no lldpd: the wait cannot finish early.
    const result = await runDcmOnPty(
      [...base(), '--lldp-timeout', '60', '--lldp-interval', '1'],
      [{expect: 'Waiting up to 60 seconds for LLDP neighbor discovery...'}, {expect: 's left ('}, {send: '\x03'}],
    )
    expect(result.error).toBeNull()
    expect(result.code).toBe(130)
    expect(result.output).toContain('Rolling back 3 changes...  DONE')
    expect(lab.snapshot()).toEqual(before)
  })

  it('end of input (Ctrl-D) at a prompt is a one-line error, not a traceback, and undoes discovery', async () => {
    const before = lab.snapshot()
    const result = await runDcmOnPty(
      [...base(), '--interface', lab.iface, '--lldp-timeout', '0'],
      [{expect: PROMPT_ADDRESS}, {send: '\x04'}],
    )
    expect(result.error).toBeNull()
    expect(result.code).toBe(2)
    expect(result.output).toContain('Error: no answer: end of input at the prompt')
    expect(result.output).not.toContain('    at ')
    expect(lab.snapshot()).toEqual(before)
  })

  it('Ctrl-C while applying after an interactive confirmation (terminal in raw mode) rolls back too', async () => {
    const before = lab.snapshot()
    const result = await runDcmOnPty(
      [...base(), ...v4(), '--gateway', '192.168.101.1', '--lldp-timeout', '0'],
      [
        {expect: 'Apply these changes? [y/N]: '},
        {send: 'y\r'},
        {expect: 'Adding route to System Controller...'},
        {send: '\x03'},
      ],
      {env: faults('STALL', 'route')},
    )
    expect(result.error).toBeNull()
    expect(result.code).toBe(130)
    expect(result.output).toContain('Rolling back 2 changes...  DONE')
    expect(lab.snapshot()).toEqual(before)
  })

  it('declining the confirmation changes nothing (exit 1)', async () => {
    const before = lab.snapshot()
    const result = await runDcmOnPty(
      [...base(), ...v4(), '--gateway', '192.168.101.1', '--lldp-timeout', '0'],
      [{expect: 'Apply these changes? [y/N]: '}, {send: 'n\r'}],
    )
    expect(result.code).toBe(1)
    expect(result.output).toContain('Error: not applied: the changes were not confirmed')
    expect(lab.snapshot()).toEqual(before)
  })
})
