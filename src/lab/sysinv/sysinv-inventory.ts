import {createHash} from 'node:crypto'

import {formatAddress, parseAddress, parseSubnet, type Family, type Subnet} from '../../core/net/cidr.js'
import type {SysinvSubcloudRecord} from './sysinv-store.js'

/**
 * The hardware inventory a freshly bootstrapped AIO-SX subcloud reports through sysinv, derived from its
 * dcmanager record so that nothing but routes needs storing: controller-0 (host id 1) with the
 * installation guide's interfaces, enp0s3 for OAM and enp0s8 for management (+ cluster-host), plus `lo`
 * (platform, no network) and enp0s9 (pxeboot), which the route rules 10 and 11 refuse. Identifiers are
 * derived from the region name, so they survive a lab restart.
 */
export interface InventoryAddress {
  uuid: string
  /** sysinv address record name, e.g. `controller-0-mgmt`; gateway records contain `gateway`. */
  name: string
  address: string
  prefix: number
  family: Family
  interfaceUuid: string | null
  ifname: string | null
}

export interface InventoryInterface {
  id: number
  uuid: string
  ifname: string
  iftype: string
  ifclass: string
  networktypelist: string[]
  /** Subnets of the addresses (and address pools) on this interface: route rule 13. */
  subnets: Subnet[]
}

export interface SubcloudInventory {
  host: {id: number; uuid: string; hostname: string; mgmtIp: string | null; mgmtMac: string}
  interfaces: InventoryInterface[]
  addresses: InventoryAddress[]
}

/** Playbook defaults for networks the subcloud record does not carry (bootstrap-overrides.md). */
const CLUSTER_HOST_SUBNET = '192.168.206.0/24'
const PXEBOOT_SUBNET = '169.254.202.0/24'

const cache = new Map<string, {key: string; inventory: SubcloudInventory}>()

export function inventoryOf(record: SysinvSubcloudRecord): SubcloudInventory {
  const region = record.regionName
  // Only the fields the inventory is built from: the record's status fields change all the time.
  const key = JSON.stringify([
    record.managementSubnet,
    record.managementStartIp,
    record.managementGatewayIp,
    record.oamFloatingAddress,
    record.bootstrapAddress,
    record.oamSubnet,
    record.oamGateway,
  ])
  const cached = cache.get(region)
  if (cached?.key === key) return cached.inventory
  const inventory = buildInventory(record)
  cache.set(region, {key, inventory})
  return inventory
}

function buildInventory(record: SysinvSubcloudRecord): SubcloudInventory {
  const region = record.regionName
  const id = (what: string) => stableUuid(region, what)
  const addresses: InventoryAddress[] = []
  const interfaces: InventoryInterface[] = []

  const addInterface = (ifname: string, iftype: string, networks: string[]): InventoryInterface => {
    const iface = {
      id: interfaces.length + 1,
      uuid: id(`interface/${ifname}`),
      ifname,
      iftype,
      ifclass: 'platform',
      networktypelist: networks,
      subnets: [],
    }
    interfaces.push(iface)
    return iface
  }
  const addAddress = (iface: InventoryInterface | null, name: string, subnet: Subnet, value: bigint) => {
    addresses.push({
      uuid: id(`address/${name}`),
      name,
      address: formatAddress(subnet.family, value),
      prefix: subnet.prefix,
      family: subnet.family,
      interfaceUuid: iface?.uuid ?? null,
      ifname: iface?.ifname ?? null,
    })
  }
  /** A network's floating and controller-0 addresses (start and start + 1, as sysinv allocates them). */
  const addNetwork = (iface: InventoryInterface, network: string, subnet: Subnet, start: bigint, gateway?: string) => {
    iface.subnets.push(subnet)
    addAddress(iface, `controller-${network}`, subnet, start)
    addAddress(iface, `controller-0-${network}`, subnet, start + 1n)
    const gw = gateway ? parseAddress(gateway) : undefined
    // Gateway records are not assigned to an interface; rule 12 skips them by name.
    if (gw) addAddress(null, `controller-gateway-${network}`, subnet, gw.value)
  }

  const oam = addInterface('enp0s3', 'ethernet', ['oam'])
  const oamNetwork = oamNetworkOf(record)
  if (oamNetwork) {
    oam.subnets.push(oamNetwork.subnet)
    addAddress(oam, 'controller-oam', oamNetwork.subnet, oamNetwork.floating)
    const gw = record.oamGateway ? parseAddress(record.oamGateway) : undefined
    if (gw) addAddress(null, 'controller-gateway-oam', oamNetwork.subnet, gw.value)
  }

  const mgmt = addInterface('enp0s8', 'ethernet', ['mgmt', 'cluster-host'])
  const mgmtSubnet = parseSubnet(record.managementSubnet)
  const mgmtStart = parseAddress(record.managementStartIp)
  if (mgmtSubnet && mgmtStart) {
    addNetwork(mgmt, 'mgmt', mgmtSubnet, mgmtStart.value, record.managementGatewayIp ?? undefined)
  }
  const clusterHost = parseSubnet(CLUSTER_HOST_SUBNET) as Subnet
  addNetwork(mgmt, 'cluster-host', clusterHost, clusterHost.network + 2n)

  addInterface('lo', 'virtual', [])

  const pxeboot = addInterface('enp0s9', 'ethernet', ['pxeboot'])
  const pxebootSubnet = parseSubnet(PXEBOOT_SUBNET) as Subnet
  addNetwork(pxeboot, 'pxeboot', pxebootSubnet, pxebootSubnet.network + 2n)

  const mgmtIp = addresses.find((a) => a.name === 'controller-0-mgmt')?.address ?? null
  const macSeed = createHash('sha256').update(region).digest()
  const mgmtMac = ['08', '00', '27', ...[0, 1, 2].map((i) => macSeed[i].toString(16).padStart(2, '0'))].join(':')
  return {
    host: {id: 1, uuid: id('ihost/controller-0'), hostname: 'controller-0', mgmtIp, mgmtMac},
    interfaces,
    addresses,
  }
}

function oamNetworkOf(record: SysinvSubcloudRecord): {subnet: Subnet; floating: bigint} | undefined {
  const floatingText = record.oamFloatingAddress ?? record.bootstrapAddress
  const floating = floatingText ? parseAddress(floatingText) : undefined
  const subnet =
    (record.oamSubnet ? parseSubnet(record.oamSubnet) : undefined) ??
    (floating ? parseSubnet(`${floatingText}/${floating.family === 4 ? 24 : 64}`) : undefined)
  if (!subnet) return undefined
  return {subnet, floating: floating?.value ?? subnet.network + 2n}
}

/** A name-based (v5-style) uuid: the same region and object always get the same uuid. */
export function stableUuid(namespace: string, name: string): string {
  const hex = createHash('sha1').update(`${namespace}\0${name}`).digest('hex').slice(0, 32).split('')
  hex[12] = '5'
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)
  const text = hex.join('')
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`
}
