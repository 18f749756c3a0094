import type {LabRequest, LabResponse} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import type {DeployPhase} from '../deploy/deploy-phases.js'
import {type DcmanagerContext, type DcmanagerFamily, json, readForm, subcloudOr404, toApi} from './dcmanager-http.js'
import {recordFromAdd, validateSubcloudAdd} from './subcloud-add-validation.js'
import {
  applyBootstrapValues,
  type BootstrapValues,
  bootstrapFields,
  bootstrapValues,
  deployConfig,
  installValues,
  readPhaseForm,
  startPhases,
} from './deploy-inputs.js'
import {missingDeployFiles} from './subcloud-deploy-files.js'
import {NO_ERRORS, type SubcloudRecord} from './subcloud-model.js'
import {transientReason} from './subcloud-update.js'
import {supportedRelease} from './release-check.js'

/**
 * `/v1.0/phased-subcloud-deploy` (dcmanager-api.md §2.4, subcloud-lifecycle.md §2): create, then each phase on
 * its own (install, bootstrap, configure, complete), abort, resume and enroll, with upstream's accepted states,
 * checks in its order and texts. The phases run in the lab's deploy runner (deploy-runner.ts).
 */
const INSTALL_STATES = [
  'create-complete',
  'pre-install-failed',
  'install-failed',
  'install-complete',
  'install-aborted',
]
const BOOTSTRAP_STATES = [
  'install-complete',
  'pre-bootstrap-failed',
  'bootstrap-failed',
  'bootstrap-aborted',
  'bootstrap-complete',
  'create-complete',
]
const CONFIG_STATES = [
  'complete',
  'pre-config-failed',
  'config-failed',
  'bootstrap-complete',
  'enroll-complete',
  'config-aborted',
]
const COMPLETE_STATES = ['bootstrap-complete', 'enroll-complete']
const ABORT_STATES = ['installing', 'bootstrapping', 'configuring']
const ENROLL_STATES = [
  'create-complete',
  'enroll-failed',
  'pre-enroll-failed',
  'pre-init-enroll-failed',
  'init-enroll-failed',
  'factory-restore-complete',
]
type Phase = 'install' | 'bootstrap' | 'config'
/** §2.4: the phases resume considers, by state, in upstream's order of states. */
const RESUMABLE: Record<string, Phase[]> = {
  'create-complete': ['install', 'bootstrap', 'config'],
  'install-complete': ['bootstrap', 'config'],
  'pre-install-failed': ['install', 'bootstrap', 'config'],
  'install-failed': ['install', 'bootstrap', 'config'],
  'install-aborted': ['install', 'bootstrap', 'config'],
  'bootstrap-complete': ['config'],
  'pre-bootstrap-failed': ['bootstrap', 'config'],
  'bootstrap-failed': ['bootstrap', 'config'],
  'bootstrap-aborted': ['bootstrap', 'config'],
  'pre-config-failed': ['config'],
  'config-failed': ['config'],
  'config-aborted': ['config'],
}
const PHASE_FILE: Record<Phase, string> = {
  install: 'install_values',
  bootstrap: 'bootstrap_values',
  config: 'deploy_config',
}

export const phasedDeployRoutes: DcmanagerFamily = (context) => [
  {method: 'POST', path: '/v1.0/phased-subcloud-deploy', handler: (request) => createSubcloud(context, request)},
  {
    method: 'PATCH',
    path: '/v1.0/phased-subcloud-deploy',
    handler: (): LabResponse => {
      throw new WebobError(400, 'Subcloud ID required')
    },
  },
  {
    method: 'PATCH',
    path: '/v1.0/phased-subcloud-deploy/:subcloud/:verb',
    handler: (request, {subcloud, verb}) => {
      const record = subcloudOr404(context.store, subcloud)
      const handler = VERBS[verb]
      if (!handler) throw new WebobError(400, 'Invalid request')
      return handler(context, request, record)
    },
  },
]

type VerbHandler = (context: DcmanagerContext, request: LabRequest, record: SubcloudRecord) => Promise<LabResponse>

const VERBS: Record<string, VerbHandler> = {
  abort: (context, request, record) => abortDeploy(context, record),
  resume: resumeDeploy,
  install: installSubcloud,
  bootstrap: bootstrapSubcloud,
  configure: configureSubcloud,
  complete: (context, request, record) => completeDeploy(context, record),
  enroll: enrollSubcloud,
}

const bad = (detail: string): WebobError => new WebobError(400, detail)

function mustBeIn(record: SubcloudRecord, states: string[], message: string): void {
  if (!states.includes(record.deployStatus)) throw bad(`${message}${states.join(', ')}`)
}

