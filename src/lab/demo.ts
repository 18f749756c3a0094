import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type {Subcloud} from '../core/api/dcmanager-types.js'
import {OperationError} from '../core/errors.js'
import {registerSecret} from '../core/secrets.js'
import {ensureAdminPassword, labEnvironment} from './lab-files.js'
import {type LabHandle, startLab} from './lab-server.js'

/**
 * `dcm lab demo`: the installation guide's flow against a throwaway lab, through the same client library
 * the `dcm subcloud ...` commands use (Keystone session, local validation, multipart add, deploy wait,
 * sysinv host route, manage). The library reports each step as an event; the command narrates them.
 */
export type DemoEvent =
  | {kind: 'step'; number: number; title: string; detail?: string[]}
  | {kind: 'progress'; line: string}
  | {kind: 'list'; subclouds: Subcloud[]}
  | {kind: 'show'; subcloud: Subcloud}
  | {kind: 'note'; line: string}

export interface DemoOptions {
  /** Scale of the simulated deploy time (1 = about 4 s). */
  timeScale?: number
  /** Keep the lab's data dir (and print how to restart it) instead of removing it. */
  keep?: boolean
  onEvent: (event: DemoEvent) => void
  signal?: AbortSignal
}

export interface DemoResult {
  dataDir: string
  subcloud: Subcloud
}

