/**
 * What the lab's System Controller looks like to subclouds: its management networks and address pools
 * (the server checks a subcloud's systemcontroller_gateway_address against them, §4.4 rule 8) and its release.
 * The defaults are the ones test/fixtures/examples/bootstrap/README.md assumes, so every valid example is accepted.
 */
export interface ScManagementNetwork {
  subnet: string
  poolStart: string
  poolEnd: string
}

export interface LabSystemController {
  managementNetworks: ScManagementNetwork[]
  /** The release the lab runs; a subcloud added without `release` gets it as software-version. */
  softwareVersion: string
  /** The keystone region of the System Controller itself (a subcloud may not take this name). */
  regionOneName: string
}

export const DEFAULT_SYSTEM_CONTROLLER: LabSystemController = {
  managementNetworks: [
    {subnet: '192.168.204.0/24', poolStart: '192.168.204.2', poolEnd: '192.168.204.50'},
    {subnet: 'fd00:204::/64', poolStart: 'fd00:204::2', poolEnd: 'fd00:204::50'},
  ],
  softwareVersion: '24.09',
  regionOneName: 'RegionOne',
}

/** Parse `--sc-network 192.168.204.0/24,192.168.204.2-192.168.204.50` (repeatable). */
export function parseScNetwork(text: string): ScManagementNetwork | undefined {
  const match = /^\s*([^,\s]+)\s*,\s*([^-\s]+)\s*-\s*(\S+)\s*$/.exec(text)
  return match ? {subnet: match[1], poolStart: match[2], poolEnd: match[3]} : undefined
}