const initialDeployment = (record: SubcloudRecord): boolean => record.initialDeployment !== false

// ---- create ----

/** §2.2 create: the add checks without the password, then `creating` -> `create-complete` before the reply. */
async function createSubcloud(context: DcmanagerContext, request: LabRequest): Promise<LabResponse> {
  const parts = readForm(request, false)
  const missing = ['bootstrap_values', 'bootstrap-address'].filter((name) => !parts.has(name))
  if (missing.length > 0) throw bad(`Missing required parameter(s): ${missing.join(', ')}`)
  const {store} = context
  const valid = await validateSubcloudAdd(parts, {
    store,
    systemController: context.systemController,
    releases: context.releases,
    withoutPassword: true,
    missingDeployFiles: (release) => missingDeployFiles(store, release),
  })
  const record = recordFromAdd(store.allocateSubcloudId(), valid)
  store.insertSubcloud(record)
  context.runner.rememberBootstrapValues(record.id, valid.bootstrapValues)
  // Upstream's manager answers the RPC call once the create is over: the reply shows the final state.
  store.updateSubcloud(record.id, {deployStatus: 'creating'})
  store.updateSubcloud(record.id, {deployStatus: 'create-complete'})
  await store.persist()
  return json(toApi(record))
}

// ---- install ----

async function installSubcloud(
  context: DcmanagerContext,
  request: LabRequest,
  record: SubcloudRecord,
): Promise<LabResponse> {
  const form = readPhaseForm(request)
  const install = await form.yaml('install_values')
  if (form.parts.size === 0) throw bad('Body required')
  mustBeIn(record, INSTALL_STATES, 'Subcloud deploy status must be either: ')
  if (!initialDeployment(record)) throw bad('The deploy install command can only be used during initial deployment.')
  const release = supportedRelease(form.field('release') ?? record.softwareVersion, context)
  const dataInstall = installValues(record, install, form, release)
  const password = form.password()
  context.store.updateSubcloud(record.id, {
    deployStatus: 'pre-install',
    softwareVersion: release,
    dataInstall,
    errorDescription: NO_ERRORS,
  })
  await context.store.persist()
  const answer = json(toApi(record))
  startPhases(context, record, ['install'], password)
  return answer
}

// ---- bootstrap ----

async function bootstrapSubcloud(
  context: DcmanagerContext,
  request: LabRequest,
  record: SubcloudRecord,
): Promise<LabResponse> {
  mustBeIn(record, BOOTSTRAP_STATES, 'Subcloud deploy status must be either: ')
  const form = readPhaseForm(request)
  const values = await bootstrapValues(context, record, form)
  const password = form.password()
  const answer = json({...toApi(record), ...bootstrapFields(record, values.parsed), 'deploy-status': 'pre-bootstrap'})
  applyBootstrapValues(context, record, values)
  await context.store.persist()
  startPhases(context, record, ['bootstrap'], password, {
    bootstrapValues: values.text,
    address: form.field('bootstrap-address'),
  })
  return answer
}

// ---- config, complete, abort ----

async function configureSubcloud(
  context: DcmanagerContext,
  request: LabRequest,
  record: SubcloudRecord,
): Promise<LabResponse> {
  const form = readPhaseForm(request)
  if (form.parts.size === 0) throw bad('Body required')
  mustBeIn(record, CONFIG_STATES, 'Subcloud deploy status must be ')
  const busy = transientReason(record)
  if (busy) throw new WebobError(409, busy)
  const configName = deployConfig(context, record, form)
  const missing = missingDeployFiles(context.store, record.softwareVersion)
  if (missing.length > 0) throw bad(`Missing required deploy files: ${missing.join(', ')}`)
  const password = form.password()
  context.store.updateSubcloud(record.id, {deployConfigName: configName, hasDeployConfig: true})
  await context.store.persist()
  const answer = json({...toApi(record), 'deploy-status': 'pre-config'})
  startPhases(context, record, ['config'], password)
  return answer
}

async function completeDeploy(context: DcmanagerContext, record: SubcloudRecord): Promise<LabResponse> {
  if (!COMPLETE_STATES.includes(record.deployStatus)) {
    throw bad(`Subcloud deploy can only be completed when its deploy status is: ${COMPLETE_STATES.join(', ')}`)
  }
  context.store.updateSubcloud(record.id, {deployStatus: 'complete', errorDescription: NO_ERRORS})
  await context.store.persist()
  return json(toApi(record))
}

