import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'
import {stringify} from 'yaml'

import {DEFAULT_SYSTEM_CONTROLLER} from '../../../src/lab/lab-config.js'
import {LabStore} from '../../../src/lab/lab-store.js'
import type {FormPart} from '../../../src/lab/http/multipart.js'
import {validateSubcloudAdd} from '../../../src/lab/dcmanager/subcloud-add-validation.js'
import {newSubcloudRecord} from '../../../src/lab/dcmanager/subcloud-model.js'
import {WebobError} from '../../../src/lab/http/webob-error.js'

const BASE = {
  system_mode: 'simplex',
  name: 'subcloud1',
  management_subnet: '192.168.101.0/24',
  management_start_address: '192.168.101.2',
  management_end_address: '192.168.101.50',
  management_gateway_address: '192.168.101.1',
  systemcontroller_gateway_address: '192.168.204.101',
  external_oam_subnet: '10.10.10.0/24',
  external_oam_gateway_address: '10.10.10.1',
  external_oam_floating_address: '10.10.10.12',
}
const PASSWORD = Buffer.from('St8rlingX*').toString('base64')

let dir: string
let store: LabStore
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-validate-'))
  store = await LabStore.open(dir)
  // An existing subcloud whose range and subnet later adds must avoid.
  store.insertSubcloud(
    newSubcloudRecord({
      id: store.allocateSubcloudId(),
      name: 'existing',
      softwareVersion: '24.09',
      managementSubnet: '192.168.120.0/24',
      managementStartIp: '192.168.120.2',
      managementEndIp: '192.168.120.50',
      managementGatewayIp: '192.168.120.1',
      systemcontrollerGatewayIp: '192.168.204.101',
      bootstrapAddress: '10.10.20.12',
      oamFloatingAddress: '10.10.20.12',
    }),
  )
})
afterAll(async () => {
  await fs.rm(dir, {recursive: true, force: true})
})

function parts(values: Record<string, unknown> | string | undefined, fields: Record<string, string> = {}) {
  const map = new Map<string, FormPart>()
  if (values !== undefined) {
    const text = typeof values === 'string' ? values : stringify(values)
    map.set('bootstrap_values', {name: 'bootstrap_values', filename: 'sc.yaml', data: Buffer.from(text)})
  }
  const all = {'bootstrap-address': '10.10.10.12', sysadmin_password: PASSWORD, ...fields}
  for (const [name, value] of Object.entries(all)) {
    if (value !== undefined) map.set(name, {name, data: Buffer.from(value)})
  }
  return map
}

async function refusal(values: Record<string, unknown> | string | undefined, fields: Record<string, string> = {}) {
  try {
    await validateSubcloudAdd(parts(values, fields), {
      store,
      systemController: DEFAULT_SYSTEM_CONTROLLER,
      releases: ['24.09'],
    })
  } catch (error) {
    if (error instanceof WebobError) return `${error.status} ${error.detail}`
    throw error
  }
  return 'accepted'
}

const without = (key: string) => Object.fromEntries(Object.entries(BASE).filter(([k]) => k !== key))

