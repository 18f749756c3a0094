import {randomBytes} from 'node:crypto'
import path from 'node:path'

import type {Subcloud} from '../../core/api/dcmanager-types.js'
import {OperationError} from '../../core/errors.js'
import {writePrivateFileAtomic} from '../../core/files/private-file.js'
import {registerSecret} from '../../core/secrets.js'
import type {DemoContext, DemoScenario, DemoStep} from '../demo.js'
import {authenticateStep, startLabStep} from '../demo-steps.js'

/**
 * The installation guide's flow: write a bootstrap-values file, validate and add the subcloud through
 * the same addSubcloud flow as `dcm subcloud add --wait`, add its route back to the System Controller
 * through the subcloud's sysinv, watch it come online, manage it, show it.
 */
export const addSubcloudScenario: DemoScenario = {
  name: 'add-subcloud',
  steps: () => {
    const run: {valuesFile?: string; added?: Subcloud; routed?: boolean} = {}
    const added = (): Subcloud => {
      if (!run.added) throw new Error('demo scenario: no subcloud was added')
      return run.added
    }
    const steps: DemoStep[] = [
      startLabStep,
      async (context) => {
        run.valuesFile = path.join(context.dataDir, 'subcloud1-bootstrap-values.yaml')
        await writePrivateFileAtomic(run.valuesFile, await demoBootstrapValues())
        context.step('Write a bootstrap-values file for an AIO-SX subcloud', [
          `${run.valuesFile} (from \`dcm subcloud template\`): management 192.168.101.0/24, OAM 10.10.10.0/24,`,
          'System Controller gateway 192.168.204.101',
        ])
      },
      authenticateStep,
      async (context) => {
        run.added = await addThroughFlow(context, run.valuesFile ?? '')
      },
      async (context) => {
        context.emit({kind: 'list', subclouds: await context.client.subclouds.list()})
        context.emit({
          kind: 'note',
          line: 'It is still offline: the subcloud has no route back to the System Controller management network yet.',
        })
        run.routed = await addRoute(context, added())
      },
      async (context) => {
        if (run.routed) await manageWhenOnline(context, added())
      },
      async (context) => {
        const subcloud = await context.client.subclouds.get(added().name, {detail: true})
        context.subcloud = subcloud
        context.emit({kind: 'list', subclouds: await context.client.subclouds.list()})
        context.emit({kind: 'show', subcloud})
      },
    ]
    return steps
  },
}

/** Validate, add and wait: the flow of `dcm subcloud add --wait`, narrated as steps. */
async function addThroughFlow(context: DemoContext, valuesFile: string): Promise<Subcloud> {
  const {addSubcloud} = await import('../../core/flows/add-subcloud.js')
  const request = {bootstrapAddress: '10.10.10.12', bootstrapValues: valuesFile}
  const result = await addSubcloud({
    client: context.client,
    request,
    secrets: async () => {
      // The demo's sysadmin password is random, used once, and never printed; the subcloud's controller-0
      // is a lab host that takes it.
      const sysadminPassword = randomBytes(12).toString('base64url')
      registerSecret(sysadminPassword)
      const {labHostRegistry} = await import('../hosts/ssh-host-registry.js')
      const host = await (
        await labHostRegistry(context.dataDir)
      ).add({
        name: 'subcloud1',
        bootstrapAddress: request.bootstrapAddress,
        password: sysadminPassword,
        durationSeconds: 4 * context.timeScale,
      })
      context.emit({
        kind: 'note',
        line: `controller-0 of subcloud1: a simulated StarlingX host on 127.0.0.1:${host.port}, reached as ${host.bootstrapAddress} through ${path.join(context.dataDir, 'ssh_config')}`,
      })
      return {sysadminPassword}
    },
    wait: {timeoutMs: 120_000, intervalMs: 250, signal: context.signal},
    reporter: {
      validated: (validation) =>
        context.step(`Validate the file offline: dcm subcloud validate ${path.basename(valuesFile)}`, [
          `${validation.name}: no errors, ${validation.warnings.length} warning(s); nothing was sent yet`,
        ]),
      added: (subcloud) =>
        context.step(
          `Add the subcloud: dcm subcloud add --bootstrap-address 10.10.10.12 --bootstrap-values ${path.basename(valuesFile)} --wait`,
          [`accepted: id ${subcloud.id}, deploy status ${subcloud['deploy-status']}`],
        ),
      deployProgress: (progress) => {
        if (!progress.changed) return
        const step = progress.step ? ` (step ${progress.step} of ${progress.steps})` : ''
        context.emit({kind: 'progress', line: `${progress.name}: ${progress.status}${step}`})
      },
    },
  })
  if (result.kind === 'dry-run') throw new Error('demo scenario: the add was a dry run')
  context.step('The bootstrap completed')
  return result.subcloud
}

/** On the subcloud (its own sysinv, region = the subcloud's region name): the route to the System Controller. */
export async function addRoute(context: DemoContext, added: Subcloud): Promise<boolean> {
  const region = added['region-name']
  try {
    const {resolveAuthConfig} = await import('../../core/api/auth-config.js')
    const {openSession} = await import('../../core/api/connect.js')
    const {sysinvFor, addHostRoute} = await import('../../core/sysinv/host-routes.js')
    // A shell on the subcloud: its own region, and a fresh token whose catalog lists the new region.
    const subcloudConfig = await resolveAuthConfig({noCache: true}, {...context.env, OS_REGION_NAME: region})
    const sysinv = await sysinvFor(openSession(subcloudConfig), region)
    const {route} = await addHostRoute(sysinv, {
      host: 'controller-0',
      interfaceRef: 'enp0s8',
      route: {network: '192.168.204.0', prefix: 24, gateway: '192.168.101.1', metric: 1},
    })
    context.step('On the subcloud: dcm host-route-add controller-0 enp0s8 192.168.204.0 24 192.168.101.1', [
      `route ${route.uuid} created through the subcloud's sysinv (region ${region})`,
    ])
    return true
  } catch (error) {
    context.emit({
      kind: 'note',
      line: `Could not add the host route through sysinv (${(error as Error).message}); the subcloud stays offline.`,
    })
    return false
  }
}

/** Online once routed, then managed, then in sync. */
export async function manageWhenOnline(context: DemoContext, added: Subcloud): Promise<void> {
  const {client} = context
  const online = await pollUntil(
    () => client.subclouds.get(added.name),
    (subcloud) => subcloud['availability-status'] === 'online',
  )
  if (online['availability-status'] !== 'online') {
    throw new OperationError(`${added.name} did not come online after its route was added`)
  }
  context.emit({kind: 'list', subclouds: await client.subclouds.list()})
  await client.subclouds.update(
    added.name,
    [{name: 'management-state', value: 'managed'}],
    `Unable to manage subcloud ${added.name}`,
  )
  context.step(`Manage it: dcm subcloud manage ${added.name}`)
  await pollUntil(() => client.subclouds.get(added.name), isInSync)
}

/** The lab answers within a second or two; 30 s, polled every 100 ms, is ample. Returns the last value. */
async function pollUntil<T>(fetch: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000
  let value = await fetch()
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    value = await fetch()
  }
  return value
}

function isInSync(subcloud: Subcloud): boolean {
  return (subcloud.endpoint_sync_status ?? []).every((status) => status.sync_status === 'in-sync')
}

/** B's template when it is installed (the file `dcm subcloud template` prints), else the same values inline. */
export async function demoBootstrapValues(): Promise<string> {
  try {
    const {renderSubcloudTemplate} = await import('../../core/overrides/template.js')
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
