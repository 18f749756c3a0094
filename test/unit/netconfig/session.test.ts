import {describe, expect, it} from '@jest/globals'

import {InterruptedError, OperationError, UsageError} from '../../../src/core/errors.js'
import type {CommandResult, Executor} from '../../../src/core/netconfig/executor.js'
import {SessionRenderer, renderInterfaces} from '../../../src/core/netconfig/render.js'
import {PROMPTS, type SessionEvent, type SessionOptions, runSession} from '../../../src/core/netconfig/session.js'
import {MESSAGES} from '../../../src/core/netconfig/validators.js'

/**
 * The session's flow with a canned host: reads answer fixed `ip -j` documents (enp0s3 up with an address,
 * enp0s8 down), writes are recorded. The real kernel is exercised by the namespace integration tests.
 */
function cannedHost() {
  const ran: string[] = []
  // Link admin state follows `ip link set` so that re-reads see the discovery step's effect.
  const up = new Set(['lo', 'enp0s3'])
  const links = () =>
    JSON.stringify(
      [
        {ifname: 'lo', link_type: 'loopback', address: '00:00:00:00:00:00'},
        {ifname: 'enp0s3', address: '08:00:27:00:00:03'},
        {ifname: 'enp0s8', address: '08:00:27:00:00:08'},
      ].map((link) => ({...link, flags: up.has(link.ifname) ? ['UP', 'LOWER_UP'] : ['BROADCAST']})),
    )
  const reads: Record<string, string> = {
    'ip -j addr show': JSON.stringify([
      {ifname: 'enp0s3', addr_info: [{local: '10.20.0.5', prefixlen: 24, scope: 'global'}]},
    ]),
    'ip -j -4 route show table main': '[]',
    'ip -j -6 route show table main': '[]',
    'lldpcli -f json0 show neighbors': JSON.stringify({
      lldp: [{interface: [{name: 'enp0s3', port: [{id: [{value: 'Gi1/0/3'}]}]}]}],
    }),
  }
  const executor: Executor = {
    where: 'test host',
    run: async (argv): Promise<CommandResult> => {
      const line = argv.join(' ')
      if (line === 'ip -j link show') return {code: 0, stdout: links(), stderr: ''}
      const set = /^ip link set dev (\S+) (up|down)$/.exec(line)
      if (set) up[set[2] === 'up' ? 'add' : 'delete'](set[1])
      if (line in reads) return {code: 0, stdout: reads[line], stderr: ''}
      ran.push(line)
      return {code: 0, stdout: '', stderr: ''}
    },
  }
  return {executor, ran}
}

function scriptedUi(answers: string[]) {
  const events: SessionEvent[] = []
  const asked: string[] = []
  return {
    events,
    asked,
    ui: {
      emit: (event: SessionEvent) => events.push(event),
      ask: async (question: string) => {
        asked.push(question)
        const answer = answers.shift()
        if (answer === undefined) throw new InterruptedError('Aborted')
        return answer
      },
    },
  }
}

const options = (executor: Executor, extra: Partial<SessionOptions> = {}): SessionOptions => ({
  executor,
  input: {},
  interactive: true,
  yes: false,
  dryRun: false,
  keepOtherInterfaces: false,
  lldpTimeoutMs: 0,
  ...extra,
})

