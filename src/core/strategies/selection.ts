import type {Subcloud, SubcloudGroup} from '../api/dcmanager-types.js'
import type {StrategyDeclaration} from '../api/strategies/declaration.js'

/**
 * The orchestrator's create pipeline as a pure function (orchestration.md §3.2-§3.4): the refusal the
 * server would answer, or the steps (ascending subcloud id) with their place in the apply window, and why
 * every other subcloud in scope gets no step.
 */
export interface PlannedStep {
  cloud: string
  /** 1 = in the first window started at apply; n = the n-th window's worth (slots refill as steps end). */
  stage: number
}

export interface StrategyPlan {
  type: string
  subcloudApplyType: string | null
  maxParallelSubclouds: number
  stopOnFailure: boolean
  steps: PlannedStep[]
  skipped: Array<{cloud: string; reason: string}>
  /** The orchestrator's 422 text when it would refuse the create. */
  refusal?: string
}

export interface PlanContext {
  existingType?: string
  group?: SubcloudGroup
}

function endpointStatus(subcloud: Subcloud, endpoint: string): string {
  return subcloud.endpoint_sync_status?.find((e) => e.endpoint_type === endpoint)?.sync_status ?? 'unknown'
}

/** Prestage's initial check (orchestration.md §3.3), first failing reason. */
function prestageRefusal(subcloud: Subcloud): string | undefined {
  if (subcloud['availability-status'] !== 'online') return 'Subcloud is offline.'
  if (subcloud['management-state'] !== 'managed') return 'Subcloud is not managed.'
  const prestageStatus = subcloud['prestage-status']
  if (prestageStatus === 'prestaging')
    return `Subcloud ${subcloud.name} current prestage_status is '${prestageStatus}'. Please wait until it finishes before running this operation.`
  const deploy = subcloud['deploy-status']
  if (deploy !== 'complete' && deploy !== 'sw-deploy-apply-strategy-failed')
    return 'Prestage operation is not allowed when subcloud deploy is in progress.'
  if (prestageStatus && prestageStatus !== 'failed' && prestageStatus !== 'complete')
    return `Prestage operation is only allowed while subcloud prestage status is one of: failed, complete. The current prestage status is ${prestageStatus}.`
  return undefined
}

export function planFromSubclouds(
  declaration: StrategyDeclaration,
  body: Record<string, unknown>,
  subclouds: readonly Subcloud[],
  context: PlanContext = {},
): StrategyPlan {
  const {applyType, maxParallel} = resolveParallelism(body, context.group)
  const plan: StrategyPlan = {
    type: declaration.type,
    subcloudApplyType: applyType,
    maxParallelSubclouds: maxParallel,
    stopOnFailure: body['stop-on-failure'] === 'true',
    steps: [],
    skipped: [],
  }
  const refuse = (refusal: string): StrategyPlan => ({...plan, refusal})
  const type = declaration.type
  const endpoint = declaration.endpoint
  const isPrestage = type === 'prestage' || (type === 'sw-deploy' && Boolean(body.with_prestage))
  const force = body.force === 'true'
  if (context.existingType) return refuse(`Strategy of type: '${context.existingType}' already exists`)
  let scope = [...subclouds].sort((a, b) => a.id - b.id)
  const cloudName = typeof body.cloud_name === 'string' ? body.cloud_name : undefined
  if (cloudName) {
    const named = scope.find((s) => s.name === cloudName)
    if (!named) return refuse(`Subcloud ${cloudName} does not exist`)
    if (isPrestage) {
      const reason = prestageRefusal(named)
      if (reason) return refuse(`Prestage skipped '${cloudName}': ${reason}`)
    } else if (endpointStatus(named, endpoint) === 'in-sync' && !(type === 'kube-rootca-update' && force))
      return refuse(`Subcloud ${cloudName} does not require ${endpoint} update`)
    scope = [named]
  }
  const usable = (s: Subcloud) => s['management-state'] === 'managed' && s['availability-status'] === 'online'
  if (type !== 'prestage' && scope.some((s) => usable(s) && endpointStatus(s, endpoint) === 'unknown'))
    return refuse(`${endpoint} sync status is unknown for one or more subclouds`)
  for (const subcloud of scope) {
    const reason = skipReason(subcloud)
    if (reason) plan.skipped.push({cloud: subcloud.name, reason})
    else plan.steps.push({cloud: subcloud.name, stage: Math.floor(plan.steps.length / maxParallel) + 1})
  }
  return plan.steps.length === 0 ? refuse('Strategy has no steps to apply') : plan

  function skipReason(subcloud: Subcloud): string | undefined {
    if (subcloud['management-state'] !== 'managed') return 'unmanaged'
    if (subcloud['availability-status'] !== 'online') return 'offline'
    if (type === 'prestage') return prestageRefusal(subcloud)
    const status = endpointStatus(subcloud, endpoint)
    if (status === 'out-of-sync') return undefined
    if (status === 'in-sync' && type === 'kube-rootca-update' && force) return undefined
    return `${endpoint} ${status}`
  }
}

/** orchestration.md §3.4: null/2 by default, serial forces 1, a group brings its own values. */
function resolveParallelism(
  body: Record<string, unknown>,
  group: SubcloudGroup | undefined,
): {applyType: string | null; maxParallel: number} {
  if (group) {
    const applyType = group.update_apply_type ?? null
    return {applyType, maxParallel: applyType === 'serial' ? 1 : Number(group.max_parallel_subclouds) || 2}
  }
  const applyType = typeof body['subcloud-apply-type'] === 'string' ? body['subcloud-apply-type'] : null
  if (applyType === 'serial') return {applyType, maxParallel: 1}
  return {applyType, maxParallel: Number(body['max-parallel-subclouds']) || 2}
}
