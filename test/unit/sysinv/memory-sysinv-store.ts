import type {LabRoute, SysinvLabStore, SysinvSubcloudRecord} from '../../../src/lab/sysinv/sysinv-store.js'

/**
 * An in-memory SysinvLabStore for unit tests of the sysinv service, honouring the store contract: memory
 * changes synchronously, the "persist" step is a real asynchronous boundary.
 */
export class MemorySysinvStore implements SysinvLabStore {
  readonly routes = new Map<string, LabRoute[]>()
  readonly writes: string[] = []
  deployState?: string

  constructor(readonly subclouds: SysinvSubcloudRecord[]) {}

  subcloudByRegion(regionName: string): SysinvSubcloudRecord | undefined {
    return this.subclouds.find((s) => s.regionName === regionName)
  }

  routesOf(subcloudName: string): readonly LabRoute[] {
    return this.routes.get(subcloudName) ?? []
  }

  async setRoutes(subcloudName: string, routes: LabRoute[]): Promise<void> {
    this.routes.set(subcloudName, routes)
    this.writes.push(subcloudName)
    await new Promise((resolve) => setImmediate(resolve))
  }

  releaseDeployState(): string | undefined {
    return this.deployState
  }
}

export const SUBCLOUD1: SysinvSubcloudRecord = {
  name: 'subcloud1',
  regionName: '2ec93dfb654846909efe61d1b39dd2ce',
  deployStatus: 'complete',
  managementSubnet: '192.168.101.0/24',
  managementStartIp: '192.168.101.2',
  managementEndIp: '192.168.101.50',
  managementGatewayIp: '192.168.101.1',
  oamFloatingAddress: '10.10.10.12',
  bootstrapAddress: '10.10.10.12',
  oamSubnet: '10.10.10.0/24',
  oamGateway: '10.10.10.1',
}

export const SUBCLOUD6: SysinvSubcloudRecord = {
  name: 'subcloud6',
  regionName: '7f1c9e0a2b3d4c5e8f9a0b1c2d3e4f50',
  deployStatus: 'complete',
  managementSubnet: 'fd00:101::/64',
  managementStartIp: 'fd00:101::2',
  managementEndIp: 'fd00:101::50',
  managementGatewayIp: 'fd00:101::1',
  oamFloatingAddress: 'fd00:10::12',
}