describe('config-management session', () => {
  it('asks upstream questions, re-asks with upstream messages, and takes the suggested gateway on Enter', async () => {
    const {executor, ran} = cannedHost()
    const {ui, events, asked} = scriptedUi([
      'eth0',
      'enp0s8',
      '192.168.101.255/24',
      '192.168.101.10/24',
      '',
      'fd00::/64',
      '192.168.204.0/24',
      'y',
    ])
    const result = await runSession(options(executor), ui)
    expect(asked).toEqual([
      PROMPTS.interface,
      PROMPTS.interface,
      PROMPTS.address,
      PROMPTS.address,
      'Enter management gateway IP address [192.168.101.1]: ',
      PROMPTS.systemControllerSubnet,
      PROMPTS.systemControllerSubnet,
      PROMPTS.confirm,
    ])
    expect(events.filter((e) => e.type === 'invalid-answer').map((e) => (e as {message: string}).message)).toEqual([
      MESSAGES.invalidInterface,
      MESSAGES.broadcastAddress,
      'Invalid IP version - must match network version IPv4',
    ])
    expect(result).toMatchObject({interface: 'enp0s8', address: '192.168.101.10/24', gateway: '192.168.101.1'})
    // Every link was raised for discovery first (upstream step 1), then the others brought down.
    expect(ran).toEqual([
      'ip link set dev enp0s8 up',
      'ip link set dev enp0s3 down',
      'ip -4 addr add 192.168.101.10/24 dev enp0s8',
      'ip -4 route add 192.168.204.0/24 via 192.168.101.1 dev enp0s8',
    ])
    const table = events.find((e) => e.type === 'interfaces') as {rows: {name: string; remotePort: string}[]}
    expect(table.rows.map((r) => [r.name, r.remotePort])).toEqual([
      ['enp0s3', 'Gi1/0/3'],
      ['enp0s8', 'unknown'],
    ])
  })

  it('without a terminal names every missing flag and runs nothing', async () => {
    const {executor, ran} = cannedHost()
    const run = runSession(options(executor, {interactive: false, input: {interface: 'enp0s8'}}), scriptedUi([]).ui)
    await expect(run).rejects.toThrow(
      new UsageError('--address, --system-controller-subnet, --yes are required: no terminal to prompt on'),
    )
    expect(ran).toEqual([])
  })

  it('checks flag values before reading or changing anything, naming the flag', async () => {
    const {executor, ran} = cannedHost()
    const input = {interface: 'enp0s8', address: '192.168.101.10/24', systemControllerSubnet: '192.168.204.0/24'}
    for (const [bad, text] of [
      [{address: '239.0.0.1/24'}, '--address 239.0.0.1/24: Invalid address - multicast address not allowed'],
      [{gateway: '10.0.0.1'}, '--gateway 10.0.0.1: Address must be in the management subnet'],
      [{systemControllerSubnet: '192.168.101.0/25'}, MESSAGES.subnetOverlaps],
      [{interface: 'enp0s8@enp0s3'}, "--interface: Invalid interface name 'enp0s8@enp0s3'"],
    ] as const) {
      const run = runSession(
        options(executor, {interactive: false, yes: true, input: {...input, ...bad}}),
        scriptedUi([]).ui,
      )
      await expect(run).rejects.toThrow(text)
    }
    expect(ran).toEqual([])
  })

  it('a dry run changes nothing, not even for discovery, and still shows the plan', async () => {
    const {executor, ran} = cannedHost()
    const {ui, events} = scriptedUi([])
    const input = {interface: 'enp0s8', address: '192.168.101.10/24', systemControllerSubnet: '192.168.204.0/24'}
    const result = await runSession(options(executor, {interactive: false, dryRun: true, input}), ui)
    expect(ran).toEqual([])
    expect(result.planned).toHaveLength(4)
    expect(events.some((e) => e.type === 'plan' && e.dryRun)).toBe(true)
  })

  it('undoes the discovery link changes when the operator declines', async () => {
    const {executor, ran} = cannedHost()
    const {ui} = scriptedUi(['enp0s8', '192.168.101.10/24', '', '192.168.204.0/24', 'n'])
    await expect(runSession(options(executor), ui)).rejects.toBeInstanceOf(OperationError)
    expect(ran).toEqual(['ip link set dev enp0s8 up', 'ip link set dev enp0s8 down'])
  })

  it('Ctrl-C at a prompt undoes discovery and surfaces as an interruption with what was undone', async () => {
    const {executor, ran} = cannedHost()
    const error = await runSession(options(executor), scriptedUi([]).ui).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InterruptedError)
    expect((error as InterruptedError).hint).toBe(
      'rolled back, the host is as it was: enable enp0s8 for LLDP discovery',
    )
    expect(ran).toEqual(['ip link set dev enp0s8 up', 'ip link set dev enp0s8 down'])
  })
})

describe('rendering', () => {
  it("draws upstream's interface table with state and MAC on the right", () => {
    expect(renderInterfaces([{name: 'enp0s8', remotePort: 'Gi1/0/12', state: 'up', mac: '08:00:27:00:00:08'}])).toBe(
      [
        '',
        'Available interfaces:',
        'local interface      remote port          state      MAC address',
        '---------------      -----------          -----      -----------',
        'enp0s8               Gi1/0/12             up         08:00:27:00:00:08',
        '',
        '',
      ].join('\n'),
    )
  })

  it('prints `label...  STATUS` lines and dots for LLDP polls without a terminal', () => {
    let out = ''
    const renderer = new SessionRenderer({out: (t) => (out += t), err: (t) => (out += t), tty: false})
    renderer.handle({type: 'begin', label: 'Waiting up to 9 seconds for LLDP neighbor discovery...'})
    renderer.handle({type: 'lldp-tick', remainingSeconds: 7, found: 0, wanted: 1})
    renderer.handle({type: 'lldp-tick', remainingSeconds: 5, found: 0, wanted: 1})
    renderer.handle({type: 'end', status: 'DONE'})
    renderer.handle({type: 'begin', label: 'Enabling interfaces...'})
    renderer.handle({type: 'warning', message: 'x'})
    expect(out).toBe(
      'Waiting up to 9 seconds for LLDP neighbor discovery... ..  DONE\nEnabling interfaces...\nWarning: x\n',
    )
  })
})
