import type {SysinvRoute} from '../../core/sysinv/types.js'

/**
 * What the lab's sysinv service needs from the lab's state store (charter C1's LabStore satisfies it as
 * is). The store keeps routes per subcloud so that its availability audit sees them: a subcloud goes
 * `online` once a route towards the System Controller's management subnet exists (issue 5, Build §3).
 */

/** The subcloud fields sysinv builds its inventory from (the lab store's record, camelCase). */
export interface SysinvSubcloudRecord {
  name: string
  regionName: string
  deployStatus?: string
  managementSubnet: string
  managementStartIp: string
  managementEndIp?: string
  managementGatewayIp?: string | null
  oamFloatingAddress?: string
  /** Where the subcloud was bootstrapped from: its OAM address in the guide's flow. */
  bootstrapAddress?: string
  /** Optional; derived from the OAM floating address (/24, /64) when absent. */
  oamSubnet?: string
  oamGateway?: string
}

/** A stored route: the API object plus what sysinv keeps beside it (`routes` table, host-routes.md §1). */
export type LabRoute = SysinvRoute & {id: number; family: 4 | 6}

export interface SysinvLabStore {
  /** The subcloud whose sysinv answers in this region (regions are the subclouds' region names). */
  subcloudByRegion(regionName: string): SysinvSubcloudRecord | undefined
  /** Routes of one subcloud as stored (read defensively: the state file may come from an older lab). */
  routesOf(subcloudName: string): readonly {network: string; prefix: number; [field: string]: unknown}[]
  /**
   * Replace a subcloud's routes. The in-memory state must change synchronously, before the first await,
   * so that the service's check-then-write is atomic; the store then persists and re-runs its audit.
   */
  setRoutes(subcloudName: string, routes: LabRoute[]): Promise<void>
  /**
   * The state of a major release deployment on the subcloud, if one is running (host-routes.md §6.2).
   * Optional: a store without software deployments never has one.
   */
  releaseDeployState?(subcloudName: string): string | undefined
}
