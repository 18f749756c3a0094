/**
 * How a strategy spreads over its subclouds (orchestration.md §3.1 step 2, §3.4, §4.1): the stored apply type
 * and max-parallel resolved from the request or the group, and the split of the steps into stages.
 *
 * Upstream today runs a sliding window of `max-parallel-subclouds` steps (a freed slot is refilled at once);
 * with equal step durations that is exactly a sequence of stages of `max-parallel` subclouds each, which is
 * what `planStages` returns (`create --dry-run`, the demo). The lab's engine runs the real window.
 */
export type SubcloudApplyType = 'parallel' | 'serial'

/** The group fields the resolution copies (`update_apply_type`, `max_parallel_subclouds`). */
export interface ParallelismGroup {
  id: number
  updateApplyType: string
  maxParallelSubclouds: number
}

export interface ParallelismRequest {
  type?: unknown
  'subcloud-apply-type'?: unknown
  'max-parallel-subclouds'?: unknown
  subcloud_group?: unknown
  cloud_name?: unknown
  force?: unknown
  with_prestage?: unknown
}

export interface Parallelism {
  applyType: string | null
  maxParallel: number
  /** Set when the request named a group. */
  groupId?: number
}

export type ParallelismResult = ({ok: true} & Parallelism) | {ok: false; /** the 400's detail */ message: string}

export const MAX_PARALLEL_SUBCLOUDS_LIMIT = 5000
export const MAX_PARALLEL_PRESTAGE_LIMIT = 250
export const DEFAULT_MAX_PARALLEL_SUBCLOUDS = 2

/** Python truthiness of a JSON value (`if value:`). */
function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return true
}

/** Python `int(value)` on a JSON value, or undefined where it raises. */
function pythonInt(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined
  if (typeof value === 'string') {
    const text = value.trim().replace(/_/g, '')
    return /^[+-]?\d+$/.test(text) ? Number(text) : undefined
  }
  return undefined
}

/** str() of a JSON value as Python prints it inside a message. */
function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

/** `validate_bool_param`: the value must be a boolean or any-case "true"/"false" (absent is fine). */
export function boolParamRefusal(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'boolean') return undefined
  if (typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase())) return undefined
  return `Invalid value '${pythonStr(value)}' for ${name} - must be True/False or 'true'/'false'`
}

/**
 * `validate_strategy_payload` (§3.1 step 2), in its order: force, apply type, group rules and lookup (the
 * group's values replace the request's), max-parallel parsing, serial = 1, default 2, range. `findGroup`
 * resolves a group reference (all digits = id, else name).
 */
export function resolveParallelism(
  request: ParallelismRequest,
  findGroup: (ref: string) => ParallelismGroup | undefined,
): ParallelismResult {
  const forceRefusal = boolParamRefusal('force', request.force)
  if (forceRefusal) return {ok: false, message: forceRefusal}
  let applyType = request['subcloud-apply-type']
  if (pyTruthy(applyType) && applyType !== 'parallel' && applyType !== 'serial')
    return {ok: false, message: 'subcloud-apply-type invalid'}
  let maxParallel: number | undefined
  let groupId: number | undefined
  const rawMax = request['max-parallel-subclouds']
  if (pyTruthy(request.subcloud_group)) {
    if (pyTruthy(request.cloud_name))
      return {ok: false, message: 'cloud_name and subcloud_group are mutually exclusive'}
    if (pyTruthy(applyType) || pyTruthy(rawMax))
      return {
        ok: false,
        message: 'subcloud-apply-type and max-parallel-subclouds are not allowed when subcloud_group is provided',
      }
    const group = findGroup(pythonStr(request.subcloud_group))
    if (!group) return {ok: false, message: 'Invalid group_id'}
    applyType = group.updateApplyType
    maxParallel = group.maxParallelSubclouds
    groupId = group.id
  } else if (pyTruthy(rawMax)) {
    maxParallel = pythonInt(rawMax)
    if (maxParallel === undefined)
      return {ok: false, message: `max-parallel-subclouds invalid value. Value: ${pythonStr(rawMax)}`}
  }
  if (applyType === 'serial') maxParallel = 1
  maxParallel ??= DEFAULT_MAX_PARALLEL_SUBCLOUDS
  const prestage = pyTruthy(request.with_prestage) || request.type === 'prestage'
  const limit = prestage ? MAX_PARALLEL_PRESTAGE_LIMIT : MAX_PARALLEL_SUBCLOUDS_LIMIT
  if (maxParallel < 1 || maxParallel > limit) {
    const limitType = prestage ? 'prestage' : `${pythonStr(request.type)} strategy`
    return {
      ok: false,
      message: `Invalid max-parallel-subclouds value: ${maxParallel}. For ${limitType}, the value must be between 1 and ${limit}.`,
    }
  }
  return {
    ok: true,
    applyType: pyTruthy(applyType) ? String(applyType) : null,
    maxParallel,
    ...(groupId === undefined ? {} : {groupId}),
  }
}

export interface Stage<T> {
  /** 1-based. */
  number: number
  members: T[]
}

/**
 * The steps (already in step order) split into consecutive stages of `maxParallel` (serial: 1 per stage).
 * Linear in the number of steps.
 */
export function planStages<T>(steps: readonly T[], maxParallel: number): Array<Stage<T>> {
  const size = Math.max(1, Math.floor(maxParallel))
  const stages: Array<Stage<T>> = []
  for (let start = 0; start < steps.length; start += size)
    stages.push({number: stages.length + 1, members: steps.slice(start, start + size)})
  return stages
}

/** The stage a step at `index` (0-based, step order) falls in: `planStages` for one step. */
export function stageOfIndex(index: number, maxParallel: number): number {
  return Math.floor(index / Math.max(1, Math.floor(maxParallel))) + 1
}
