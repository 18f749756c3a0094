import {randomUUID} from 'node:crypto'

import {formatAddress, parseAddress, parseSubnet} from '../../core/net/cidr.js'
import {checkAdminNetworkConfig} from '../../core/overrides/admin-network.js'
import type {FormPart} from '../http/multipart.js'
import {WebobError} from '../http/webob-error.js'
import type {LabStore, StoredRoute} from '../lab-store.js'
import {tablesOf} from '../orchestrator/orchestration-tables.js'
import {inventoryOf} from '../sysinv/sysinv-inventory.js'
import {routeReachesSystemController} from './audit.js'
import type {DcmanagerContext} from './dcmanager-http.js'
import {decodePassword} from './subcloud-add-fields.js'
import {NO_ERRORS, type SubcloudRecord} from './subcloud-model.js'
import {transientReason} from './subcloud-transient.js'

/**
 * Network reconfiguration, `PATCH /v1.0/subclouds/{id}` with the management subnet, range and gateway
 * (dcmanager-api.md §3.5): upstream's checks in its order (the controller's `patch`, then
 * `_validate_network_reconfiguration` and `validate_admin_network_config`), then the reconfiguration itself
 * as dcmanager's manager runs it: deploy-status `reconfiguring-network`, the update playbook on the subcloud
 * (here: its route to the System Controller moved to the new gateway), the new addresses stored, deploy-status
 * `complete` (or `network-reconfiguration-failed`). The availability audit follows from the route.
 */
export const NETWORK_PARAMS = [
  'management_subnet',
  'management_gateway_ip',
  'management_start_ip',
  'management_end_ip',
] as const

type NetworkParam = (typeof NETWORK_PARAMS)[number]

const NETWORK_PARAMS_TEXT = `The following parameters are necessary for subcloud network reconfiguration: ${NETWORK_PARAMS.map(
  (param) => `--${param.replace(/_/g, '-')}`,
).join(', ')}`

/** What the reconfiguration stores once it has run (primary values, as upstream's manager keeps them). */
export interface NetworkPlan {
  subnet: string
  startIp: string
  endIp: string
  gatewayIp: string
  gatewayFamily: 4 | 6
  /** Every family's subnet and range, for the lab's overlap checks of later adds. */
  subnets: string[]
  ranges: Array<{start: string; end: string}>
  /** The System Controller management network the subcloud's route must reach (the gateway's family). */
  systemControllerSubnet: string
  /** Held in memory for the run only. */
  sysadminPassword: string
}

/** Upstream's `any(payload.get(p) is not None ...)`: an empty field counts as given. */
export function requestsNetworkReconfig(parts: Map<string, FormPart>): boolean {
  return NETWORK_PARAMS.some((param) => parts.has(param))
}

export function validateNetworkReconfig(
  {store, systemController}: DcmanagerContext,
  record: SubcloudRecord,
  field: (name: string) => string | undefined,
): NetworkPlan {
  if (['secondary', 'secondary-failed'].includes(record.deployStatus)) {
    throw new WebobError(500, `Cannot perform on ${record.deployStatus} state subcloud`)
  }
  refuseTransient(record)
  const gatewayText = field('management_gateway_ip')
  if (gatewayText === undefined) throw new WebobError(422, NETWORK_PARAMS_TEXT)

  const primaryGateway = gatewayText.split(',')[0]
  const gatewayAddress = parseAddress(primaryGateway)
  const familyFailure =
    "subcloud primary management gateway IP's IP family does not exist on system controller managements"
  if (!gatewayAddress) {
    throw new WebobError(
      400,
      `${familyFailure}: Invalid address - not a valid IP address: failed to detect a valid IP address from '${primaryGateway}'`,
    )
  }
  const scNetwork = systemController.managementNetworks.find(
    (network) => parseSubnet(network.subnet)?.family === gatewayAddress.family,
  )
  if (!scNetwork) {
    const pools = systemController.managementNetworks.map((network) => `'${network.subnet}'`).join(', ')
    throw new WebobError(400, `${familyFailure}: IPv${gatewayAddress.family} pool not found in pools [${pools}]`)
  }

  // _validate_network_reconfiguration
  if (field('management-state')) {
    throw new WebobError(422, 'Management state and network reconfiguration must be updated separately')
  }
  if (record.managementState !== 'unmanaged') {
    throw new WebobError(422, 'A subcloud must be unmanaged to perform network reconfiguration')
  }
  refuseTransient(record)
  if (!field('bootstrap_address')) {
    throw new WebobError(422, 'The bootstrap_address parameter is required for network reconfiguration')
  }
  if (NETWORK_PARAMS.some((param) => field(param) === undefined)) throw new WebobError(422, NETWORK_PARAMS_TEXT)
  for (const param of NETWORK_PARAMS) {
    if (field(param) === currentValue(record, param)) {
      throw new WebobError(422, `${param} already in use by the subcloud.`)
    }
  }
  const sysadminPassword = decodePassword(field('sysadmin_password'), 'sysadmin')
  const plan = validateAdminNetworkConfig(field, store.subclouds)

  if (strategyStepRunning(store, record)) {
    throw new WebobError(
      400,
      'Reconfiguring subcloud network is not allowed while there is an on-going orchestrated operation in this subcloud. Please try again after the strategy has completed.',
    )
  }
  return {...plan, gatewayFamily: gatewayAddress.family, systemControllerSubnet: scNetwork.subnet, sysadminPassword}
}

function refuseTransient(record: SubcloudRecord): void {
  const busy = transientReason(record)
  if (busy) throw new WebobError(409, busy)
}

