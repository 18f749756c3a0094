import {describe, expect, it} from '@jest/globals'

import type {ExistingSubcloud} from '../../../src/core/overrides/index.js'
import {check, duplexIpv4, lineOf, simplexIpv4, simplexIpv6, withAdmin} from './helpers.js'

type Values = Record<string, unknown>

const set =
  (changes: Values, base: () => Values = simplexIpv4) =>
  (): Values => {
    const values = {...base(), ...changes}
    for (const [key, value] of Object.entries(changes)) if (value === undefined) delete values[key]
    return values
  }

describe('valid bases', () => {
  it.each([
    ['simplex IPv4', simplexIpv4],
    ['duplex IPv4', duplexIpv4],
    ['simplex IPv6', simplexIpv6],
    ['admin network', () => withAdmin(simplexIpv4())],
    ['duplex admin network', () => withAdmin(duplexIpv4())],
    [
      'dual-stack management and OAM',
      set({
        management_subnet: '192.168.101.0/24,fd00:101::/64',
        management_start_address: '192.168.101.2,fd00:101::2',
        management_end_address: '192.168.101.50,fd00:101::50',
        management_gateway_address: '192.168.101.1,fd00:101::1',
      }),
    ],
    [
      'simplex with only the management floating address',
      set({
        management_start_address: undefined,
        management_end_address: undefined,
        management_floating_address: '192.168.101.2',
      }),
    ],
  ])('%s has no finding', async (_name, base) => {
    const {findings} = await check(base())
    expect(findings).toEqual([])
  })
})

