import {randomBytes} from 'node:crypto'

import type {Subcloud} from '../../core/api/dcmanager-types.js'
import type {SubcloudWatch} from '../../core/flows/wait-for-subclouds.js'
import {base64Password, type FormField} from '../../core/api/multipart.js'
import {OperationError} from '../../core/errors.js'
import {registerSecret} from '../../core/secrets.js'
import type {DemoContext, DemoScenario, DemoStep} from '../demo.js'
import {authenticateStep} from '../demo-steps.js'
import {addRoute, demoBootstrapValues, manageWhenOnline} from './add-subcloud.js'

/**
 * `dcm lab demo --scenario recovery`: day 2 of a subcloud. A phased deploy whose bootstrap fails at a named
 * task, `subcloud deploy resume` completing it; then a backup, and a restore from it. The lab deploys with its
 * simulated deployer (the failure is a one-shot fault, as `dcm lab subcloud set --fail-deploy-at` injects);
 * every request goes through dcm's own Keystone session and dcmanager request layer, as the commands send them.
 */
const NAME = 'subcloud1'
const ADDRESS = '10.10.10.12'
const FAILED_TASK = 'bootstrap/prepare-env : Fail if the local registry cannot be reached'

export const recoveryScenario: DemoScenario = {
  name: 'recovery',
  steps: () => {
    const run: {password: string} = {password: randomBytes(12).toString('base64url')}
    registerSecret(run.password)
    const sysadmin = (): FormField => ({name: 'sysadmin_password', value: base64Password(run.password)})
    const steps: DemoStep[] = [
      startSimulatedLab,
      authenticateStep,
      async (context) => {
        const created = await context.client.http.form<Subcloud>(
          'POST',
          '/phased-subcloud-deploy/',
          'Unable to create subcloud',
          [
            {name: 'bootstrap_values', value: await demoBootstrapValues(), filename: 'subcloud1.yaml'},
            {name: 'bootstrap-address', value: ADDRESS},
          ],
          ['deploy-status'],
        )
        context.step(
          `Create it: dcm subcloud deploy create --bootstrap-address ${ADDRESS} --bootstrap-values subcloud1.yaml`,
          [`deploy status ${created['deploy-status']} (answered once the create is over)`],
        )
      },
      async (context) => {
        // The fault a broken registry would cause, injected once (dcm lab subcloud set --fail-deploy-at).
        const record = context.lab.store.subcloudByName(NAME)
        if (!record) throw new OperationError(`${NAME} is not in the lab`)
        context.lab.store.updateSubcloud(record.id, {deployFault: {state: 'bootstrapping', reason: FAILED_TASK}})
        const before = await context.client.subclouds.get(NAME)
        await phase(context, 'bootstrap', [sysadmin()], `Unable to bootstrap subcloud ${NAME}`)
        context.step(`Bootstrap it: dcm subcloud deploy bootstrap ${NAME} --wait`)
        // The wait `--wait` runs ends in exit 1 here: the failure this scenario is about.
        const failure = await followPhase(context, 'bootstrap', before).then(
          () => undefined,
          (error: unknown) => error,
        )
        if (!(failure instanceof OperationError)) throw new OperationError(`${NAME} was expected to fail its bootstrap`)
        context.emit({kind: 'progress', line: `exit 1: ${failure.message}`})
        const failed = await context.client.subclouds.get(NAME)
        const task = /FAILED TASK: TASK \[([^\]]+)\]/.exec(failed['error-description'])?.[1] ?? '?'
        context.step('The bootstrap failed at a named task: dcm subcloud errors subcloud1', [
          `deploy status ${failed['deploy-status']}, failed task: ${task}`,
        ])
      },
      async (context) => {
        const before = await context.client.subclouds.get(NAME)
        const resumed = await phase(context, 'resume', [sysadmin()], `Unable to resume subcloud ${NAME}`)
        context.step(`Fix the cause, then resume: dcm subcloud deploy resume ${NAME} --wait`, [
          `answered ${resumed['deploy-status']}; the bootstrap runs again, then deploy complete (no deploy config)`,
        ])
        await followPhase(context, 'resume', before)
      },
      async (context) => {
        const subcloud = await context.client.subclouds.get(NAME)
        if (!(await addRoute(context, subcloud))) throw new OperationError('the route to the System Controller failed')
        await manageWhenOnline(context, subcloud)
      },
      async (context) => {
        const before = await context.client.subclouds.get(NAME)
        await context.client.http.form('POST', '/subcloud-backup/', 'Unable to create subcloud backup', [
          {name: 'subcloud', value: NAME},
          {name: 'local_only', value: 'false'},
          {name: 'registry_images', value: 'false'},
          sysadmin(),
        ])
        context.step(`Back it up: dcm subcloud-backup create --subcloud ${NAME} --wait`)
        const {backupCreateWatch} = await import('../../core/subclouds/day2-states.js')
        const backedUp = await followOperation(context, backupCreateWatch, before)
        context.step('The backup is stored centrally on the System Controller', [
          `backup status ${backedUp['backup-status']}, taken ${backedUp['backup-datetime']}`,
        ])
      },
      async (context) => {
        await context.client.subclouds.update(
          NAME,
          [{name: 'management-state', value: 'unmanaged'}],
          `Unable to unmanage subcloud ${NAME}`,
        )
        context.step(`Unmanage it for the restore: dcm subcloud unmanage ${NAME}`)
        const before = await context.client.subclouds.get(NAME)
        await context.client.http.form('PATCH', '/subcloud-backup/restore', 'Unable to restore subcloud backup', [
          {name: 'subcloud', value: NAME},
          ...['with_install', 'local_only', 'registry_images', 'auto', 'factory'].map((name) => ({
            name,
            value: 'false',
          })),
          sysadmin(),
        ])
        context.step(`Restore it from the backup: dcm subcloud-backup restore --subcloud ${NAME} --wait`)
        const {restoreWatch} = await import('../../core/subclouds/day2-states.js')
        await followOperation(context, restoreWatch, before)
        await manageWhenOnline(context, await context.client.subclouds.get(NAME))
        const subcloud = await context.client.subclouds.get(NAME, {detail: true})
        context.subcloud = subcloud
        context.emit({kind: 'show', subcloud})
      },
    ]
    return steps
  },
}