function currentValue(record: SubcloudRecord, param: NetworkParam): string {
  const values: Record<NetworkParam, string> = {
    management_subnet: record.managementSubnet,
    management_gateway_ip: record.managementGatewayIp,
    management_start_ip: record.managementStartIp,
    management_end_ip: record.managementEndIp,
  }
  return values[param]
}

/**
 * `validate_admin_network_config` as the reconfiguration calls it (core's implementation, the client's too): every
 * subcloud, this one included, is an existing one for the range-overlap check.
 */
function validateAdminNetworkConfig(
  field: (name: string) => string | undefined,
  subclouds: readonly SubcloudRecord[],
): Omit<NetworkPlan, 'gatewayFamily' | 'systemControllerSubnet' | 'sysadminPassword'> {
  const checked = checkAdminNetworkConfig(
    {
      subnet: field('management_subnet'),
      start: field('management_start_ip'),
      end: field('management_end_ip'),
      gateway: field('management_gateway_ip'),
    },
    subclouds.map((other) => ({name: other.name, start: other.managementStartIp, end: other.managementEndIp})),
  )
  if (!checked.ok) throw new WebobError(400, checked.message)
  const {subnets, ranges, gateways} = checked.value
  return {
    subnet: subnets[0].typed,
    startIp: ranges[0].start.text,
    endIp: ranges[0].end.text,
    gatewayIp: gateways[0].text,
    subnets: subnets.map((subnet) => subnet.typed),
    ranges: ranges.map(({start, end}) => ({start: start.text, end: end.text})),
  }
}

/** utils.verify_ongoing_subcloud_strategy: a step of this subcloud not complete, aborted or failed. */
function strategyStepRunning(store: LabStore, record: SubcloudRecord): boolean {
  const step = tablesOf(store).steps.find((row) => row.subcloudId === record.id)
  return !!step && !['complete', 'aborted', 'failed'].includes(step.state)
}

/** Fields of the same PATCH the manager writes together with the new addresses (`payload.get(..., current)`). */
export type ReconfigExtras = Partial<Pick<SubcloudRecord, 'description' | 'location' | 'groupId'>>

/** Playbook steps of the update run, in the runner's step time. */
const PLAYBOOK_STEPS = 3

/**
 * The manager's `update_subcloud_with_network_reconfig`: the status at once, then the update playbook and the
 * System Controller's side in the background. A subcloud named in the lab's failure list (`--fail-subcloud`)
 * fails in the playbook, as a failed run does upstream: `network-reconfiguration-failed`, addresses unchanged.
 */
export async function startNetworkReconfig(
  context: DcmanagerContext,
  record: SubcloudRecord,
  plan: NetworkPlan,
  extras: ReconfigExtras,
): Promise<void> {
  const {store, runner} = context
  const id = record.id
  store.updateSubcloud(id, {deployStatus: 'reconfiguring-network', errorDescription: NO_ERRORS})
  await store.persist()
  runner.startOperation(id, async (pause) => {
    for (let step = 0; step < PLAYBOOK_STEPS; step++) if (!(await pause())) return
    const current = store.subcloudById(id)
    if (!current) return
    if (context.failFor?.includes(current.name)) {
      store.updateSubcloud(id, {
        deployStatus: 'network-reconfiguration-failed',
        errorDescription: `FAILED! => {"changed": false, "msg": "Failed to reconfigure the management network of subcloud ${current.name} (lab failure injection)"}`,
      })
      await store.persist()
      return
    }
    const routes = routesAfterPlaybook(current, store.routesOf(current.name), plan)
    store.updateSubcloud(id, {
      ...extras,
      managementSubnet: plan.subnet,
      managementStartIp: plan.startIp,
      managementEndIp: plan.endIp,
      managementGatewayIp: plan.gatewayIp,
      managementSubnets: plan.subnets,
      managementRanges: plan.ranges,
      deployStatus: 'complete',
      errorDescription: NO_ERRORS,
    })
    // setRoutes persists the record too and runs the availability audit on the change.
    await store.setRoutes(current.name, routes)
  })
}

/**
 * What the update playbook leaves on the subcloud: its routes to the System Controller's management network
 * (of the gateway's family) replaced by one through the new gateway (`sc_gateway_address`), on the interface
 * the old route used, else the management interface. Other routes stay as they were.
 */
export function routesAfterPlaybook(record: SubcloudRecord, routes: StoredRoute[], plan: NetworkPlan): StoredRoute[] {
  const scSubnet = parseSubnet(plan.systemControllerSubnet)!
  const toSc = routes.filter((route) => routeReachesSystemController(route, [scSubnet]))
  const kept = routes.filter((route) => !toSc.includes(route))
  const template = toSc[0] ?? mgmtInterfaceRoute(record, routes)
  const network = formatAddress(scSubnet.family, scSubnet.network)
  const route: StoredRoute = {
    ...template,
    network,
    prefix: scSubnet.prefix,
    gateway: plan.gatewayIp,
    family: scSubnet.family,
  }
  return [...kept, route]
}

function mgmtInterfaceRoute(record: SubcloudRecord, routes: StoredRoute[]): StoredRoute {
  const inventory = inventoryOf(record)
  const mgmt = inventory.interfaces.find((iface) => iface.networktypelist.includes('mgmt'))!
  return {
    id: routes.reduce((max, route) => Math.max(max, Number(route.id) || 0), 0) + 1,
    uuid: randomUUID(),
    interface_uuid: mgmt.uuid,
    ifname: mgmt.ifname,
    forihostid: inventory.host.id,
    network: '',
    prefix: 0,
    metric: 1,
  }
}
