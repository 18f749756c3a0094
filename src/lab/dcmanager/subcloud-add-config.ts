import {parseAddress, parseSubnet, type Subnet} from '../../core/net/cidr.js'
import type {SubcloudGroupRecord} from '../lab-store.js'
import {
  splitList,
  validateAddressStr,
  validateNetworkStr,
  type ParsedAddress,
  type ParsedSubnet,
} from './subnet-checks.js'
import {type AddContext, bad, present} from './subcloud-add-fields.js'

/**
 * Stage 4.4 of `POST /v1.0/subclouds`, upstream's validate_subcloud_config (dcmanager-api.md §4.4), in its
 * order: the name, the management (and admin) pools and their gateways, the System Controller gateway against
 * the System Controller's own management network, the OAM network, the group.
 */
export interface SubcloudConfig {
  management: Pool
  admin: Pool | undefined
  /** The gateway of the primary network (admin when given, else management). */
  primaryGateway: ParsedAddress[]
  scGateway: {family: 4 | 6; value: bigint}
  oamFamily: 4 | 6
  oamFloating: ParsedAddress[]
  group: SubcloudGroupRecord
}

export function validateSubcloudConfig(
  payload: Record<string, unknown>,
  form: (name: string) => string | undefined,
  name: string,
  simplex: boolean,
  context: AddContext,
): SubcloudConfig {
  checkName(name, context)
  const minimumSubnet = simplex ? 4 : 8
  const minimumRange = simplex ? 1 : 3
  const others = context.store.subclouds

  const management = checkPool(payload, 'management', minimumSubnet, minimumRange, others)
  const hasAdminGateway = present(payload.admin_gateway_address)
  let managementGateway: ParsedAddress[] = []
  if (!hasAdminGateway) {
    managementGateway = expectAddress(
      payload.management_gateway_address,
      management.subnets,
      'management_gateway_address',
    )
  }
  const hasAdmin = ['admin_subnet', 'admin_start_address', 'admin_end_address', 'admin_gateway_address'].some((key) =>
    present(payload[key]),
  )
  let admin: Pool | undefined
  let adminGateway: ParsedAddress[] = []
  if (hasAdmin) {
    admin = checkPool(payload, 'admin', minimumSubnet, minimumRange, others)
    adminGateway = expectAddress(payload.admin_gateway_address, admin.subnets, 'admin_gateway_address')
    const inside = gatewayInPool(adminGateway, admin)
    if (inside) throw bad(`admin_gateway_address invalid, is within admin pool: ${inside.start} - ${inside.end}`)
  }
  const gatewayPool = admin ?? management
  const gateway = hasAdminGateway ? adminGateway : managementGateway
  const inPool = gatewayInPool(gateway, gatewayPool)
  if (inPool) {
    const kind = hasAdminGateway ? 'admin' : 'management'
    throw bad(`${kind}_gateway_address invalid, is within management pool: ${inPool.start} - ${inPool.end}`)
  }

  const scGateway = checkSystemControllerGateway(payload, admin ? 'admin_subnet' : 'management_subnet', context)

  const existingSubnets = others.flatMap((record) =>
    record.managementSubnets.map((text) => parseSubnet(text)).filter((subnet): subnet is Subnet => !!subnet),
  )
  const oam = validateNetworkStr(payload.external_oam_subnet, 3, existingSubnets)
  if (!oam.ok) throw bad(`external_oam_subnet invalid: ${oam.reason}`)
  expectAddress(payload.external_oam_gateway_address, oam.value, 'oam_gateway_address')
  const oamFloating = expectAddress(payload.external_oam_floating_address, oam.value, 'oam_floating_address')

  const groupText = form('group_id') ?? '1'
  const group = /^\d+$/.test(groupText) ? context.store.groups.find((item) => item.id === Number(groupText)) : undefined
  if (!group) throw bad('Invalid group_id')

  return {
    management,
    admin,
    primaryGateway: hasAdminGateway ? adminGateway : managementGateway,
    scGateway,
    oamFamily: oam.value[0].family,
    oamFloating,
    group,
  }
}

function checkName(name: string, context: AddContext): void {
  if (/^\d+$/.test(name)) throw bad('name must contain alphabetic characters')
  if (name === 'SystemController' || name === context.systemController.regionOneName) {
    throw bad(`name cannot be ${context.systemController.regionOneName} or SystemController`)
  }
}