/** [description, values, rule, key, exact message] - each case must give exactly this one error. */
const errorCases: [string, () => Values, string, string, string][] = [
  // dcmanager API order (§8.1) with its texts
  [
    'gateway outside the management subnet (SEM-MGMT-6)',
    set({management_gateway_address: '192.168.100.1'}),
    'SEM-MGMT-6',
    'management_gateway_address',
    'management_gateway_address invalid: Address must be in subnet 192.168.101.0/24',
  ],
  [
    'gateway inside the management range (SEM-MGMT-7)',
    set({management_gateway_address: '192.168.101.20'}),
    'SEM-MGMT-7',
    'management_gateway_address',
    'management_gateway_address invalid, is within management pool: 192.168.101.2 - 192.168.101.50',
  ],
  [
    'gateway is the broadcast address',
    set({management_gateway_address: '192.168.101.255'}),
    'SEM-MGMT-6',
    'management_gateway_address',
    'management_gateway_address invalid: Cannot use broadcast address',
  ],
  [
    'management subnet too small for simplex',
    set({
      management_subnet: '192.168.101.0/31',
      management_start_address: '192.168.101.0',
      management_end_address: '192.168.101.1',
      management_gateway_address: '192.168.101.1',
    }),
    'SEM-MGMT-1',
    'management_subnet',
    'management_subnet invalid: Subnet too small - must have at least 4 addresses',
  ],
  [
    'management subnet too small for duplex (/30 < 8)',
    set(
      {
        management_subnet: '192.168.101.0/30',
        management_start_address: '192.168.101.1',
        management_end_address: '192.168.101.2',
        management_gateway_address: '192.168.101.2',
      },
      duplexIpv4,
    ),
    'SEM-MGMT-1',
    'management_subnet',
    'management_subnet invalid: Subnet too small - must have at least 8 addresses',
  ],
  [
    'IPv6 management prefix shorter than /64',
    set(
      {
        management_subnet: 'fd00:101::/56',
      },
      simplexIpv6,
    ),
    'SEM-MGMT-1',
    'management_subnet',
    'management_subnet invalid: IPv6 minimum prefix length is 64',
  ],
  [
    'start address is the network address (dcm-only, Q2)',
    set({management_start_address: '192.168.101.0'}),
    'SEM-MGMT-2',
    'management_start_address',
    'management_start_address invalid: Cannot use network address',
  ],
  [
    'end address outside the subnet',
    set({management_end_address: '192.168.102.50'}),
    'SEM-MGMT-2',
    'management_end_address',
    'management_end_address invalid: Address must be in subnet 192.168.101.0/24',
  ],
  [
    'start after end',
    set({management_start_address: '192.168.101.60', management_gateway_address: '192.168.101.1'}),
    'SEM-MGMT-3',
    'management_start_address',
    'management_start_address greater than management_end_address',
  ],
  [
    'duplex range of 2 addresses',
    set({management_start_address: '192.168.101.10', management_end_address: '192.168.101.11'}, duplexIpv4),
    'SEM-MGMT-3',
    'management_start_address',
    'management address range must contain at least 3 addresses',
  ],
  [
    'floating address differs from start',
    set({management_floating_address: '192.168.101.3'}),
    'SEM-MGMT-5',
    'management_floating_address',
    'management_floating_address does not match management_start_address',
  ],
  [
    'address family differs from the subnet',
    set({management_start_address: 'fd00:101::2'}),
    'SEM-MGMT-2',
    'management_start_address',
    'management_start_address invalid: Invalid IP version - must match network version IPv4',
  ],
  [
    'dual-stack subnet with a single-stack address',
    set({
      management_subnet: '192.168.101.0/24,fd00:101::/64',
      management_start_address: '192.168.101.2,fd00:101::2',
      management_end_address: '192.168.101.50,fd00:101::50',
      management_gateway_address: '192.168.101.1',
    }),
    'SEM-MGMT-6',
    'management_gateway_address',
    'management_gateway_address invalid: Invalid address - Not of same size (single or dual-stack) with subnet',
  ],
  [
    'admin gateway inside the admin range',
    () => ({...withAdmin(simplexIpv4()), admin_gateway_address: '192.168.105.5'}),
    'SEM-ADM-7',
    'admin_gateway_address',
    'admin_gateway_address invalid, is within admin pool: 192.168.105.2 - 192.168.105.20',
  ],
  [
    'admin start after end',
    () => ({...withAdmin(simplexIpv4()), admin_start_address: '192.168.105.30'}),
    'SEM-ADM-3',
    'admin_start_address',
    'admin_start_address greater than admin_end_address',
  ],
  [
    'admin family differs from management',
    () => ({
      ...withAdmin(simplexIpv4()),
      admin_subnet: 'fd00:105::/64',
      admin_start_address: 'fd00:105::2',
      admin_end_address: 'fd00:105::20',
      admin_gateway_address: 'fd00:105::1',
      systemcontroller_gateway_address: 'fd00:204::101',
    }),
    'SEM-FAM-4',
    'admin_subnet',
    'Admin subnet must have same IP family of platform network parameters',
  ],
  // System Controller rules
  [
    'systemcontroller gateway of the wrong family',
    set({systemcontroller_gateway_address: 'fd00:204::101'}),
    'SEM-SC-1',
    'systemcontroller_gateway_address',
    'systemcontroller_gateway_address invalid: Expected IPv4',
  ],
  [
    'systemcontroller gateway outside the SC management subnet',
    set({systemcontroller_gateway_address: '192.168.205.101'}),
    'SEM-SC-2',
    'systemcontroller_gateway_address',
    'systemcontroller_gateway_address invalid: Address must be in subnet 192.168.204.0/24',
  ],
  [
    'systemcontroller gateway inside the SC pool',
    set({systemcontroller_gateway_address: '192.168.204.20'}),
    'SEM-SC-3',
    'systemcontroller_gateway_address',
    'systemcontroller_gateway_address invalid, is within management pool: 192.168.204.2 - 192.168.204.50',
  ],
  // OAM
  [
    'OAM gateway outside the OAM subnet (upstream key without external_)',
    set({external_oam_gateway_address: '10.10.11.1'}),
    'SEM-OAM-3',
    'external_oam_gateway_address',
    'oam_gateway_address invalid: Address must be in subnet 10.10.10.0/24',
  ],
  [
    'OAM floating address is the broadcast',
    set({external_oam_floating_address: '10.10.10.255'}),
    'SEM-OAM-3',
    'external_oam_floating_address',
    'oam_floating_address invalid: Cannot use broadcast address',
  ],
  [
    'OAM subnet of 4 addresses passes dcmanager, fails the playbook',
    set({
      external_oam_subnet: '10.10.10.0/30',
      external_oam_gateway_address: '10.10.10.1',
      external_oam_floating_address: '10.10.10.2',
    }),
    'SEM-RNG-1',
    'external_oam_subnet',
    'Failed validation, oam subnet must contain at least 5 addresses.',
  ],
  [
    'duplex OAM node address outside the OAM subnet (dcm-only)',
    set({external_oam_node_1_address: '10.10.11.14'}, duplexIpv4),
    'SEM-OAM-4',
    'external_oam_node_1_address',
    'external_oam_node_1_address 10.10.11.14 is outside external_oam_subnet 10.10.10.0/24',
  ],
  [
    'duplex derived node-1 address is the broadcast of a small OAM subnet',
    set(
      {
        external_oam_subnet: '10.10.10.0/29',
        external_oam_gateway_address: '10.10.10.1',
        external_oam_floating_address: '10.10.10.5',
        external_oam_node_0_address: undefined,
        external_oam_node_1_address: undefined,
      },
      duplexIpv4,
    ),
    'SEM-OAM-4',
    'external_oam_floating_address',
    'external_oam_node_1_address 10.10.10.7 is the broadcast address of external_oam_subnet 10.10.10.0/29',
  ],
  [
    'OAM gateway equals the floating address (dcm-only)',
    set({external_oam_floating_address: '10.10.10.1'}),
    'SEM-OAM-5',
    'external_oam_floating_address',
    'external_oam_gateway_address and external_oam_floating_address must be different addresses',
  ],
  // families, ranges, multicast, overlaps
  [
    'IPv4 cluster-host default with IPv6 management',
    set({cluster_host_subnet: undefined}, simplexIpv6),
    'SEM-FAM-3',
    'management_subnet',
    'Cluster, oam and mgmt must have same family address type: fd00:101::/64 and 192.168.206.0/24',
  ],
  [
    'cluster service larger than 1,048,576 addresses',
    set({cluster_service_subnet: '10.64.0.0/11'}),
    'SEM-RNG-1',
    'cluster_service_subnet',
    'Failed validation, cluster_service subnet must not contain more than 1048576 addresses.',
  ],
  [
    'cluster pod smaller than /16',
    set({cluster_pod_subnet: '172.16.0.0/17'}),
    'SEM-RNG-1',
    'cluster_pod_subnet',
    'Failed validation, cluster_pod subnet must contain at least 65536 addresses.',
  ],
  [
    'cluster-host start after end',
    set({
      cluster_host_subnet: '192.168.206.0/24',
      cluster_host_start_address: '192.168.206.100',
      cluster_host_end_address: '192.168.206.10',
    }),
    'SEM-RNG-1',
    'cluster_host_start_address',
    'Failed validation, cluster_host start address must be less than or equal to end address.',
  ],
  [
    'multicast subnet that is not a multicast block',
    set({management_multicast_subnet: '192.168.250.0/28'}),
    'SEM-MC-1',
    'management_multicast_subnet',
    'Invalid multicast subnet: management_multicast_subnet -> 192.168.250.0/28',
  ],
  [
    'cluster-host inside management (SEM-OVL-1, reported on the later network)',
    set({
      management_subnet: '192.168.110.0/24',
      management_start_address: '192.168.110.2',
      management_end_address: '192.168.110.50',
      management_gateway_address: '192.168.110.1',
      cluster_host_subnet: '192.168.110.128/26',
    }),
    'SEM-OVL-1',
    'cluster_host_subnet',
    'cluster_host_subnet 192.168.110.128/26 overlaps management_subnet 192.168.110.0/24',
  ],
  [
    'management overlapping the default cluster-host subnet',
    set({
      management_subnet: '192.168.206.0/24',
      management_start_address: '192.168.206.2',
      management_end_address: '192.168.206.50',
      management_gateway_address: '192.168.206.1',
    }),
    'SEM-OVL-1',
    'management_subnet',
    'cluster_host_subnet 192.168.206.0/24 (default) overlaps management_subnet 192.168.206.0/24',
  ],
  [
    'OAM overlapping the System Controller management subnet',
    set({
      external_oam_subnet: '192.168.204.128/25',
      external_oam_gateway_address: '192.168.204.129',
      external_oam_floating_address: '192.168.204.130',
    }),
    'SEM-OVL-2',
    'external_oam_subnet',
    'external_oam_subnet 192.168.204.128/25 overlaps the System Controller management subnet 192.168.204.0/24',
  ],
  [
    'subnet with host bits set (Q7, dcm-only)',
    set({management_subnet: '192.168.101.5/24'}),
    'SEM-HOSTBITS',
    'management_subnet',
    'management_subnet invalid: 192.168.101.5/24 has host bits set (did you mean 192.168.101.0/24?)',
  ],
  [
    'name of the System Controller region',
    set({name: 'SystemController'}),
    'schema',
    'name',
    'name cannot be RegionOne or SystemController',
  ],
  ['name of digits only', set({name: '12345'}), 'schema', 'name', 'name must contain alphabetic characters'],
  [
    'unquoted digits as a name (a YAML number)',
    set({name: 12345}),
    'schema',
    'name',
    'name must contain alphabetic characters',
  ],
]

