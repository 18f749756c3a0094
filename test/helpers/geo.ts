import {stringify} from 'yaml'

import {seedFleet} from '../../src/lab/scenarios/fleet.js'
import {startTestLab, type TestLab, type TestLabOptions, waitFor} from './lab.js'
import {patchSubcloud} from './lab-requests.js'

/**
 * Two lab sites for geo-redundancy tests: each a full lab (own data dir, port, Keystone, identity) in this
 * process, with heartbeats fast enough for a test (one "second" of `heartbeat-interval` is `heartbeatUnitMs`).
 * Tests wait for states by polling with generous limits; they never assert how long anything took.
 */
export const HEARTBEAT_UNIT_MS = 50

export function siteOptions(name: string, extra: TestLabOptions = {}): TestLabOptions {
  return {
    siteName: name,
    geo: {heartbeatUnitMs: HEARTBEAT_UNIT_MS, rehomeStepMs: 20, onlineTimeoutMs: 60_000},
    ...extra,
  }
}

export async function startSite(name: string, extra: TestLabOptions = {}): Promise<TestLab> {
  return startTestLab(siteOptions(name, extra))
}

/** JSON of a lab path (with a token), failing the test on a non-2xx answer. */
export async function getJson<T = Record<string, unknown>>(lab: TestLab, path: string): Promise<T> {
  const response = await lab.api(`/dcmanager/v1.0${path}`)
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

export async function sendJson(lab: TestLab, method: string, path: string, body?: unknown): Promise<Response> {
  return lab.api(`/dcmanager/v1.0${path}`, {
    method,
    headers: {'content-type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

/** Bootstrap values matching a subcloud `seedFleet` made (what `subcloud update --bootstrap-values` sends). */
export function seededBootstrapValues(lab: TestLab, name: string): string {
  const record = lab.store.subcloudByName(name)!
  const oamBase = record.oamFloatingAddress.replace(/\.\d+$/, '')
  return stringify({
    system_mode: 'simplex',
    name,
    management_subnet: record.managementSubnet,
    management_start_address: record.managementStartIp,
    management_end_address: record.managementEndIp,
    management_gateway_address: record.managementGatewayIp,
    systemcontroller_gateway_address: record.systemcontrollerGatewayIp,
    external_oam_subnet: `${oamBase}.0/24`,
    external_oam_gateway_address: `${oamBase}.1`,
    external_oam_floating_address: record.oamFloatingAddress,
    admin_password: 'never-stored',
  })
}

/** Seed `count` managed, online subclouds on a site and put them in a new peer group (priority 0, led here). */
export async function seedPeerGroup(lab: TestLab, groupName: string, count: number): Promise<string[]> {
  const created = await sendJson(lab, 'POST', '/subcloud-peer-groups', {'peer-group-name': groupName})
  if (created.status !== 200) throw new Error(`peer group: ${created.status} ${await created.text()}`)
  const names = await seedFleet(lab.store, {count, prefix: `${groupName}-sc`})
  for (const name of names) {
    await waitFor(
      () => lab.store.subcloudByName(name)?.availabilityStatus,
      (status) => status === 'online',
      60_000,
    )
    const response = await patchSubcloud(lab, name, {
      peer_group: groupName,
      bootstrap_values: seededBootstrapValues(lab, name),
      bootstrap_address: lab.store.subcloudByName(name)!.bootstrapAddress,
    })
    if (response.status !== 200) throw new Error(`join ${name}: ${response.status} ${await response.text()}`)
  }
  return names
}

export async function waitForJson<T>(
  lab: TestLab,
  path: string,
  predicate: (value: T) => boolean,
  timeoutMs = 45_000,
): Promise<T> {
  return waitFor(() => getJson<T>(lab, path), predicate, timeoutMs)
}
