import {Args, Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {listerFlags} from '../../cli/output-flags.js'
import {OperationError} from '../../core/errors.js'

const PEER_COLUMNS = ['site', 'system_uuid', 'system_peer_id', 'peer_name', 'created']

export default class LabPeer extends BaseCommand<typeof LabPeer> {
  static summary = 'Peer two running lab sites for geo-redundancy: each gets a system peer naming the other.'
  static description = `Does what an operator does with \`system-peer add\` on each System Controller: each site gets a system peer
with the other's system uuid and name (sysinv isystems), its Keystone as manager endpoint and its admin
credentials, through the sites' own APIs. A SITE is a site name (\`dcm lab start --site NAME\`) or a lab data
dir (a path with a '/'). Both labs must be running; a site that already has a peer for the other keeps it.
Heartbeats start once a peer group association references the peer (subcloud-lifecycle.md §6.2); with
\`dcm lab start --time-scale X\` one second of heartbeat interval lasts X seconds.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> lab start --site site-a --detach && <%= config.bin %> lab start --site site-b --detach',
    '<%= config.bin %> lab peer site-a site-b --heartbeat-interval 10 --heartbeat-failure-threshold 3',
  ]
  static jsonShape = jsonShape.list(PEER_COLUMNS)
  static args = {
    a: Args.string({description: 'the first site (name or data dir)', required: true}),
    b: Args.string({description: 'the second site (name or data dir)', required: true}),
  }
  static flags = {
    ...listerFlags,
    'heartbeat-interval': Flags.integer({
      description: 'heartbeat interval of both records, seconds',
      min: 10,
      max: 600,
    }),
    'heartbeat-failure-threshold': Flags.integer({
      description: 'failed heartbeats before the other site is unavailable',
      min: 1,
      max: 30,
    }),
    'heartbeat-failure-policy': Flags.string({
      description: 'heartbeat failure policy of both records',
      options: ['alarm', 'rehome', 'delegate'],
    }),
    'peer-controller-gateway-address': Flags.string({
      description: "the gateway on each site's management network its subclouds use (default 192.168.204.101)",
    }),
  }

  async run() {
    const {resolveDataDir, readAdminPassword} = await import('../../lab/lab-files.js')
    const {runningInstance} = await import('../../lab/lab-process.js')
    const {peerSites} = await import('../../lab/geo/site-peering.js')
    const access = async (site: string) => {
      const dataDir = site.includes('/') ? resolveDataDir(site) : resolveDataDir(undefined, site)
      const instance = await runningInstance(dataDir)
      const password = await readAdminPassword(dataDir)
      if (!instance || !password) {
        throw new OperationError(`No lab is running in ${dataDir}`, {
          hint: site.includes('/')
            ? `dcm lab start --detach --data-dir ${dataDir}`
            : `dcm lab start --detach --site ${site}`,
        })
      }
      return {authUrl: instance.authUrl, adminPassword: password}
    }
    const [a, b] = [await access(this.args.a), await access(this.args.b)]
    const sites = await peerSites(a, b, {
      heartbeatInterval: this.flags['heartbeat-interval'],
      heartbeatFailureThreshold: this.flags['heartbeat-failure-threshold'],
      heartbeatFailurePolicy: this.flags['heartbeat-failure-policy'],
      gatewayAddress: this.flags['peer-controller-gateway-address'],
    })
    return this.printList(
      PEER_COLUMNS,
      sites.map((site, index) => [site.name, site.uuid, site.peerId, sites[1 - index].name, site.created]),
    )
  }
}
