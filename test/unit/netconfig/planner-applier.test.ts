import {describe, expect, it} from '@jest/globals'

import {InterruptedError} from '../../../src/core/errors.js'
import {parseSubnet} from '../../../src/core/net/cidr.js'
import {Journal, StepFailedError, applySteps} from '../../../src/core/netconfig/applier.js'
import type {CommandResult, Executor} from '../../../src/core/netconfig/executor.js'
import type {AddressState, LinkState, NetworkState, RouteState} from '../../../src/core/netconfig/ip-state.js'
import {ConflictError, type PlanRequest, planConfiguration} from '../../../src/core/netconfig/planner.js'
import {checkGateway, checkManagementAddress} from '../../../src/core/netconfig/validators.js'
import {FaultyExecutor} from '../../helpers/netconfig-faults.js'

const link = (name: string, up: boolean, extra: Partial<LinkState> = {}): LinkState => ({
  name,
  up,
  carrier: up,
  operstate: up ? 'up' : 'down',
  mac: '02:00:00:00:00:01',
  loopback: false,
  ...extra,
})
const address = (iface: string, text: string): AddressState => {
  const [value, prefix] = text.split('/')
  return {
    interface: iface,
    family: value.includes(':') ? 6 : 4,
    address: value,
    prefix: Number(prefix),
    scope: 'global',
  }
}
const route = (destination: string, gateway: string | undefined, device: string): RouteState => ({
  family: destination.includes(':') ? 6 : 4,
  destination,
  gateway,
  device,
})

function request(cidr: string, gateway: string, subnet: string, extra: Partial<PlanRequest> = {}): PlanRequest {
  const management = checkManagementAddress(cidr)
  if (!management.ok) throw new Error(management.message)
  const gw = checkGateway(gateway, management.value)
  if (!gw.ok) throw new Error(gw.message)
  return {
    interface: 'enp0s8',
    address: management.value,
    gateway: gw.value,
    systemControllerSubnet: parseSubnet(subnet)!,
    keepOtherInterfaces: false,
    upForDiscovery: [],
    protectedInterfaces: new Map(),
    ...extra,
  }
}

const fresh = (): NetworkState => ({
  links: [link('lo', true, {loopback: true}), link('enp0s3', true), link('enp0s8', false), link('enp0s9', false)],
  addresses: [address('enp0s3', '10.20.0.5/24')],
  routes: [route('0.0.0.0/0', '10.20.0.1', 'enp0s3'), route('10.20.0.0/24', undefined, 'enp0s3')],
})
const v4 = () => request('192.168.101.10/24', '192.168.101.1', '192.168.204.0/24')
const argvs = (state: NetworkState, req: PlanRequest) =>
  planConfiguration(state, req).steps.map((s) => s.argv.join(' '))

describe('planner', () => {
  it('plans upstream steps 9-11 with the exact ip commands, in order', () => {
    expect(argvs(fresh(), v4())).toEqual([
      'ip link set dev enp0s8 up',
      'ip link set dev enp0s3 down',
      'ip -4 addr add 192.168.101.10/24 dev enp0s8',
      'ip -4 route add 192.168.204.0/24 via 192.168.101.1 dev enp0s8',
    ])
  })

  it('gives every step its undo', () => {
    expect(planConfiguration(fresh(), v4()).steps.map((s) => s.undo.join(' '))).toEqual([
      'ip link set dev enp0s8 down',
      'ip link set dev enp0s3 up',
      'ip -4 addr del 192.168.101.10/24 dev enp0s8',
      'ip -4 route del 192.168.204.0/24 via 192.168.101.1 dev enp0s8',
    ])
  })

  it('uses ip -6 for IPv6', () => {
    const req = request('fd00:101::10/64', 'fd00:101::1', 'fd00:204::/64')
    expect(argvs(fresh(), req).slice(-2)).toEqual([
      'ip -6 addr add fd00:101::10/64 dev enp0s8',
      'ip -6 route add fd00:204::/64 via fd00:101::1 dev enp0s8',
    ])
  })

  it('plans nothing when everything is in place (second run), and says what it found', () => {
    const state = fresh()
    state.links = state.links.map((l) =>
      l.name === 'enp0s3' ? {...l, up: false} : l.name === 'enp0s8' ? {...l, up: true} : l,
    )
    state.addresses.push(address('enp0s8', '192.168.101.10/24'))
    state.routes.push(route('192.168.204.0/24', '192.168.101.1', 'enp0s8'))
    const plan = planConfiguration(state, v4())
    expect(plan.steps).toEqual([])
    expect(plan.unchanged).toEqual([
      'interface enp0s8 is up',
      'address 192.168.101.10/24 is configured on enp0s8',
      'route to 192.168.204.0/24 via 192.168.101.1 dev enp0s8 is present',
    ])
  })

  it('keeps other interfaces with --keep-other-interfaces, but returns links it raised for discovery', () => {
    const state = fresh()
    state.links.push(link('enp0s10', true))
    const plan = planConfiguration(state, {...v4(), keepOtherInterfaces: true, upForDiscovery: ['enp0s10']})
    expect(plan.steps.map((s) => s.argv.join(' '))).toContain('ip link set dev enp0s10 down')
    expect(plan.steps.map((s) => s.argv.join(' '))).not.toContain('ip link set dev enp0s3 down')
    expect(plan.kept).toEqual(['enp0s3 stays up (--keep-other-interfaces)'])
  })

  it('never brings down a protected interface (the SSH session)', () => {
    const plan = planConfiguration(fresh(), {...v4(), protectedInterfaces: new Map([['enp0s3', 'SSH session']])})
    expect(plan.steps.some((s) => s.kind === 'link-down')).toBe(false)
    expect(plan.kept).toEqual(['enp0s3 stays up: SSH session'])
  })

  it.each([
    [
      'the same address with another prefix',
      (s: NetworkState) => s.addresses.push(address('enp0s8', '192.168.101.10/16')),
      'conflicting address: 192.168.101.10 is already configured as 192.168.101.10/16 on enp0s8',
    ],
    [
      'the same address on another interface',
      (s: NetworkState) => s.addresses.push(address('enp0s9', '192.168.101.10/24')),
      'conflicting address: 192.168.101.10 is already configured as 192.168.101.10/24 on enp0s9',
    ],
    [
      'an overlapping subnet on another interface',
      (s: NetworkState) => s.addresses.push(address('enp0s9', '192.168.101.20/24')),
      'conflicting address: the management subnet 192.168.101.0/24 overlaps 192.168.101.20/24 on enp0s9',
    ],
    [
      'another route to the System Controller subnet',
      (s: NetworkState) => s.routes.push(route('192.168.204.0/24', '10.20.0.1', 'enp0s3')),
      'conflicting route: 192.168.204.0/24 is already routed via 10.20.0.1 dev enp0s3',
    ],
    [
      'an address inside the System Controller subnet',
      (s: NetworkState) => s.addresses.push(address('enp0s9', '192.168.204.7/24')),
      'conflicting address: the System Controller subnet 192.168.204.0/24 overlaps 192.168.204.7/24 on enp0s9',
    ],
  ])('refuses %s, naming it', (_what, change, message) => {
    const state = fresh()
    change(state)
    expect(() => planConfiguration(state, v4())).toThrow(ConflictError)
    expect(() => planConfiguration(state, v4())).toThrow(message)
  })

  it('allows a second address of the management subnet on the same interface', () => {
    const state = fresh()
    state.addresses.push(address('enp0s8', '192.168.101.20/24'))
    expect(argvs(state, v4())).toContain('ip -4 addr add 192.168.101.10/24 dev enp0s8')
  })
})

