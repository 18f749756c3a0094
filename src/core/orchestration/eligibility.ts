import {type StrategyDeclaration, strategyDeclaration, type StrategyType, type SyncStatus} from './strategy-types.js'
import {transientReason} from '../subclouds/transient-state.js'

/**
 * Which subclouds a strategy takes (orchestration.md §3.2, §3.3): the orchestrator's create pipeline as pure
 * rules over a list of subclouds, so the lab creates steps and `create --dry-run` predicts them the same way.
 */
export interface OrchestrationSubcloud {
  id: number
  name: string
  managementState: string
  availabilityStatus: string
  deployStatus: string
  prestageStatus: string | null
  /** Absent where the caller does not know it (a backup under way then does not count). */
  backupStatus?: string | null
  groupId: number
  /** Sync status per endpoint type; a missing endpoint counts as `unknown`. */
  endpointSync: Readonly<Record<string, string>>
}

/** The subcloud as the dcmanager API returns it (list responses carry `endpoint_sync_status`). */
export interface ApiSubcloudForOrchestration {
  id: number
  name: string
  'management-state': string
  'availability-status': string
  'deploy-status': string
  'prestage-status': string | null
  'backup-status'?: string | null
  group_id: number
  endpoint_sync_status?: Array<{endpoint_type: string; sync_status: string}>
}

export function fromApiSubcloud(subcloud: ApiSubcloudForOrchestration): OrchestrationSubcloud {
  return {
    id: subcloud.id,
    name: subcloud.name,
    managementState: subcloud['management-state'],
    availabilityStatus: subcloud['availability-status'],
    deployStatus: subcloud['deploy-status'],
    prestageStatus: subcloud['prestage-status'],
    backupStatus: subcloud['backup-status'],
    groupId: subcloud.group_id,
    endpointSync: Object.fromEntries(
      (subcloud.endpoint_sync_status ?? []).map((entry) => [entry.endpoint_type, entry.sync_status]),
    ),
  }
}

function syncOf(subcloud: OrchestrationSubcloud, endpoint: string): SyncStatus {
  return (subcloud.endpointSync[endpoint] as SyncStatus | undefined) ?? 'unknown'
}

/** Deploy states in which prestage may run (`initial_subcloud_validate`). */
const PRESTAGE_DEPLOY_STATES = new Set(['complete', 'sw-deploy-apply-strategy-failed'])
/** prestage-status values a new prestage may start from (null = never prestaged). */
const PRESTAGE_RESTART_STATES = new Set(['failed', 'complete'])

/**
 * The prestage initial check (`common/prestage.py::initial_subcloud_validate`): the first failing reason, or
 * undefined when the subcloud may be prestaged.
 */
export function prestageRefusal(subcloud: OrchestrationSubcloud): string | undefined {
  if (subcloud.availabilityStatus !== 'online') return 'Subcloud is offline.'
  if (subcloud.managementState !== 'managed') return 'Subcloud is not managed.'
  const busy = transientReason(subcloud)
  if (busy) return busy
  if (!PRESTAGE_DEPLOY_STATES.has(subcloud.deployStatus))
    return 'Prestage operation is not allowed when subcloud deploy is in progress.'
  if (subcloud.prestageStatus && !PRESTAGE_RESTART_STATES.has(subcloud.prestageStatus))
    return `Prestage operation is only allowed while subcloud prestage status is one of: failed, complete. The current prestage status is ${subcloud.prestageStatus}.`
  return undefined
}

/** `Prestage skipped '<name>': <reason>` (the named-subcloud refusal and the skip text of a step). */
export function prestageSkipText(name: string, reason: string): string {
  return `Prestage skipped '${name}': ${reason}`
}

export interface SelectionOptions {
  /** Only the exact string "true" counts (§3.1). */
  force: boolean
  /** sw-deploy with `with_prestage`: the prestage initial check applies to a named subcloud. */
  withPrestage?: boolean
}

/** The sync statuses a type selects (`build_sync_status_filter`); undefined = any status (prestage). */
export function syncFilter(type: StrategyType, force: boolean): ReadonlySet<SyncStatus> | undefined {
  if (type === 'prestage') return undefined
  if (type === 'kube-rootca-update' && force) return new Set(['in-sync', 'out-of-sync'])
  return new Set(['out-of-sync'])
}

/** Why a subcloud gets no step (§3.3), or undefined when it gets one. For `--dry-run` and the lab alike. */
export function ineligibility(
  type: StrategyType,
  subcloud: OrchestrationSubcloud,
  options: SelectionOptions,
): string | undefined {
  if (subcloud.managementState !== 'managed') return 'unmanaged'
  if (subcloud.availabilityStatus !== 'online') return 'offline'
  const declaration = strategyDeclaration(type)
  const filter = syncFilter(type, options.force)
  if (filter) {
    const status = syncOf(subcloud, declaration.endpoint)
    if (!filter.has(status)) return `${declaration.endpoint} ${status}`
  }
  if (type === 'prestage') return prestageRefusal(subcloud)
  return undefined
}

