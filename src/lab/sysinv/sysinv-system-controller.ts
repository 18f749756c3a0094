import type {LabSystemController} from '../lab-config.js'
import type {SysinvSubcloudRecord} from './sysinv-store.js'

/**
 * The System Controller's own sysinv in the lab (region RegionOne, the other `platform` endpoint of the
 * lab's catalog): its controller-0 built from the lab's System Controller config, so that
 * `dcm host-route-*` after a plain `eval "$(dcm lab env)"` reach a real inventory, as on a real SC.
 */

/**
 * Key of the System Controller's own routes in the store's per-subcloud route map. `@` cannot start a
 * subcloud name, so the key never meets a subcloud, and the availability audit (which reads routes by
 * subcloud name) never sees these routes.
 */
export const SYSTEM_CONTROLLER_ROUTES_KEY = '@system-controller'

/** The System Controller's OAM network as the shared examples assume it (the lab config has no OAM). */
const SC_OAM = {subnet: '10.10.10.0/24', floating: '10.10.10.2', gateway: '10.10.10.1'}

/** What `createSysinvService` takes as its `systemController` option. */
export function systemControllerSysinv(sc: LabSystemController): {record: SysinvSubcloudRecord; storeKey: string} {
  return {record: systemControllerRecord(sc), storeKey: SYSTEM_CONTROLLER_ROUTES_KEY}
}

/** The System Controller's controller-0 as sysinv sees it: its first IPv4 management network and pool. */
export function systemControllerRecord(sc: LabSystemController): SysinvSubcloudRecord {
  const management = sc.managementNetworks.find((n) => !n.subnet.includes(':')) ?? sc.managementNetworks[0]
  return {
    name: 'SystemController',
    regionName: sc.regionOneName,
    deployStatus: 'complete',
    managementSubnet: management?.subnet ?? '192.168.204.0/24',
    managementStartIp: management?.poolStart ?? '192.168.204.2',
    managementEndIp: management?.poolEnd,
    oamFloatingAddress: SC_OAM.floating,
    oamSubnet: SC_OAM.subnet,
    oamGateway: SC_OAM.gateway,
  }
}