export async function runLabDemo(options: DemoOptions): Promise<DemoResult> {
  const emit = options.onEvent
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-demo-'))
  let lab: LabHandle | undefined
  try {
    // 1. The System Controller.
    const password = await ensureAdminPassword(dataDir)
    registerSecret(password)
    // The subcloud's controller-0 is a lab host (dcm lab host): served over SSH on loopback and bootstrapped
    // for real by the lab's `ssh` deployer with dcm's own engine.
    const {registerLabHosts} = await import('./hosts/host-wiring.js')
    registerLabHosts()
    lab = await startLab({dataDir, adminPassword: password, timeScale: options.timeScale ?? 1, deployer: 'ssh'})
    emit({
      kind: 'step',
      number: 1,
      title: 'Start a local System Controller (dcm lab)',
      detail: [
        `Keystone and the dcmanager API listen on ${lab.url} (loopback only), state in ${dataDir}`,
        `deployer: ${lab.deployerKind} (subcloud hosts are simulated; nothing leaves this machine)`,
        `the same environment \`eval "$(dcm lab env)"\` gives: OS_AUTH_URL=${lab.authUrl} OS_USERNAME=admin ...`,
      ],
    })

    // 2. The bootstrap values file.
    const valuesFile = path.join(dataDir, 'subcloud1-bootstrap-values.yaml')
    await fs.writeFile(valuesFile, await demoBootstrapValues(), {mode: 0o600})
    emit({
      kind: 'step',
      number: 2,
      title: 'Write a bootstrap-values file for an AIO-SX subcloud',
      detail: [
        `${valuesFile} (from \`dcm subcloud template\`): management 192.168.101.0/24, OAM 10.10.10.0/24,`,
        'System Controller gateway 192.168.204.101',
      ],
    })

    // 3. Authenticate like `source /etc/platform/openrc` + any dcm command.
    const {resolveAuthConfig} = await import('../core/api/auth-config.js')
    const {openSession} = await import('../core/api/connect.js')
    const {DcmanagerClient} = await import('../core/api/dcmanager-client.js')
    const env = labEnvironment({authUrl: lab.authUrl}, password)
    const config = await resolveAuthConfig({}, env)
    const session = openSession(config, {cacheDir: path.join(dataDir, 'client-cache')})
    const client = new DcmanagerClient(session, {interface: config.interface})
    const dcmanagerUrl = await client.baseUrl()
    emit({
      kind: 'step',
      number: 3,
      title: 'Authenticate to Keystone and find dcmanager in the catalog',
      detail: [`dcmanager endpoint (region SystemController): ${dcmanagerUrl}`],
    })

    // 4-5. Validate locally, then add.
    const {validateAddFiles, buildAddForm} = await import('../core/subclouds/add.js')
    const request = {bootstrapAddress: '10.10.10.12', bootstrapValues: valuesFile}
    const existing = await client.subclouds.list()
    const validation = await validateAddFiles(request, existing)
    emit({
      kind: 'step',
      number: 4,
      title: `Validate the file offline: dcm subcloud validate ${path.basename(valuesFile)}`,
      detail: [`${validation.name}: no errors, ${validation.warnings.length} warning(s); nothing was sent yet`],
    })
    // The demo's sysadmin password is random, used once, and never printed.
    const sysadminPassword = randomBytes(12).toString('base64url')
    registerSecret(sysadminPassword)
    const {labHostRegistry} = await import('./hosts/ssh-host-registry.js')
    const host = await (
      await labHostRegistry(dataDir)
    ).add({
      name: 'subcloud1',
      bootstrapAddress: request.bootstrapAddress,
      password: sysadminPassword,
      durationSeconds: 4 * (options.timeScale ?? 1),
    })
    emit({
      kind: 'note',
      line: `controller-0 of subcloud1: a simulated StarlingX host on 127.0.0.1:${host.port}, reached as ${host.bootstrapAddress} through ${path.join(dataDir, 'ssh_config')}`,
    })
    const added = await client.subclouds.add(await buildAddForm(request, {sysadminPassword}))
    emit({
      kind: 'step',
      number: 5,
      title: `Add the subcloud: dcm subcloud add --bootstrap-address 10.10.10.12 --bootstrap-values ${path.basename(valuesFile)} --wait`,
      detail: [`accepted: id ${added.id}, deploy status ${added['deploy-status']}`],
    })

    // 6. Follow the deploy.
    const {waitForDeploy} = await import('../core/subclouds/wait.js')
    await waitForDeploy(client, added.name, {
      timeoutMs: 120_000,
      intervalMs: 250,
      signal: options.signal,
      onProgress: (progress) => {
        if (progress.changed) {
          const step = progress.step ? ` (step ${progress.step} of ${progress.steps})` : ''
          emit({kind: 'progress', line: `${progress.name}: ${progress.status}${step}`})
        }
      },
    })
    emit({kind: 'step', number: 6, title: 'The bootstrap completed'})
    emit({kind: 'list', subclouds: await client.subclouds.list()})
    emit({
      kind: 'note',
      line: 'It is still offline: the subcloud has no route back to the System Controller management network yet.',
    })

    // 7. The route on the subcloud (its own sysinv, region = the subcloud's region name).
    const region = added['region-name']
    let routed = false
    try {
      const {sysinvFor, addHostRoute} = await import('../core/sysinv/host-routes.js')
      // A shell on the subcloud: its own region, and a fresh token whose catalog lists the new region.
      const subcloudConfig = await resolveAuthConfig({noCache: true}, {...env, OS_REGION_NAME: region})
      const sysinv = await sysinvFor(openSession(subcloudConfig), region)
      const {route} = await addHostRoute(sysinv, {
        host: 'controller-0',
        interfaceRef: 'enp0s8',
        route: {network: '192.168.204.0', prefix: 24, gateway: '192.168.101.1', metric: 1},
      })
      routed = true
      emit({
        kind: 'step',
        number: 7,
        title: 'On the subcloud: dcm host-route-add controller-0 enp0s8 192.168.204.0 24 192.168.101.1',
        detail: [`route ${route.uuid} created through the subcloud's sysinv (region ${region})`],
      })
    } catch (error) {
      emit({
        kind: 'note',
        line: `Could not add the host route through sysinv (${(error as Error).message}); the subcloud stays offline.`,
      })
    }

    // 8. Online, then manage.
    if (routed) {
      const deadline = Date.now() + 30_000
      let current = await client.subclouds.get(added.name)
      while (current['availability-status'] !== 'online' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        current = await client.subclouds.get(added.name)
      }
      if (current['availability-status'] !== 'online') {
        throw new OperationError(`${added.name} did not come online after its route was added`)
      }
      emit({kind: 'list', subclouds: await client.subclouds.list()})
      await client.subclouds.update(
        added.name,
        [{name: 'management-state', value: 'managed'}],
        `Unable to manage subcloud ${added.name}`,
      )
      emit({kind: 'step', number: 8, title: `Manage it: dcm subcloud manage ${added.name}`})
      const synced = Date.now() + 30_000
      current = await client.subclouds.get(added.name)
      while (!isInSync(current) && Date.now() < synced) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        current = await client.subclouds.get(added.name)
      }
    }
    const subcloud = await client.subclouds.get(added.name, {detail: true})
    emit({kind: 'list', subclouds: await client.subclouds.list()})
    emit({kind: 'show', subcloud})
    return {dataDir, subcloud}
  } finally {
    await lab?.stop()
    if (!options.keep) await fs.rm(dataDir, {recursive: true, force: true})
  }
}

function isInSync(subcloud: Subcloud): boolean {
  return (subcloud.endpoint_sync_status ?? []).every((status) => status.sync_status === 'in-sync')
}

/** B's template when it is installed (the file `dcm subcloud template` prints), else the same values inline. */
async function demoBootstrapValues(): Promise<string> {
  try {
    const {renderSubcloudTemplate} = await import('../core/overrides/template.js')
    return renderSubcloudTemplate({systemMode: 'simplex', ipv6: false, adminNetwork: false})
  } catch {
    return [
      'system_mode: simplex',
      'name: subcloud1',
      'description: "dcm lab demo subcloud"',
      'location: "lab"',
      'management_subnet: 192.168.101.0/24',
      'management_start_address: 192.168.101.2',
      'management_end_address: 192.168.101.50',
      'management_gateway_address: 192.168.101.1',
      'systemcontroller_gateway_address: 192.168.204.101',
      'external_oam_subnet: 10.10.10.0/24',
      'external_oam_gateway_address: 10.10.10.1',
      'external_oam_floating_address: 10.10.10.12',
      '',
    ].join('\n')
  }
}