/** The lab with the simulated deployer: the scenario's failure is a fault of the lab, not of a host. */
async function startSimulatedLab(context: DemoContext): Promise<void> {
  const {ensureAdminPassword} = await import('../lab-files.js')
  const password = await ensureAdminPassword(context.dataDir)
  registerSecret(password)
  context.adminPassword = password
  const {startLab} = await import('../lab-server.js')
  context.lab = await startLab({
    dataDir: context.dataDir,
    adminPassword: password,
    timeScale: context.timeScale,
    deployer: 'simulated',
  })
  context.step('Start a local System Controller (dcm lab)', [
    `Keystone and the dcmanager API listen on ${context.lab.url} (loopback only), state in ${context.dataDir}`,
    'deployer: simulated (timed phases; nothing leaves this machine)',
  ])
}

function phase(context: DemoContext, verb: string, fields: FormField[], errorContext: string): Promise<Subcloud> {
  return context.client.http.form<Subcloud>('PATCH', `/phased-subcloud-deploy/${NAME}/${verb}`, errorContext, fields, [
    'deploy-status',
  ])
}

/** A deploy phase followed as `subcloud deploy <phase> --wait` follows it, one progress line per change. */
async function followPhase(context: DemoContext, command: 'bootstrap' | 'resume', before: Subcloud): Promise<Subcloud> {
  const {waitForPhase} = await import('../../core/flows/wait-for-phase.js')
  return waitForPhase(context.client, command, NAME, {
    before,
    timeoutMs: 120_000,
    intervalMs: 100,
    signal: context.signal,
    onProgress: (progress) => {
      if (progress.changed) context.emit({kind: 'progress', line: `${NAME}: deploy-status ${progress.status}`})
    },
  })
}

/** A backup or restore followed as `subcloud-backup create|restore --wait` follows it; a failure is exit 1. */
async function followOperation(context: DemoContext, watch: SubcloudWatch, before: Subcloud): Promise<Subcloud> {
  const {operationFailed, waitForSubclouds} = await import('../../core/flows/wait-for-subclouds.js')
  const [result] = await waitForSubclouds(context.client, [before], watch, {
    timeoutMs: 120_000,
    intervalMs: 100,
    signal: context.signal,
    onProgress: (progress) => {
      if (progress.changed)
        for (const {name, state} of progress.states)
          context.emit({kind: 'progress', line: `${name}: ${watch.field} ${state}`})
    },
  })
  if (result.outcome !== 'done') throw operationFailed(watch, result.subcloud)
  return result.subcloud
}
