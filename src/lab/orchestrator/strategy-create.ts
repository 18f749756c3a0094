import {kubeRootcaRefusal, type OrchestrationSubcloud, selectSubclouds} from '../../core/orchestration/eligibility.js'
import {boolParamRefusal, resolveParallelism} from '../../core/orchestration/stages.js'
import {isStrategyType, majorReleaseOf, type StrategyType} from '../../core/orchestration/strategy-types.js'
import {WebobError} from '../http/webob-error.js'
import type {LabStore} from '../lab-store.js'
import type {SubcloudRecord} from '../dcmanager/subcloud-model.js'

/**
 * POST /sw-update-strategy (orchestration.md §3): the API's validation (400s, §3.1) then the orchestrator's
 * checks (422 `Unable to create strategy of type '<t>': Bad strategy request: <msg>`, §3.2), in upstream order.
 * Returns what the orchestrator writes: the strategy fields and the selected subclouds; nothing is stored here.
 */
export interface CreatePlan {
  type: StrategyType
  subcloudApplyType: string | null
  maxParallelSubclouds: number
  stopOnFailure: boolean
  extraArgs: Record<string, unknown> | null
  subclouds: OrchestrationSubcloud[]
}

export interface CreateContext {
  store: LabStore
  /** The System Controller's release (MM.mm). */
  systemControllerVersion: string
  /** Releases the System Controller has deployed (MM.mm or release ids). */
  releases: string[]
  /** The type of the strategy row, if one exists. */
  existingType: StrategyType | undefined
}

const bad = (message: string) => new WebobError(400, message)

export function planStrategyCreate(payload: Record<string, unknown>, context: CreateContext): CreatePlan {
  // §3.1 step 2: validate_strategy_payload (before the type check, so `For None strategy` can appear).
  const parallelism = resolveParallelism(payload, (ref) => context.store.findGroup(ref))
  if (!parallelism.ok) throw bad(parallelism.message)
  const type = payload.type
  if (!type) throw bad('type required')
  if (!isStrategyType(type)) throw bad('type invalid')
  if (type === 'sw-deploy') validateSoftwareStrategy(payload, context)
  let prestageVersion: string | undefined
  if (type === 'prestage') prestageVersion = validatePrestageRequest(payload, context)
  const stopOnFailure = payload['stop-on-failure']
  if (stopOnFailure !== undefined && stopOnFailure !== null && stopOnFailure !== 'true' && stopOnFailure !== 'false')
    throw bad('stop-on-failure invalid')

  // §3.2: the orchestrator's checks, each a 422.
  const refuse = (message: string) =>
    new WebobError(422, `Unable to create strategy of type '${type}': Bad strategy request: ${message}`)
  if (context.existingType) throw refuse(`Strategy of type: '${context.existingType}' already exists`)
  const force = payload.force === 'true'
  const extraArgs = buildExtraArgs(type, payload, prestageVersion)
  const cloudName = truthyString(payload.cloud_name)
  const subclouds = context.store.subclouds.map(orchestrationView)
  // Check 5 (kube-rootca extra args) sits between the unknown-sync check and the empty selection.
  const selection = selectSubclouds(
    type,
    subclouds,
    {cloudName, groupId: parallelism.groupId},
    {force, withPrestage: type === 'sw-deploy' && pyTruthy(payload.with_prestage)},
  )
  if (!selection.ok && selection.message !== 'Strategy has no steps to apply') throw refuse(selection.message)
  if (type === 'kube-rootca-update') {
    const refusal = kubeRootcaRefusal(extraArgs ?? {})
    if (refusal) throw refuse(refusal)
  }
  if (!selection.ok) throw refuse(selection.message)
  return {
    type,
    subcloudApplyType: parallelism.applyType,
    maxParallelSubclouds: parallelism.maxParallel,
    stopOnFailure: stopOnFailure === 'true',
    extraArgs,
    subclouds: selection.subclouds,
  }
}

export function orchestrationView(record: SubcloudRecord): OrchestrationSubcloud {
  return {
    id: record.id,
    name: record.name,
    managementState: record.managementState,
    availabilityStatus: record.availabilityStatus,
    deployStatus: record.deployStatus,
    prestageStatus: record.prestageStatus,
    backupStatus: record.backupStatus,
    groupId: record.groupId,
    endpointSync: record.endpointSyncStatus,
  }
}

function pyTruthy(value: unknown): boolean {
  return !(value === undefined || value === null || value === false || value === 0 || value === '')
}

function truthyString(value: unknown): string | undefined {
  return pyTruthy(value) ? String(value) : undefined
}

