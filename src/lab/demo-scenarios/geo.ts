import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {stringify} from 'yaml'

import type {DcmanagerClient} from '../../core/api/dcmanager-client.js'
import type {Subcloud} from '../../core/api/dcmanager-types.js'
import {registerSecret} from '../../core/secrets.js'
import type {SubcloudRecord} from '../dcmanager/subcloud-model.js'
import type {DemoEvent, DemoOptions} from '../demo.js'
import {ensureAdminPassword, labEnvironment} from '../lab-files.js'
import type {LabHandle} from '../lab-server.js'

/**
 * `dcm lab demo --scenario geo` (issue 12): two System Controllers on one machine. Site A has three deployed,
 * managed subclouds in peer group pg1, associated with site B (priority 2): the sync gives B secondary copies.
 * Site A is stopped; B's heartbeat sees it unavailable after the threshold; the operator migrates pg1 to B,
 * whose `subcloud list` then shows the three managed and online. Every call is a REST call through dcm's own
 * Keystone session and request layer, as the commands make them.
 */
const MEMBERS = 3
const HEARTBEAT = {interval: 10, threshold: 3}

interface Site {
  name: string
  lab?: LabHandle
  client?: DcmanagerClient
  password: string
  dataDir: string
}

export async function runGeoDemo(options: DemoOptions): Promise<{dataDir: string}> {
  const emit = options.onEvent
  const timeScale = options.timeScale ?? 1
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-geo-'))
  const sites: Site[] = []
  let number = 0
  const step = (title: string, detail?: string[]) => emit({kind: 'step', number: ++number, title, detail})
  const progress = (line: string) => emit({kind: 'progress', line})
  try {
    for (const name of ['site-a', 'site-b']) sites.push(await startSite(root, name, timeScale))
    const [a, b] = sites as [Required<Site>, Required<Site>]
    step('Start two System Controllers on this machine (dcm lab start --site site-a / --site site-b)', [
      ...sites.map(
        (site) => `${site.name}: ${site.lab!.url} (system uuid ${site.lab!.geo.tables.system.uuid}), ${site.dataDir}`,
      ),
      `heartbeat seconds last ${timeScale} s here (--time-scale); every request stays on loopback`,
    ])

    const {seedFleet} = await import('../scenarios/fleet.js')
    const names = await seedFleet(a.lab.store, {count: MEMBERS})
    a.lab.audit()
    const {peerSites} = await import('../geo/site-peering.js')
    await peerSites(
      {authUrl: a.lab.authUrl, adminPassword: a.password},
      {authUrl: b.lab.authUrl, adminPassword: b.password},
      {heartbeatInterval: HEARTBEAT.interval, heartbeatFailureThreshold: HEARTBEAT.threshold},
    )
    step('Peer the sites (dcm lab peer site-a site-b): each gets a system peer naming the other', [
      `heartbeat every ${HEARTBEAT.interval} s, unavailable after ${HEARTBEAT.threshold} failures, policy alarm`,
      `${names.join(', ')} are deployed, managed and online on site-a`,
    ])

    await a.client.http.json('POST', '/subcloud-peer-groups', 'Unable to add subcloud peer group', {
      'peer-group-name': 'pg1',
    })
    for (const name of names) {
      const record = a.lab.store.subcloudByName(name)!
      await a.client.http.form('PATCH', `/subclouds/${name}`, `Unable to update subcloud ${name}`, [
        {name: 'bootstrap_values', value: fleetBootstrapValues(record), filename: `${name}.yml`},
        {name: 'bootstrap_address', value: record.bootstrapAddress},
        {name: 'peer_group', value: 'pg1'},
      ])
    }
    step(
      'On site-a: subcloud-peer-group add pg1; subcloud update --peer-group pg1 --bootstrap-values --bootstrap-address',
      [`pg1: priority 0, led by site-a; ${MEMBERS} members with their rehome data`],
    )

    await a.client.http.json('POST', '/peer-group-associations', 'Unable to add peer group association', {
      peer_group_id: 1,
      system_peer_id: 1,
      peer_group_priority: 2,
    })
    step('On site-a: peer-group-association add --peer-group-id 1 --system-peer-id 1 --peer-group-priority 2', [
      'syncing -> in-sync: site-b gets pg1 (priority 2, led by site-a) and a secondary copy of each member',
    ])
    await until(options, progress, 'association 1 on site-a', async () => {
      const association = await a.client.http.get<{'sync-status': string}>(
        '/peer-group-associations/1',
        'Unable to get peer group association',
      )
      return association['sync-status'] === 'in-sync' ? association['sync-status'] : undefined
    })

    emit({kind: 'note', line: 'On site-b (secondary subclouds show with --all):'})
    emit({kind: 'list', subclouds: await b.client.subclouds.list()})

    await a.lab.stop()
    step('Stop site-a (dcm lab stop --site site-a)', ["site-b's heartbeats to site-a start failing"])
    await until(options, progress, 'site-a as seen from site-b', async () => {
      const peer = await b.client.http.get<{'availability-state': string}>(
        '/system-peers/site-a',
        'Unable to get system peer',
      )
      return peer['availability-state'] === 'unavailable' ? peer['availability-state'] : undefined
    })
    const alarm = b.lab.geo.tables.alarms.find((item) => item.alarmId === '280.004')
    step(`site-b: system peer site-a is unavailable after ${HEARTBEAT.threshold} failed heartbeats`, [
      alarm ? `alarm ${alarm.alarmId} (${alarm.severity}): ${alarm.text}` : 'no alarm raised',
    ])

    const password = randomBytes(12).toString('base64url')
    registerSecret(password)
    const migrating = await b.client.http.json<{subclouds: Subcloud[]}>(
      'PATCH',
      '/subcloud-peer-groups/pg1/migrate',
      'Unable to migrate subcloud peer group',
      {sysadmin_password: Buffer.from(password).toString('base64')},
    )
    step('On site-b: subcloud-peer-group migrate pg1', [
      `${migrating.subclouds.map((subcloud) => subcloud.name).join(', ')}: ${migrating.subclouds[0]?.['deploy-status']} -> pre-rehome -> rehoming -> complete, then managed once online`,
    ])
    await until(options, progress, 'pg1 on site-b', async () => {
      const status = await b.client.http.get<Record<string, number>>(
        '/subcloud-peer-groups/pg1/status',
        'Unable to get subcloud peer group status',
      )
      const line = `complete ${status.complete}, rehoming ${status.rehoming}, rehome_failed ${status.rehome_failed}, managed ${status.managed}/${status.total_subclouds}`
      return status.managed === status.total_subclouds ? line : {pending: line}
    })
    const group = await b.client.http.get<{system_leader_name: string}>(
      '/subcloud-peer-groups/pg1',
      'Unable to get subcloud peer group',
    )
    step(`site-b leads pg1 now (system_leader_name ${group.system_leader_name}); its subcloud list:`)
    emit({kind: 'list', subclouds: await b.client.subclouds.list()})
    return {dataDir: root}
  } finally {
    for (const site of sites) await site.lab?.stop()
    if (!options.keep) await fs.rm(root, {recursive: true, force: true})
  }
}