async function abortDeploy({store, runner}: DcmanagerContext, record: SubcloudRecord): Promise<LabResponse> {
  mustBeIn(record, ABORT_STATES, 'Subcloud deploy status must be in one of the following states: ')
  if (!initialDeployment(record) || !runner.abort(record.id)) {
    throw bad('The subcloud can only be aborted during initial deployment.')
  }
  // The answer shows `aborting-<phase>` (§2.5), even if the phase stops at once.
  const answer = json(toApi(record))
  await store.persist()
  return answer
}

// ---- resume ----

async function resumeDeploy(
  context: DcmanagerContext,
  request: LabRequest,
  record: SubcloudRecord,
): Promise<LabResponse> {
  const base = RESUMABLE[record.deployStatus]
  if (!base) throw bad(`Subcloud deploy status must be either: ${Object.keys(RESUMABLE).join(', ')}`)
  if (!initialDeployment(record)) throw bad('The subcloud can only be resumed during initial deployment.')
  const form = readPhaseForm(request)
  const hasConfig = Boolean(record.deployConfigName) || form.has('deploy_config')
  const hasInstall = Boolean(record.dataInstall) || form.has('install_values')
  if (base.length === 1 && base[0] === 'config' && !hasConfig) {
    throw bad(
      "Only deploy phase left is deploy config. Required deploy_config file was not provided and it was not previously available. If manually configuring the subcloud, please run 'dcmanager subcloud deploy complete'",
    )
  }
  const phases: DeployPhase[] = []
  for (const phase of base) {
    if (phase === 'install' && !hasInstall) continue
    phases.push(phase === 'config' && !hasConfig ? 'complete' : phase)
  }
  // §2.4 item 5: a file of a phase already done.
  for (const done of (['install', 'bootstrap', 'config'] as Phase[]).filter((phase) => !base.includes(phase))) {
    if (form.has(PHASE_FILE[done])) {
      const title = done.charAt(0).toUpperCase() + done.slice(1)
      throw bad(`${title} was already executed and ${PHASE_FILE[done].replace('_', '-')} is not required`)
    }
  }
  const release = phases.includes('install')
    ? supportedRelease(form.field('release') ?? record.softwareVersion, context)
    : record.softwareVersion
  const password = form.password()
  let dataInstall = record.dataInstall
  if (phases.includes('install')) dataInstall = installValues(record, await form.yaml('install_values'), form, release)
  let values: BootstrapValues | undefined
  if (phases.includes('bootstrap')) values = await bootstrapValues(context, record, form)
  if (phases.includes('config')) {
    deployConfig(context, record, form)
    const missing = missingDeployFiles(context.store, release)
    if (missing.length > 0) throw bad(`Missing required deploy files: ${missing.join(', ')}`)
  }
  const answer = json({
    ...toApi(record),
    ...(values ? bootstrapFields(record, values.parsed) : {}),
    // §2.4 item 8: the first phase of the base list, not of the phases that will run.
    'deploy-status': `pre-${base[0]}`,
    'software-version': release,
  })
  context.store.updateSubcloud(record.id, {softwareVersion: release, dataInstall})
  if (values) applyBootstrapValues(context, record, values)
  await context.store.persist()
  startPhases(context, record, phases, password, {
    bootstrapValues: values?.text,
    address: form.field('bootstrap-address'),
  })
  return answer
}

// ---- enroll ----

async function enrollSubcloud(
  context: DcmanagerContext,
  request: LabRequest,
  record: SubcloudRecord,
): Promise<LabResponse> {
  mustBeIn(record, ENROLL_STATES, 'Subcloud deploy status must be either: ')
  const form = readPhaseForm(request)
  const values = await bootstrapValues(context, record, form)
  const install = await form.yaml('install_values')
  if (!install && !record.dataInstall) throw bad('Failed to read data install from db')
  const release = supportedRelease(form.field('release') ?? record.softwareVersion, context)
  const dataInstall = install ? installValues(record, install, form, release) : record.dataInstall
  if (!dataInstall) throw bad('Install values is necessary for subcloud enrollment')
  if (form.has('cloud_init_config')) {
    throw new WebobError(422, 'Enrollment with a cloud-init config is not supported by the dcm lab System Controller')
  }
  const password = form.password()
  const answer = json({
    ...toApi(record),
    ...bootstrapFields(record, values.parsed),
    'deploy-status': 'pre-init-enroll',
    'software-version': release,
  })
  context.store.updateSubcloud(record.id, {softwareVersion: release, dataInstall, initialDeployment: false})
  applyBootstrapValues(context, record, values)
  await context.store.persist()
  startPhases(context, record, ['enroll'], password, {bootstrapValues: values.text})
  return answer
}

// ---- running the phases ----
