import type {Subcloud, SubcloudGroup} from '../api/dcmanager-types.js'
import type {StrategyDeclaration} from '../api/strategies/declaration.js'
import {fromApiSubcloud, ineligibility, kubeRootcaRefusal, selectSubclouds} from '../orchestration/eligibility.js'
import {resolveParallelism, stageOfIndex} from '../orchestration/stages.js'

/**
 * What the orchestrator would make of a create body (orchestration.md §3.1 step 2, §3.2-§3.4), by the rules
 * the lab's orchestrator uses too (src/core/orchestration): the refusal it would answer, or the steps in
 * step order with their stage (window) and why every other subcloud in scope gets no step.
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
  /** The server's refusal text (`Unable to create strategy of type ...` for 422s, the bare detail for 400s). */
  refusal?: string
}

export interface PlanContext {
  /** The type of the strategy that already exists, if any. */
  existingType?: string
  /** Groups by id and name, to resolve `subcloud_group` (the list of groups, or the one named). */
  groups?: readonly SubcloudGroup[]
  now?: Date
}

export function planFromSubclouds(
  declaration: StrategyDeclaration,
  body: Record<string, unknown>,
  subclouds: readonly Subcloud[],
  context: PlanContext = {},
): StrategyPlan {
  const type = declaration.type
  const plan: StrategyPlan = {
    type,
    subcloudApplyType: null,
    maxParallelSubclouds: 0,
    stopOnFailure: body['stop-on-failure'] === 'true',
    steps: [],
    skipped: [],
  }
  const parallelism = resolveParallelism({...body, type}, (ref) => {
    const group = (context.groups ?? []).find((g) => (/^\d+$/.test(ref) ? String(g.id) === ref : g.name === ref))
    return group
      ? {id: group.id, updateApplyType: group.update_apply_type, maxParallelSubclouds: group.max_parallel_subclouds}
      : undefined
  })
  if (!parallelism.ok) return {...plan, refusal: parallelism.message}
  plan.subcloudApplyType = parallelism.applyType
  plan.maxParallelSubclouds = parallelism.maxParallel
  const refuse = (message: string): StrategyPlan => ({
    ...plan,
    refusal: `Unable to create strategy of type '${type}': Bad strategy request: ${message}`,
  })
  if (context.existingType) return refuse(`Strategy of type: '${context.existingType}' already exists`)
  const options = {force: body.force === 'true', withPrestage: Boolean(body.with_prestage)}
  const all = subclouds.map((subcloud) => fromApiSubcloud(subcloud))
  const scope = {
    cloudName: typeof body.cloud_name === 'string' ? body.cloud_name : undefined,
    groupId: parallelism.groupId,
  }
  const selection = selectSubclouds(type, all, scope, options)
  if (!selection.ok) return refuse(selection.message)
  if (type === 'kube-rootca-update') {
    const refusal = kubeRootcaRefusal(body as {'expiry-date'?: unknown; subject?: unknown}, context.now)
    if (refusal) return refuse(refusal)
  }
  const selected = new Set(selection.subclouds.map((subcloud) => subcloud.id))
  plan.steps = selection.subclouds.map((subcloud, index) => ({
    cloud: subcloud.name,
    stage: stageOfIndex(index, parallelism.maxParallel),
  }))
  const inScope = all
    .filter((subcloud) =>
      scope.cloudName !== undefined
        ? subcloud.name === scope.cloudName
        : scope.groupId === undefined || subcloud.groupId === scope.groupId,
    )
    .sort((a, b) => a.id - b.id)
  for (const subcloud of inScope)
    if (!selected.has(subcloud.id))
      plan.skipped.push({cloud: subcloud.name, reason: ineligibility(type, subcloud, options) ?? 'not selected'})
  return plan
}