async function startSite(root: string, name: string, timeScale: number): Promise<Site> {
  const dataDir = path.join(root, name)
  await fs.mkdir(dataDir, {mode: 0o700})
  const password = await ensureAdminPassword(dataDir)
  registerSecret(password)
  const {startLab} = await import('../lab-server.js')
  const lab = await startLab({dataDir, adminPassword: password, timeScale, siteName: name, deployer: 'simulated'})
  const {resolveAuthConfig} = await import('../../core/api/auth-config.js')
  const {openSession} = await import('../../core/api/connect.js')
  const {DcmanagerClient} = await import('../../core/api/dcmanager-client.js')
  const config = await resolveAuthConfig({}, labEnvironment({authUrl: lab.authUrl}, password))
  const session = openSession(config, {cacheDir: path.join(dataDir, 'client-cache')})
  return {name, lab, password, dataDir, client: new DcmanagerClient(session, {interface: config.interface})}
}

/** Poll until `read` gives a value (or `{pending}` to report progress), printing each new state. */
async function until(
  options: DemoOptions,
  progress: (line: string) => void,
  what: string,
  read: () => Promise<string | {pending: string} | undefined>,
): Promise<void> {
  let last: string | undefined
  const deadline = Date.now() + 600_000
  for (;;) {
    if (options.signal?.aborted) throw new Error('interrupted')
    const value = await read()
    const line = typeof value === 'object' ? value.pending : value
    if (line !== undefined && line !== last) progress(`${what}: ${line}`)
    last = line ?? last
    if (typeof value === 'string') return
    if (Date.now() > deadline) throw new Error(`${what} did not reach its state within 10 minutes`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** The bootstrap values of a subcloud `seedFleet` made: what `subcloud update --bootstrap-values` sends. */
export function fleetBootstrapValues(record: SubcloudRecord): string {
  const oamBase = record.oamFloatingAddress.replace(/\.\d+$/, '')
  return stringify({
    system_mode: 'simplex',
    name: record.name,
    management_subnet: record.managementSubnet,
    management_start_address: record.managementStartIp,
    management_end_address: record.managementEndIp,
    management_gateway_address: record.managementGatewayIp,
    systemcontroller_gateway_address: record.systemcontrollerGatewayIp,
    external_oam_subnet: `${oamBase}.0/24`,
    external_oam_gateway_address: `${oamBase}.1`,
    external_oam_floating_address: record.oamFloatingAddress,
  })
}

export type {DemoEvent}
