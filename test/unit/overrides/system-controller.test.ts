import {describe, expect, it} from '@jest/globals'
import path from 'node:path'
import {stringify} from 'yaml'

import {
  loadOverrideFile,
  parseOverrideText,
  validateSystemControllerOverrides,
} from '../../../src/core/overrides/index.js'
import {repoRoot} from '../../helpers/cli.js'

const fixture = path.join(repoRoot, 'test', 'fixtures', 'overrides', 'system-controller-localhost.yml')

async function checkSystemController(changes: Record<string, unknown>) {
  const values: Record<string, unknown> = {...loadOverrideFile(fixture).values, ...changes}
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete values[key]
  const findings = await validateSystemControllerOverrides(
    parseOverrideText(stringify(values, {version: '1.1'}), 'localhost.yml'),
  )
  return findings.filter((finding) => finding.severity === 'error').map((finding) => finding.message)
}

describe('dcm system-controller validate rules', () => {
  it('the guide-style localhost.yml is clean', async () => {
    expect(await validateSystemControllerOverrides(loadOverrideFile(fixture))).toEqual([])
  })

  it.each([
    [
      'no role',
      {distributed_cloud_role: undefined},
      'distributed_cloud_role required: a System Controller sets distributed_cloud_role: systemcontroller',
    ],
    [
      'a subcloud role',
      {distributed_cloud_role: 'subcloud'},
      'distributed_cloud_role is subcloud: a System Controller needs distributed_cloud_role: systemcontroller',
    ],
    [
      'an unknown role',
      {distributed_cloud_role: 'central'},
      'Invalid distributed cloud role. Valid values are: none, systemcontroller, or subcloud.',
    ],
    [
      'simplex',
      {system_mode: 'simplex'},
      'A simplex All-in-one controller cannot be configured as Distributed Cloud System Controller',
    ],
    [
      'no mode (the playbook default is simplex)',
      {system_mode: undefined},
      'A simplex All-in-one controller cannot be configured as Distributed Cloud System Controller',
    ],
    [
      'no management range',
      {management_start_address: undefined, management_end_address: undefined},
      'management_start_address and management_end_address are required for System Controller as this configuration requires address space left for gateway address(es).',
    ],
    [
      'a range that leaves no room for gateways',
      {management_start_address: '192.168.204.1', management_end_address: '192.168.204.254'},
      'Failed validation, management address range too large, no addresses left for System Controller gateway(s)',
    ],
    [
      'an admin network',
      {admin_subnet: '192.168.205.0/24'},
      'Admin network parameters cannot be specified for a system controller host.',
    ],
    [
      'a virtual system',
      {virtual_system: true},
      'Virtual system setting is not supported for Distributed Cloud System Controller',
    ],
    [
      'a management range outside its subnet',
      {management_end_address: '192.168.205.50'},
      'Failed validation, management start or end address must be within its subnet range.',
    ],
    [
      'cluster-host inside the management subnet',
      {cluster_host_subnet: '192.168.204.128/25'},
      'cluster_host_subnet 192.168.204.128/25 overlaps management_subnet 192.168.204.0/24',
    ],
  ])('%s', async (_name, changes, message) => {
    expect(await checkSystemController(changes)).toEqual([message])
  })

  it('subcloud-only keys are warnings', async () => {
    const findings = await validateSystemControllerOverrides(
      parseOverrideText(
        stringify({...loadOverrideFile(fixture).values, name: 'central', systemcontroller_gateway_address: '1.2.3.4'}),
        'localhost.yml',
      ),
    )
    expect(findings.map((finding) => [finding.severity, finding.key])).toEqual([
      ['warning', 'name'],
      ['warning', 'systemcontroller_gateway_address'],
    ])
  })
})