describe('POST /subclouds server checks (dcmanager-api.md §4), first failure wins', () => {
  test('the base file is accepted and normalised', async () => {
    const valid = await validateSubcloudAdd(
      parts({...BASE, management_gateway_address: 'FD00::1'.replace('FD00::1', '192.168.101.1')}),
      {
        store,
        systemController: DEFAULT_SYSTEM_CONTROLLER,
        releases: ['24.09'],
      },
    )
    expect(valid).toMatchObject({
      name: 'subcloud1',
      softwareVersion: '24.09',
      managementSubnet: '192.168.101.0/24',
      managementStartIp: '192.168.101.2',
      systemcontrollerGatewayIp: '192.168.204.101',
      oamFloatingAddress: '10.10.10.12',
      sysadminPassword: 'St8rlingX*',
      groupId: 1,
    })
  })

  test.each([
    ['empty file', '  \n', {}, '400 Error: Unable to load bootstrap_values file contents (empty file provided).'],
    [
      'bad YAML',
      'name: [a\nsystem_mode: x\n',
      {},
      '400 Error: Unable to load bootstrap_values file contents (problem on line: 1).',
    ],
    [
      'a list',
      '- a\n- b\n',
      {},
      '400 Error: Unable to load bootstrap_values file contents (please see logs for more details).',
    ],
    ['bad boolean', BASE, {migrate: 'yes'}, '400 Invalid boolean string: yes. Valid options are true and false.'],
    ['migrate + enroll', BASE, {migrate: 'true', enroll: 'true'}, '400 migrate with enroll is not allowed'],
    ['secondary + migrate', BASE, {secondary: 'true', migrate: 'true'}, '400 secondary with migrate is not allowed'],
    [
      'migrate name',
      BASE,
      {migrate: 'true', name: 'other'},
      '400 subcloud name does not match the name defined in bootstrap file',
    ],
    ['no password', BASE, {sysadmin_password: ''}, '400 subcloud sysadmin_password required'],
    [
      'password not base64',
      BASE,
      {sysadmin_password: 'not base64!'},
      '400 Failed to decode subcloud sysadmin_password, verify the password is base64 encoded',
    ],
    [
      'password not UTF-8',
      BASE,
      {sysadmin_password: Buffer.from([0xff, 0xfe]).toString('base64')},
      '400 Failed to decode subcloud sysadmin_password, verify the password is base64 encoded',
    ],
    ['no body', undefined, {'bootstrap-address': ''}, '400 Body required'],
    ['no name', without('name'), {}, '400 name required'],
    ['no mode', without('system_mode'), {}, '400 system_mode required'],
    [
      'mgmt floating',
      {...BASE, management_floating_address: '192.168.101.3'},
      {},
      '400 management_floating_address does not match management_start_address',
    ],
    ['no mgmt end', without('management_end_address'), {}, '400 management_end_address required'],
    ['two gateways', {...BASE, admin_gateway_address: '192.168.105.1'}, {}, '400 admin_subnet required'],
    ['no mgmt gateway', without('management_gateway_address'), {}, '400 management_gateway_address required'],
    ['no SC gateway', without('systemcontroller_gateway_address'), {}, '400 systemcontroller_gateway_address required'],
    ['no OAM floating', without('external_oam_floating_address'), {}, '400 external_oam_floating_address required'],
    [
      'bad release',
      BASE,
      {release: '99.99'},
      '400 Error: invalid release version parameter. Release 99.99 is not available on this System Controller (available: 24.09).',
    ],
    ['name taken', {...BASE, name: 'existing'}, {}, '409 Subcloud with name=existing already exists'],
    ['digits', {...BASE, name: '1234'}, {}, '400 name must contain alphabetic characters'],
    ['SystemController', {...BASE, name: 'SystemController'}, {}, '400 name cannot be RegionOne or SystemController'],
    [
      'subnet junk',
      {...BASE, management_subnet: 'junk'},
      {},
      '400 management_subnet invalid: Invalid subnet - not a valid IP subnet',
    ],
    [
      'three subnets',
      {...BASE, management_subnet: '1.0.0.0/24,2.0.0.0/24,3.0.0.0/24'},
      {},
      '400 management_subnet invalid: Invalid subnet - more than two IP subnets',
    ],
    [
      'same family twice',
      {...BASE, management_subnet: '192.168.101.0/24,192.168.102.0/24'},
      {},
      '400 management_subnet invalid: Invalid subnet - dual-stack of same IP family',
    ],
    [
      'too small',
      {...BASE, management_subnet: '192.168.101.0/31'},
      {},
      '400 management_subnet invalid: Subnet too small - must have at least 4 addresses',
    ],
    [
      'duplex too small',
      {...BASE, system_mode: 'duplex', management_subnet: '192.168.101.0/30'},
      {},
      '400 management_subnet invalid: Subnet too small - must have at least 8 addresses',
    ],
    [
      'ipv6 prefix shorter than /64',
      {...BASE, management_subnet: 'fd00:101::/48'},
      {},
      '400 management_subnet invalid: IPv6 minimum prefix length is 64',
    ],
    [
      'start outside',
      {...BASE, management_start_address: '192.168.1.2'},
      {},
      '400 management_start_address invalid: Address must be in subnet 192.168.101.0/24',
    ],
    [
      'start family',
      {...BASE, management_start_address: 'fd00::2'},
      {},
      '400 management_start_address invalid: Invalid IP version - must match network version IPv4',
    ],
    [
      'end broadcast',
      {...BASE, management_end_address: '192.168.101.255'},
      {},
      '400 management_end_address invalid: Cannot use broadcast address',
    ],
    [
      'end not an address',
      {...BASE, management_end_address: '192.168.101'},
      {},
      '400 management_end_address invalid: Invalid address - not a valid IP address',
    ],
    [
      'start > end',
      {...BASE, management_start_address: '192.168.101.60'},
      {},
      '400 management_start_address greater than management_end_address',
    ],
    [
      'duplex range',
      {...BASE, system_mode: 'duplex', management_end_address: '192.168.101.3'},
      {},
      '400 management address range must contain at least 3 addresses',
    ],
    [
      'range overlap',
      {
        ...BASE,
        management_subnet: '192.168.120.0/24',
        management_start_address: '192.168.120.40',
        management_end_address: '192.168.120.60',
        management_gateway_address: '192.168.120.1',
      },
      {},
      '400 Management address range overlaps with that of subcloud existing',
    ],
    [
      'gateway outside',
      {...BASE, management_gateway_address: '192.168.121.1'},
      {},
      '400 management_gateway_address invalid: Address must be in subnet 192.168.101.0/24',
    ],
    [
      'gateway in pool',
      {...BASE, management_gateway_address: '192.168.101.10'},
      {},
      '400 management_gateway_address invalid, is within management pool: 192.168.101.2 - 192.168.101.50',
    ],
    [
      'SC gateway junk',
      {...BASE, systemcontroller_gateway_address: 'nope'},
      {},
      "400 systemcontroller_gateway_address invalid: failed to detect a valid IP address from 'nope'",
    ],
    [
      'SC gateway family',
      {...BASE, systemcontroller_gateway_address: 'fd00:204::101'},
      {},
      '400 systemcontroller_gateway_address invalid: Expected IPv4',
    ],
    [
      'SC gateway outside',
      {...BASE, systemcontroller_gateway_address: '192.168.205.101'},
      {},
      '400 systemcontroller_gateway_address invalid: Address must be in subnet 192.168.204.0/24',
    ],
    [
      'SC gateway in pool',
      {...BASE, systemcontroller_gateway_address: '192.168.204.20'},
      {},
      '400 systemcontroller_gateway_address invalid, is within management pool: 192.168.204.2 - 192.168.204.50',
    ],
    [
      'OAM in a subcloud mgmt subnet',
      {
        ...BASE,
        external_oam_subnet: '192.168.120.0/28',
        external_oam_gateway_address: '192.168.120.1',
        external_oam_floating_address: '192.168.120.2',
      },
      {},
      '400 external_oam_subnet invalid: Subnet overlaps with another configured subnet',
    ],
    [
      'OAM gateway',
      {...BASE, external_oam_gateway_address: '10.10.11.1'},
      {},
      '400 oam_gateway_address invalid: Address must be in subnet 10.10.10.0/24',
    ],
    [
      'OAM floating',
      {...BASE, external_oam_floating_address: '10.10.11.12'},
      {},
      '400 oam_floating_address invalid: Address must be in subnet 10.10.10.0/24',
    ],
    ['group', BASE, {group_id: '7'}, '400 Invalid group_id'],
    ['group by name (quirk Q7)', BASE, {group_id: 'Default'}, '400 Invalid group_id'],
    ['group 1 by id', BASE, {group_id: '1'}, 'accepted'],
  ])('%s', async (_label, values, fields, expected) => {
    expect(
      await refusal(values as Record<string, unknown> | string | undefined, fields as Record<string, string>),
    ).toBe(expected)
  })

  test('admin network: the admin subnet is the primary one; its gateway may not sit in the admin pool', async () => {
    const admin = {
      ...without('management_gateway_address'),
      admin_subnet: '192.168.105.0/24',
      admin_start_address: '192.168.105.2',
      admin_end_address: '192.168.105.20',
      admin_gateway_address: '192.168.105.1',
    }
    expect(await refusal(admin)).toBe('accepted')
    expect(await refusal({...admin, admin_gateway_address: '192.168.105.5'})).toBe(
      '400 admin_gateway_address invalid, is within admin pool: 192.168.105.2 - 192.168.105.20',
    )
    expect(await refusal({...admin, management_gateway_address: '192.168.101.1'})).toBe(
      '400 admin_gateway_address and management_gateway_address cannot be specified at the same time',
    )
  })

  test('IPv6 against the IPv6 System Controller pool; a System Controller without that family refuses', async () => {
    const v6 = {
      ...BASE,
      management_subnet: 'fd00:101::/64',
      management_start_address: 'fd00:101::2',
      management_end_address: 'fd00:101::50',
      management_gateway_address: 'fd00:101::1',
      systemcontroller_gateway_address: 'fd00:204::101',
    }
    expect(await refusal(v6)).toBe('accepted')
    const v4only = {
      ...DEFAULT_SYSTEM_CONTROLLER,
      managementNetworks: DEFAULT_SYSTEM_CONTROLLER.managementNetworks.slice(0, 1),
    }
    await expect(
      validateSubcloudAdd(parts(v6), {store, systemController: v4only, releases: ['24.09']}),
    ).rejects.toMatchObject({
      detail:
        "systemcontroller_gateway_address IP family is not aligned with system controller management: IPv6 pool not found in pools ['192.168.204.0/24']",
    })
  })

  test('deploy config and enrollment are refused as a System Controller without deploy files would', async () => {
    const map = parts(BASE)
    map.set('deploy_config', {name: 'deploy_config', filename: 'deploy.yaml', data: Buffer.from('a: 1\n')})
    await expect(
      validateSubcloudAdd(map, {store, systemController: DEFAULT_SYSTEM_CONTROLLER, releases: ['24.09']}),
    ).rejects.toMatchObject({status: 400, detail: 'Missing required deploy files: deploy_playbook, deploy_chart'})
    expect(await refusal(BASE, {enroll: 'true'})).toBe('400 Install values is necessary for subcloud enrollment')
  })

  test('install values: BMC password required, checked, and never kept in data_install', async () => {
    const install = {
      bootstrap_interface: 'enp0s3',
      bootstrap_address: '10.10.10.12',
      bootstrap_address_prefix: 24,
      install_type: 3,
      bmc_username: 'root',
      bmc_address: '10.10.10.200',
      persistent_size: 30000,
    }
    const withInstall = (fields: Record<string, string>) => {
      const map = parts(BASE, fields)
      map.set('install_values', {name: 'install_values', filename: 'i.yaml', data: Buffer.from(stringify(install))})
      return validateSubcloudAdd(map, {store, systemController: DEFAULT_SYSTEM_CONTROLLER, releases: ['24.09']})
    }
    await expect(withInstall({})).rejects.toMatchObject({detail: 'subcloud bmc_password required'})
    const valid = await withInstall({bmc_password: Buffer.from('bmc-secret').toString('base64')})
    expect(JSON.parse(valid.dataInstall!)).toMatchObject({bootstrap_address: '10.10.10.12', software_version: '24.09'})
    expect(valid.dataInstall).not.toContain('bmc-secret')
    expect(valid.dataInstall).not.toContain(Buffer.from('bmc-secret').toString('base64'))
  })
})