/** The subcloud's route back: same family as its primary network, inside the SC's management subnet, outside its pool. */
function checkSystemControllerGateway(
  payload: Record<string, unknown>,
  primaryKey: 'admin_subnet' | 'management_subnet',
  context: AddContext,
): {family: 4 | 6; value: bigint} {
  const scGatewayText = splitList(payload.systemcontroller_gateway_address)[0] ?? ''
  const scGateway = parseAddress(scGatewayText)
  if (!scGateway) {
    throw bad(`systemcontroller_gateway_address invalid: failed to detect a valid IP address from '${scGatewayText}'`)
  }
  const primarySubnetText = splitList(payload[primaryKey])[0] ?? ''
  const primarySubnet = parseSubnet(primarySubnetText)
  if (!primarySubnet) throw bad(`${primaryKey} invalid: invalid IPNetwork ${primarySubnetText}`)
  if (scGateway.family !== primarySubnet.family) {
    throw bad(`systemcontroller_gateway_address invalid: Expected IPv${primarySubnet.family}`)
  }
  const scNetwork = context.systemController.managementNetworks.find(
    (network) => parseSubnet(network.subnet)?.family === scGateway.family,
  )
  if (!scNetwork) {
    const pools = context.systemController.managementNetworks.map((network) => `'${network.subnet}'`).join(', ')
    throw bad(
      `systemcontroller_gateway_address IP family is not aligned with system controller management: IPv${scGateway.family} pool not found in pools [${pools}]`,
    )
  }
  const scSubnet = parseSubnet(scNetwork.subnet)!
  expectAddress(scGatewayText, [{...scSubnet, typed: scNetwork.subnet}], 'systemcontroller_gateway_address')
  const poolStart = parseAddress(scNetwork.poolStart)
  const poolEnd = parseAddress(scNetwork.poolEnd)
  if (poolStart && poolEnd && scGateway.value >= poolStart.value && scGateway.value <= poolEnd.value) {
    throw bad(
      `systemcontroller_gateway_address invalid, is within management pool: ${scNetwork.poolStart} - ${scNetwork.poolEnd}`,
    )
  }
  return scGateway
}

export interface Pool {
  subnets: ParsedSubnet[]
  starts: ParsedAddress[]
  ends: ParsedAddress[]
}

function checkPool(
  payload: Record<string, unknown>,
  kind: 'management' | 'admin',
  minimumSubnet: number,
  minimumRange: number,
  others: AddContext['store']['subclouds'],
): Pool {
  const subnets = validateNetworkStr(payload[`${kind}_subnet`], minimumSubnet)
  if (!subnets.ok) throw bad(`${kind}_subnet invalid: ${subnets.reason}`)
  const starts = expectAddress(payload[`${kind}_start_address`], subnets.value, `${kind}_start_address`)
  const ends = expectAddress(payload[`${kind}_end_address`], subnets.value, `${kind}_end_address`)
  const label = kind === 'management' ? 'Management' : 'Admin'
  for (const [index, start] of starts.entries()) {
    const end = ends[index]
    if (start.value > end.value) throw bad(`${kind}_start_address greater than ${kind}_end_address`)
    if (end.value - start.value + 1n < BigInt(minimumRange)) {
      throw bad(`${kind} address range must contain at least ${minimumRange} addresses`)
    }
    for (const other of others) {
      for (const range of other.managementRanges) {
        const otherStart = parseAddress(range.start)
        const otherEnd = parseAddress(range.end)
        if (!otherStart || !otherEnd || otherStart.family !== start.family) continue
        if (start.value <= otherEnd.value && otherStart.value <= end.value) {
          throw bad(`${label} address range overlaps with that of subcloud ${other.name}`)
        }
      }
    }
  }
  return {subnets: subnets.value, starts, ends}
}

function gatewayInPool(gateway: ParsedAddress[], pool: Pool): {start: string; end: string} | undefined {
  for (const address of gateway) {
    const index = pool.starts.findIndex((start) => start.family === address.family)
    if (index < 0) continue
    if (address.value >= pool.starts[index].value && address.value <= pool.ends[index].value) {
      return {start: pool.starts[index].text, end: pool.ends[index].text}
    }
  }
  return undefined
}

function expectAddress(value: unknown, networks: ParsedSubnet[], key: string): ParsedAddress[] {
  const result = validateAddressStr(value, networks)
  if (!result.ok) throw bad(`${key} invalid: ${result.reason}`)
  return result.value
}