export interface CreateScope {
  /** `cloud_name`: only that subcloud. */
  cloudName?: string
  /** The resolved group's id (`subcloud_group`): only its subclouds. */
  groupId?: number
}

export type CreateSelection =
  | {ok: true; subclouds: OrchestrationSubcloud[]}
  | {ok: false; /** The orchestrator's BadRequest text (the 422's `<msg>`). */ message: string}

/**
 * The orchestrator's create checks 2-4 and 6 in order (§3.2; check 1, an existing strategy, and check 5,
 * kube-rootca's extra args, are the caller's): the selected subclouds in ascending id, or the first refusal.
 */
export function selectSubclouds(
  type: StrategyType,
  subclouds: readonly OrchestrationSubcloud[],
  scope: CreateScope,
  options: SelectionOptions,
): CreateSelection {
  const declaration = strategyDeclaration(type)
  let inScope: readonly OrchestrationSubcloud[] = subclouds
  if (scope.cloudName !== undefined) {
    const named = subclouds.find((subcloud) => subcloud.name === scope.cloudName)
    if (!named) return {ok: false, message: `Subcloud ${scope.cloudName} does not exist`}
    const refusal = namedSubcloudRefusal(declaration, named, options)
    if (refusal) return {ok: false, message: refusal}
    inScope = [named]
  } else if (scope.groupId !== undefined) {
    inScope = subclouds.filter((subcloud) => subcloud.groupId === scope.groupId)
  }
  if (declaration.blocksOnUnknownSync) {
    const unknown = inScope.some(
      (subcloud) =>
        subcloud.managementState === 'managed' &&
        subcloud.availabilityStatus === 'online' &&
        syncOf(subcloud, declaration.endpoint) === 'unknown',
    )
    if (unknown) return {ok: false, message: `${declaration.endpoint} sync status is unknown for one or more subclouds`}
  }
  const selected = inScope
    .filter((subcloud) => ineligibility(type, subcloud, options) === undefined)
    .sort((a, b) => a.id - b.id)
  if (selected.length === 0) return {ok: false, message: 'Strategy has no steps to apply'}
  return {ok: true, subclouds: selected}
}

/** Check 3 of §3.2: a named subcloud that cannot take part. */
function namedSubcloudRefusal(
  declaration: StrategyDeclaration,
  subcloud: OrchestrationSubcloud,
  options: SelectionOptions,
): string | undefined {
  if (declaration.type === 'prestage' || options.withPrestage) {
    const reason = prestageRefusal(subcloud)
    return reason ? prestageSkipText(subcloud.name, reason) : undefined
  }
  if (declaration.type === 'kube-rootca-update' && options.force) return undefined
  if (syncOf(subcloud, declaration.endpoint) === 'in-sync')
    return `Subcloud ${subcloud.name} does not require ${declaration.endpoint} update`
  return undefined
}

/**
 * kube-rootca-update's extra-args checks (§3.2 check 5, `validate_expiry_date` then
 * `validate_certificate_subject`): the refusal text or undefined. `now` is injectable for tests.
 */
export function kubeRootcaRefusal(
  extraArgs: {'expiry-date'?: unknown; subject?: unknown},
  now: Date = new Date(),
): string | undefined {
  const expiry = extraArgs['expiry-date']
  if (typeof expiry === 'string' && expiry !== '') {
    const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(expiry)
    const date = match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : undefined
    if (!date || date.getMonth() !== Number(match![2]) - 1 || date.getDate() !== Number(match![3]))
      return `expiry_date ${expiry} doesn't match format YYYY-MM-DD`
    // Python: delta.days (floored) * 24 + 24 must exceed 24 hours.
    const days = Math.floor((date.getTime() - now.getTime()) / 86_400_000)
    if (days * 24 + 24 <= 24) return 'New k8s rootCA should have at least 24 hours of validation before expiry.'
  }
  const subject = extraArgs.subject
  if (typeof subject === 'string' && subject !== '') {
    const supported = new Set(['C', 'OU', 'O', 'ST', 'CN', 'L'])
    const keys = [...subject.matchAll(/([^=]+=[^=]+)(?:\s|$)/g)].map((pair) => pair[1].split('=')[0])
    if (!keys.every((key) => supported.has(key)))
      return "There are parameters not supported for the certificate subject specification. The subject parameter has to be in the format of 'C=<Country> ST=<State/Province> L=<Locality> O=<Organization> OU=<OrganizationUnit> CN=<commonName>"
    if (!keys.includes('CN')) return 'The CN=<commonName> parameter is required to be specified in subject argument'
  }
  return undefined
}
