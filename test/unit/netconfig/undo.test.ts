import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, describe, expect, it} from '@jest/globals'

import type {NetworkState} from '../../../src/core/netconfig/ip-state.js'
import {type PlanStep, linkStep, netSteps, planUndo} from '../../../src/core/netconfig/planner.js'
import {addToRecord, loadRecord, recordFileFor} from '../../../src/core/netconfig/undo-record.js'

const address: PlanStep = {
  kind: 'address',
  description: 'add management address 192.168.101.10/24 to enp0s8',
  argv: ['ip', '-4', 'addr', 'add', '192.168.101.10/24', 'dev', 'enp0s8'],
  undo: ['ip', '-4', 'addr', 'del', '192.168.101.10/24', 'dev', 'enp0s8'],
  effect: {type: 'address', interface: 'enp0s8', address: '192.168.101.10', prefix: 24},
}
const route: PlanStep = {
  kind: 'route',
  description: 'add route',
  argv: ['ip', '-4', 'route', 'add', '192.168.204.0/24', 'via', '192.168.101.1', 'dev', 'enp0s8'],
  undo: ['ip', '-4', 'route', 'del', '192.168.204.0/24', 'via', '192.168.101.1', 'dev', 'enp0s8'],
  effect: {type: 'route', destination: '192.168.204.0/24', gateway: '192.168.101.1', device: 'enp0s8'},
}

describe('undo planning', () => {
  it('keeps only net changes: a link raised for discovery and brought down again cancels out', () => {
    const steps = netSteps([
      linkStep('enp0s8', 'up', 'discovery'),
      linkStep('enp0s9', 'up', 'discovery'),
      linkStep('enp0s9', 'down', 'disable'),
      linkStep('enp0s3', 'down', 'disable'),
      address,
      route,
      // A later run that re-added the route after a manual removal.
      route,
    ])
    expect(steps.map((s) => s.argv.join(' '))).toEqual([
      'ip link set dev enp0s8 up',
      'ip link set dev enp0s3 down',
      address.argv.join(' '),
      route.argv.join(' '),
    ])
  })

  it('keeps the first record when a link went the same way twice (reverted by hand in between)', () => {
    const steps = netSteps([linkStep('enp0s8', 'up', 'first run'), linkStep('enp0s8', 'up', 'second run')])
    expect(steps.map((s) => s.description)).toEqual(['first run'])
  })

  it('undoes newest first and skips what is already gone', () => {
    const state: NetworkState = {
      links: [
        {name: 'enp0s8', up: true, carrier: true, operstate: 'up', mac: '', loopback: false},
        {name: 'enp0s3', up: false, carrier: false, operstate: 'down', mac: '', loopback: false},
      ],
      addresses: [{interface: 'enp0s8', family: 4, address: '192.168.101.10', prefix: 24, scope: 'global'}],
      routes: [],
    }
    const plan = planUndo(state, [linkStep('enp0s8', 'up', 'x'), linkStep('enp0s3', 'down', 'y'), address, route])
    expect(plan.steps.map((s) => [s.kind, s.argv.join(' ')])).toEqual([
      ['address', 'ip -4 addr del 192.168.101.10/24 dev enp0s8'],
      ['link-up', 'ip link set dev enp0s3 up'],
      ['link-down', 'ip link set dev enp0s8 down'],
    ])
    expect(plan.unchanged).toEqual(['already undone: add route'])
    // Each undo step can itself be rolled back by re-running the original.
    expect(plan.steps[0].undo).toEqual(address.argv)
  })
})

describe('undo record', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-undo-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('is one 0600 file per target, merged across runs and removed when nothing is left', async () => {
    const file = recordFileFor('network namespace t1 on this host', dir)
    expect(path.basename(file)).toBe('config-management-network_namespace_t1_on_this_host.json')
    await addToRecord(file, 'here', [linkStep('enp0s9', 'up', 'discovery'), address])
    await addToRecord(file, 'here', [linkStep('enp0s9', 'down', 'disable'), route])
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect((await loadRecord(file))?.steps.map((s) => s.kind)).toEqual(['address', 'route'])
    await addToRecord(file, 'here', [])
    expect(JSON.parse(readFileSync(file, 'utf8')).steps).toHaveLength(2)
  })

  it('names a damaged record instead of guessing', async () => {
    const file = path.join(dir, 'broken.json')
    writeFileSync(file, '{"version": 7}')
    await expect(loadRecord(file)).rejects.toThrow(`${file}: not a config-management undo record`)
    expect(await loadRecord(path.join(dir, 'absent.json'))).toBeUndefined()
  })
})