/** Records commands; fails the ones `fail` matches. */
function recorder(fail: (argv: string) => boolean = () => false) {
  const ran: string[] = []
  const executor: Executor = {
    where: 'test',
    run: async (argv): Promise<CommandResult> => {
      ran.push(argv.join(' '))
      return fail(argv.join(' '))
        ? {code: 2, stdout: '', stderr: 'RTNETLINK answers: File exists\n'}
        : {code: 0, stdout: '', stderr: ''}
    },
  }
  return {executor, ran}
}

describe('applier', () => {
  const steps = () => planConfiguration(fresh(), v4()).steps

  it('runs every step and journals it', async () => {
    const {executor, ran} = recorder()
    const journal = new Journal()
    await applySteps(executor, steps(), {journal})
    expect(ran).toHaveLength(4)
    expect(journal.steps).toHaveLength(4)
  })

  it('stops at the first failing command with its stderr, and rolls back the applied steps newest first', async () => {
    const {executor, ran} = recorder((argv) => argv.includes('route add'))
    const journal = new Journal()
    const error = await applySteps(executor, steps(), {journal}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StepFailedError)
    expect((error as Error).message).toBe(
      '`ip -4 route add 192.168.204.0/24 via 192.168.101.1 dev enp0s8` failed (exit 2): RTNETLINK answers: File exists',
    )
    ran.length = 0
    const {undone, failed} = await journal.rollback(executor)
    expect(ran).toEqual([
      'ip -4 addr del 192.168.101.10/24 dev enp0s8',
      'ip link set dev enp0s3 up',
      'ip link set dev enp0s8 down',
    ])
    expect(undone).toHaveLength(3)
    expect(failed).toEqual([])
    expect(journal.steps).toEqual([])
  })

  it('keeps undoing when one undo fails, and reports it', async () => {
    const {executor} = recorder()
    const journal = new Journal()
    await applySteps(executor, steps(), {journal})
    const {undone, failed} = await journal.rollback(recorder((argv) => argv.includes('addr del')).executor)
    expect(undone).toHaveLength(3)
    expect(failed.map((r) => r.argv.join(' '))).toEqual(['ip -4 addr del 192.168.101.10/24 dev enp0s8'])
  })

  it('a failing step stops the run before the next one; what ran is in the journal', async () => {
    const {executor, ran} = recorder()
    const faulty = new FaultyExecutor(executor, {failAt: ['route']})
    const journal = new Journal()
    await expect(applySteps(faulty, steps(), {journal})).rejects.toThrow('injected failure at route')
    expect(ran.some((argv) => argv.includes('route add'))).toBe(false)
    expect(journal.steps.map((s) => s.kind)).toEqual(['link-up', 'link-down', 'address'])
  })

  it('Ctrl-C during a step that then ends unfinished is an interruption, not a failure', async () => {
    const {executor} = recorder()
    const faulty = new FaultyExecutor(executor, {stallAt: ['address']})
    const controller = new AbortController()
    const journal = new Journal()
    const run = applySteps(faulty, steps(), {
      journal,
      signal: controller.signal,
      hooks: {
        onStepStart: (step) => {
          if (step.kind === 'address')
            setTimeout(() => {
              controller.abort()
              faulty.release()
            }, 5)
        },
      },
    })
    await expect(run).rejects.toBeInstanceOf(InterruptedError)
    expect(journal.steps.map((s) => s.kind)).toEqual(['link-up', 'link-down'])
  })
})