/** `validate_software_strategy` (§3.1 step 4). */
function validateSoftwareStrategy(payload: Record<string, unknown>, context: CreateContext): void {
  for (const name of ['snapshot', 'rollback', 'with_delete', 'delete_only', 'with_prestage', 'cleanup', 'delete']) {
    const refusal = boolParamRefusal(name, payload[name])
    if (refusal) throw bad(refusal)
  }
  // The deprecated names merge into the current ones and are not stored.
  if (pyTruthy(payload.with_delete)) payload.delete = true
  if (pyTruthy(payload.delete_only)) payload.cleanup = true
  const {release_id: releaseId, snapshot, rollback, cleanup, delete: del, with_prestage: withPrestage} = payload
  const kubeUpgrade = payload.kube_upgrade
  if (pyTruthy(payload.sysadmin_password) && !pyTruthy(withPrestage))
    throw bad('The with_prestage option is required when using sysadmin_password')
  if (!(pyTruthy(rollback) || pyTruthy(cleanup))) {
    if (!pyTruthy(releaseId)) throw bad('Release ID is required for strategy type: sw-deploy.')
    if (!releaseDeployed(String(releaseId), context))
      throw bad(`Release ID: ${String(releaseId)} not found or not deployed in the SystemController`)
  }
  if (pyTruthy(snapshot) && (pyTruthy(rollback) || pyTruthy(cleanup)))
    throw bad('Option snapshot cannot be used with any of the following options: rollback or cleanup.')
  if (pyTruthy(del) && (pyTruthy(rollback) || pyTruthy(cleanup)))
    throw bad('Option delete cannot be used with any of the following options: rollback or cleanup.')
  if (
    pyTruthy(rollback) &&
    (pyTruthy(releaseId) || pyTruthy(cleanup) || pyTruthy(kubeUpgrade) || pyTruthy(withPrestage))
  )
    throw bad(
      'Option rollback cannot be used with any of the following options: release_id, cleanup, kube_upgrade or with_prestage.',
    )
  if (pyTruthy(cleanup) && (pyTruthy(releaseId) || pyTruthy(withPrestage) || pyTruthy(kubeUpgrade)))
    throw bad(
      'Option cleanup cannot be used with any of the following options: release_id, with_prestage or kube_upgrade.',
    )
  if (pyTruthy(withPrestage)) validateSysadminPassword(payload)
}

/** A release id is deployed on the lab's System Controller when its MM.mm (or itself) is one of its releases. */
function releaseDeployed(releaseId: string, context: CreateContext): boolean {
  const major = majorReleaseOf(releaseId)
  return context.releases.some((release) => release === releaseId || (major !== undefined && release === major))
}

/** `validate_sysadmin_password` (without rewriting the payload): present and base64 of UTF-8 text. */
function validateSysadminPassword(payload: Record<string, unknown>): void {
  const password = payload.sysadmin_password
  if (!pyTruthy(password)) throw bad('subcloud sysadmin_password required')
  // Python's b64decode drops characters outside the alphabet, then needs correct padding and UTF-8 text.
  const cleaned = String(password).replace(/[^A-Za-z0-9+/=]/g, '')
  const decoded = Buffer.from(cleaned, 'base64')
  const utf8 = new TextDecoder('utf-8', {fatal: true})
  let valid = cleaned.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(cleaned)
  try {
    utf8.decode(decoded)
  } catch {
    valid = false
  }
  if (!valid) throw bad('Failed to decode subcloud sysadmin_password, verify the password is base64 encoded')
}

/** §3.1 step 5 for prestage: the validated MM.mm release (the order of its messages as upstream). */
function validatePrestageRequest(payload: Record<string, unknown>, context: CreateContext): string {
  const forSwDeploy = payload.for_sw_deploy === 'true' || payload.for_sw_deploy === true
  const requested = payload.release
  let message: string | undefined
  let version: string | undefined
  if (pyTruthy(requested) && !/^\d{2}\.\d{2}$/.test(String(requested))) {
    message = 'Specified release format is not supported. Version format must be MM.mm.'
  } else {
    version = pyTruthy(requested) ? String(requested) : context.systemControllerVersion
    const known = new Set([context.systemControllerVersion, ...context.releases.map((r) => majorReleaseOf(r) ?? r)])
    if (!forSwDeploy && version !== context.systemControllerVersion && !known.has(version)) {
      // Raised at once by the upgrade-metadata lookup, before the password checks.
      const supported = [...known].filter((release) => release !== context.systemControllerVersion)
      throw bad(
        `Error: invalid release version parameter. ${version} is not a supported release version (${supported.join(',')})`,
      )
    }
    if (forSwDeploy && version < '24.09')
      message = 'The requested software version is not supported, cannot prestage for software deploy.'
    else if (forSwDeploy && !known.has(version))
      message =
        'The requested software version not found or not deployed in the system controller, cannot prestage for software deploy.'
  }
  validateSysadminPassword(payload)
  if (message || !version) throw bad(message ?? 'The requested release is not ready to be installed.')
  return version
}

/** extra-args as stored (§3.5). */
function buildExtraArgs(
  type: StrategyType,
  payload: Record<string, unknown>,
  prestageVersion: string | undefined,
): Record<string, unknown> | null {
  const value = (key: string, fallback: unknown) => (payload[key] === undefined ? fallback : payload[key])
  switch (type) {
    case 'sw-deploy': {
      const args: Record<string, unknown> = {
        cleanup: value('cleanup', false),
        kube_upgrade: value('kube_upgrade', null),
        release_id: value('release_id', null),
        rollback: value('rollback', false),
        snapshot: value('snapshot', false),
        sysadmin_password: value('sysadmin_password', null),
        with_prestage: value('with_prestage', false),
        delete: value('delete', false),
      }
      if (pyTruthy(args.with_prestage)) {
        args.for_sw_deploy = true
        args.force = false
        args['prestage-software-version'] = majorReleaseOf(String(args.release_id)) ?? null
      }
      return args
    }
    case 'prestage':
      return {
        sysadmin_password: payload.sysadmin_password,
        force: payload.force === 'true',
        'prestage-software-version': prestageVersion,
        for_sw_deploy: payload.for_sw_deploy === 'true' || payload.for_sw_deploy === true,
      }
    case 'kubernetes': {
      const version = payload['to-version']
      return {
        'to-version': pyTruthy(version) ? (String(version).startsWith('v') ? version : `v${String(version)}`) : null,
      }
    }
    case 'kube-rootca-update':
      return {'expiry-date': value('expiry-date', null), subject: value('subject', null)}
    case 'firmware':
      return null
  }
}
