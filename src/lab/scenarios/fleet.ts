import {randomUUID} from 'node:crypto'

import {newSubcloudRecord, type SyncStatus} from '../dcmanager/subcloud-model.js'
import type {LabStore} from '../lab-store.js'

/**
 * A fleet of already-deployed subclouds written straight into the lab state, for orchestration demos, tests
 * and benchmarks where twenty (or five thousand) real bootstraps would be beside the point. Each subcloud is
 * what a completed `subcloud add` + host route + `manage` leaves: deploy-status complete, managed, a route
 * back to the System Controller's management network (so the lab's audit reports it online and in-sync), and
 * its own management subnet. `sync` sets injected endpoint statuses (as `dcm lab subcloud set --sync` does).
 */
export interface FleetOptions {
  count: number
  /** Name prefix (default `subcloud`); names are `<prefix><n>` from the first free number. */
  prefix?: string
  softwareVersion?: string
  /** The System Controller's management network the route points at. */
  systemControllerSubnet?: {network: string; prefix: number}
  sync?: Record<string, SyncStatus>
  groupId?: number
}

export async function seedFleet(store: LabStore, options: FleetOptions): Promise<string[]> {
  const prefix = options.prefix ?? 'subcloud'
  const route = options.systemControllerSubnet ?? {network: '192.168.204.0', prefix: 24}
  const names: string[] = []
  let number = 1
  for (let made = 0; made < options.count; made++) {
    while (store.subcloudByName(`${prefix}${number}`)) number++
    const name = `${prefix}${number}`
    const id = store.allocateSubcloudId()
    // 10.<a>.<b>.0/24 per subcloud: unique for 65,536 subclouds, clear of the examples' networks.
    const a = 64 + ((id >> 8) & 0xff)
    const b = id & 0xff
    const record = newSubcloudRecord({
      id,
      name,
      softwareVersion: options.softwareVersion ?? '24.09',
      deployStatus: 'complete',
      managementSubnet: `10.${a}.${b}.0/24`,
      managementStartIp: `10.${a}.${b}.2`,
      managementEndIp: `10.${a}.${b}.50`,
      managementGatewayIp: `10.${a}.${b}.1`,
      systemcontrollerGatewayIp: '192.168.204.101',
      bootstrapAddress: `172.${16 + ((id >> 8) & 0x0f)}.${b}.2`,
      oamFloatingAddress: `172.${16 + ((id >> 8) & 0x0f)}.${b}.2`,
      groupId: options.groupId,
    })
    record.managementState = 'managed'
    if (options.sync) record.syncOverrides = {...options.sync}
    store.insertSubcloud(record)
    void store.setRoutes(name, [
      {
        ...route,
        uuid: randomUUID(),
        interface_uuid: randomUUID(),
        ifname: 'enp0s8',
        forihostid: 1,
        gateway: `10.${a}.${b}.1`,
        metric: 1,
        id: 1,
        family: 4,
      },
    ])
    names.push(name)
  }
  await store.persist()
  return names
}