describe('each rule gives its one error with the upstream text and the line of the key', () => {
  it.each(errorCases)('%s', async (_name, values, rule, key, message) => {
    const {errors, text} = await check(values())
    expect(errors.map((e) => [e.rule, e.key, e.message])).toEqual([[rule, key, message]])
    expect(errors[0].file).toBe('t.yml')
    expect(errors[0].line).toBe(lineOf(text, key))
  })
})

describe('key groups of the schema, with dcmanager texts', () => {
  it.each([
    ['missing name', set({name: undefined}), 'name required'],
    ['missing OAM gateway', set({external_oam_gateway_address: undefined}), 'external_oam_gateway_address required'],
    ['no gateway at all', set({management_gateway_address: undefined}), 'management_gateway_address required'],
    [
      'both gateways',
      () => ({...withAdmin(simplexIpv4()), management_gateway_address: '192.168.101.1'}),
      'admin_gateway_address and management_gateway_address cannot be specified at the same time',
    ],
    [
      'admin group incomplete',
      () => ({...withAdmin(simplexIpv4()), admin_end_address: undefined}),
      'admin_end_address required',
    ],
    [
      'reserved key',
      set({region_name: 'abc'}),
      'region_name is set by dcmanager and must not be in the bootstrap values file',
    ],
    [
      'duplex with only the floating address',
      set({management_start_address: undefined, management_floating_address: '192.168.101.10'}, duplexIpv4),
      'management_start_address required',
    ],
    [
      'four DNS servers',
      set({dns_servers: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4']}),
      'The number of DNS servers exceeds maximum allowable number of 3.',
    ],
    ['empty DNS list (Q6)', set({dns_servers: []}), 'dns_servers must list 1 to 3 servers'],
    [
      'string "True" for a boolean',
      set({virtual_system: 'True'}),
      "virtual_system is misconfigured. Valid value is either 'True' or 'False'.",
    ],
    [
      'unknown registry',
      set({docker_registries: {'foo.io': {url: 'x'}}}),
      "Unknown registry key: 'foo.io'. Acceptable keys are quay.io, gcr.io, k8s.gcr.io, docker.io, docker.elastic.co, ghcr.io, registry.k8s.io, icr.io, defaults ",
    ],
    [
      'registry user without password',
      set({docker_registries: {'docker.io': {url: 'r:9001', username: 'u'}}}),
      'docker registry username and password must both be specified or not at all',
    ],
    [
      'registry type',
      set({docker_registries: {'quay.io': {url: 'r', type: 'harbor'}}}),
      "Registry type for quay.io is not supported. Valid value is either 'docker' or 'aws-ecr'.",
    ],
    ['calico enum', set({calico_bgp: 'On'}), "Invalid calico_bgp 'On'. Valid values are: Enabled, Disabled."],
    [
      'calico encapsulation',
      set({calico_encapsulation: 'GRE'}),
      "Invalid calico_encapsulation 'GRE'. Valid values: None, VXLAN, VXLANCrossSubnet, IPIP, IPIPCrossSubnet.",
    ],
    ['proxy URL', set({docker_http_proxy: 'proxy:3128'}), 'proxy:3128 is an invalid URL.'],
    ['timezone', set({timezone: 'Not A Zone'}), 'The provided timezone Not A Zone is invalid.'],
    [
      'system mode case',
      set({system_mode: 'Duplex'}),
      'Invalid system mode. Valid values are: simplex, duplex or duplex-direct.',
    ],
    [
      'three subnets',
      set({management_subnet: '192.168.101.0/24,fd00::/64,10.0.0.0/8'}),
      'management_subnet invalid: Invalid subnet - more than two IP subnets',
    ],
    [
      'dual-stack of one family',
      set({management_subnet: '192.168.101.0/24,192.168.102.0/24'}),
      'management_subnet invalid: Invalid subnet - dual-stack of same IP family',
    ],
    [
      'not an address',
      set({management_gateway_address: '192.168.101'}),
      'management_gateway_address invalid: Invalid address - not a valid IP address',
    ],
    ['pxeboot IPv6', set({pxeboot_subnet: 'fd00:202::/64'}), 'pxeboot_subnet subnet must always be IPv4'],
    [
      'etcd pair',
      set({etcd_root_ca_cert: '/home/sysadmin/ca.crt'}),
      'etcd_root_ca_cert and etcd_root_ca_key must be provided as a pair',
    ],
    [
      'OIDC incomplete',
      set({apiserver_oidc: {client_id: 'x'}}),
      'If OpenID Connect parameters are specified, you must specify all 3 apiserver_oidc: client_id, issuer_url, username_claim or apiserver_oidc: groups_claim in addition to the previous 3.',
    ],
  ])('%s', async (_name, values, message) => {
    const {errors} = await check(values())
    expect(errors.map((e) => e.message)).toEqual([message])
  })
})

describe('warnings never fail', () => {
  it('unknown keys (typos, ntp_servers) are warnings at the key (SEM-KEYS-2)', async () => {
    const {errors, warnings, text} = await check(set({managment_subnet: '1.2.3.0/24', ntp_servers: ['1.1.1.1']})())
    expect(errors).toEqual([])
    expect(warnings.map((w) => [w.rule, w.message, w.line, w.column])).toEqual([
      [
        'SEM-KEYS-2',
        'unknown parameter managment_subnet (passed to Ansible as is); did you mean management_subnet?',
        lineOf(text, 'managment_subnet'),
        1,
      ],
      [
        'SEM-KEYS-2',
        'unknown parameter ntp_servers (passed to Ansible as is); NTP is not a bootstrap parameter: configure it after bootstrap with `system ntp-modify`',
        lineOf(text, 'ntp_servers'),
        1,
      ],
    ])
    const unrelated = await check(set({site_owner: 'ops'})())
    expect(unrelated.warnings.map((w) => w.message)).toEqual(['unknown parameter site_owner (passed to Ansible as is)'])
  })

  it('system-local-ca keys are ignored for subclouds (warning); applications must be .tgz (error)', async () => {
    const ignored = await check(set({system_root_ca_cert: '/home/sysadmin/root.crt'})())
    expect(ignored.errors).toEqual([])
    expect(ignored.warnings.map((w) => w.rule)).toEqual(['SEM-KEYS-3'])
    const tarball = await check(set({applications: [{'/home/sysadmin/app.tar': {overrides: []}}]})())
    expect(tarball.errors.map((e) => e.message)).toEqual([
      'File /home/sysadmin/app.tar has unrecognizable tarfile extension.',
    ])
  })

  it('a name that is not RFC 1123 is a warning (SEM-NAME-3)', async () => {
    const {errors, warnings} = await check(set({name: 'Subcloud_1'})())
    expect(errors).toEqual([])
    expect(warnings.map((w) => w.rule)).toEqual(['SEM-NAME-3'])
  })

  it('admin_password is warned about and ignored', async () => {
    const {errors, warnings} = await check(set({admin_password: 'Secret-123'})())
    expect(errors).toEqual([])
    expect(warnings.map((w) => w.rule)).toEqual(['SEM-KEYS-1'])
    expect(JSON.stringify(warnings)).not.toContain('Secret-123')
  })

  it('bootstrap address outside the OAM subnet (SEM-BA-1), wrong family is an error (SEM-BA-2)', async () => {
    const outside = await check(simplexIpv4(), {bootstrapAddress: '10.10.20.12'})
    expect(outside.errors).toEqual([])
    expect(outside.warnings.map((w) => w.message)).toEqual([
      'bootstrap-address 10.10.20.12 is not in external_oam_subnet 10.10.10.0/24',
    ])
    const inside = await check(simplexIpv4(), {bootstrapAddress: '10.10.10.12'})
    expect(inside.findings).toEqual([])
    const family = await check(simplexIpv4(), {bootstrapAddress: '2001:db8::12'})
    expect(family.errors.map((e) => e.rule)).toEqual(['SEM-BA-2'])
    const inFile = await check({...simplexIpv4(), 'bootstrap-address': '10.10.20.12'})
    expect(inFile.warnings.map((w) => [w.rule, w.line])).toEqual([
      ['SEM-BA-1', lineOf(inFile.text, 'bootstrap-address')],
    ])
  })
})

describe('rules that need the System Controller or existing subclouds', () => {
  const existing: ExistingSubcloud[] = [
    {
      name: 'subcloud9',
      management_subnet: '192.168.101.0/24',
      management_start_ip: '192.168.101.40',
      management_end_ip: '192.168.101.60',
    },
  ]

  it('a taken name is refused with the 409 text (SEM-NAME-4)', async () => {
    const {errors} = await check(simplexIpv4(), {
      existingSubclouds: [{name: 'subcloud1', management_subnet: '10.99.0.0/24'}],
    })
    expect(errors.map((e) => e.message)).toEqual(['Subcloud with name=subcloud1 already exists'])
  })

  it('an overlapping management range is refused (SEM-MGMT-4)', async () => {
    const {errors} = await check(simplexIpv4(), {existingSubclouds: existing})
    expect(errors.map((e) => [e.rule, e.message])).toContainEqual([
      'SEM-MGMT-4',
      'Management address range overlaps with that of subcloud subcloud9',
    ])
  })

  it('with an admin network only the admin (stored) range is compared (Q9)', async () => {
    const {errors} = await check(withAdmin(simplexIpv4()), {existingSubclouds: existing})
    expect(errors.filter((e) => e.rule === 'SEM-MGMT-4')).toEqual([])
    const clash = await check(withAdmin(simplexIpv4()), {
      existingSubclouds: [
        {
          name: 'sc8',
          management_subnet: '192.168.105.0/24',
          management_start_ip: '192.168.105.10',
          management_end_ip: '192.168.105.12',
        },
      ],
    })
    expect(clash.errors.map((e) => e.message)).toContain('Admin address range overlaps with that of subcloud sc8')
  })

  it("an OAM subnet whose network address is in another subcloud's management subnet is refused (SEM-OAM-2)", async () => {
    const {errors} = await check(simplexIpv4(), {
      existingSubclouds: [{name: 'sc7', management_subnet: '10.10.0.0/16'}],
    })
    expect(errors.map((e) => e.message)).toEqual([
      'external_oam_subnet invalid: Subnet overlaps with another configured subnet',
    ])
  })

  it('a wide OAM subnet containing another management subnet is only a warning (Q4)', async () => {
    const {errors, warnings} = await check(simplexIpv4(), {
      existingSubclouds: [{name: 'sc7', management_subnet: '10.10.10.128/25'}],
    })
    expect(errors).toEqual([])
    expect(warnings.map((w) => w.message)).toEqual([
      'external_oam_subnet 10.10.10.0/24 overlaps the management subnet 10.10.10.128/25 of subcloud sc7',
    ])
  })

  it('an IPv6 subcloud needs an IPv6 System Controller pool', async () => {
    const {errors} = await check(simplexIpv6(), {
      systemControllers: [
        {managementSubnet: '192.168.204.0/24', poolStart: '192.168.204.2', poolEnd: '192.168.204.50'},
      ],
    })
    expect(errors.map((e) => e.message)).toEqual([
      'systemcontroller_gateway_address IP family is not aligned with system controller management: IPv6 pool not found in pools [192.168.204.0/24]',
    ])
  })

  it('a custom System Controller network moves the gateway rules', async () => {
    const controllers = [{managementSubnet: '10.20.0.0/24', poolStart: '10.20.0.2', poolEnd: '10.20.0.99'}]
    const outside = await check(simplexIpv4(), {systemControllers: controllers})
    expect(outside.errors.map((e) => e.message)).toEqual([
      'systemcontroller_gateway_address invalid: Address must be in subnet 10.20.0.0/24',
    ])
    const inside = await check(
      {...simplexIpv4(), systemcontroller_gateway_address: '10.20.0.101'},
      {systemControllers: controllers},
    )
    expect(inside.findings).toEqual([])
  })

  it('a custom RegionOne name is refused by name (SEM-NAME-2)', async () => {
    const {errors} = await check(set({name: 'central'})(), {regionOneName: 'central'})
    expect(errors.map((e) => e.message)).toEqual(['name cannot be central or SystemController'])
  })
})
