import type {StrategyDeclaration} from '../api/strategies/declaration.js'
import type {Strategy, StrategyOptions, StrategyStep} from '../api/strategies/types.js'
import type {Cell} from '../output/types.js'

/**
 * The strategy tables of the upstream client (dcmanager-api.md §5.3, orchestration.md §2.4-§2.6): field
 * names, order and values exactly as cliff prints them (None/True/False come from the output layer).
 */
export const STEP_LIST = ['cloud', 'stage', 'state', 'details', 'started_at', 'finished_at']
export const STEP_DETAIL = [...STEP_LIST, 'created_at', 'updated_at']
export const OPTIONS_LIST = [
  'cloud',
  'storage apply type',
  'worker apply type',
  'max parallel workers',
  'alarm restriction type',
  'default instance action',
]
export const OPTIONS_DETAIL = [...OPTIONS_LIST, 'created_at', 'updated_at']

/** `detail_format`: the seven base rows with the type's rows inserted after `stop on failure`. */
export function strategyDetail(
  declaration: StrategyDeclaration,
  strategy: Strategy,
): {fields: string[]; values: Cell[]} {
  const rows: Array<[string, Cell]> = [
    ['strategy type', strategy.type],
    ['subcloud apply type', strategy['subcloud-apply-type']],
    ['max parallel subclouds', strategy['max-parallel-subclouds']],
    ['stop on failure', strategy['stop-on-failure']],
    ...(declaration.showRows?.(shownExtraArgs(declaration, strategy['extra-args'])) ?? []),
    ['state', strategy.state],
    ['created_at', strategy['created-at']],
    ['updated_at', strategy['updated-at']],
  ]
  return {fields: rows.map(([field]) => field), values: rows.map(([, value]) => value)}
}

/**
 * The fields every table of this type has, and those it has only sometimes (prestage's software version):
 * the rows with no extra-args, and the ones added when every shown key is set.
 */
export function strategyFields(declaration: StrategyDeclaration): {always: string[]; optional: string[]} {
  const base = strategyDetail(declaration, {
    type: declaration.type,
    'subcloud-apply-type': null,
    'max-parallel-subclouds': null,
    'stop-on-failure': false,
    state: 'initial',
    'created-at': null,
    'updated-at': null,
    'extra-args': null,
  }).fields
  const full = Object.fromEntries(declaration.shared.shownExtraArgs.map((key) => [key, 'x']))
  const extra = (declaration.showRows?.(full) ?? []).map(([field]) => field).filter((field) => !base.includes(field))
  return {always: base, optional: extra}
}

/** extra-args kept to the type's keys, without null or blank values; null when nothing is left. */
export function shownExtraArgs(
  declaration: StrategyDeclaration,
  extra: Record<string, unknown> | null | undefined,
): Record<string, unknown> | null {
  const keys = declaration.shared.shownExtraArgs
  if (!extra || keys.length === 0) return null
  const kept = Object.entries(extra).filter(
    ([key, value]) => keys.includes(key) && value !== null && value !== undefined && pyText(value).trim() !== '',
  )
  return kept.length > 0 ? Object.fromEntries(kept) : null
}

function pyText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

export function stepRow(step: StrategyStep): Cell[] {
  return [step.cloud, step.stage, step.state, step.details, step['started-at'], step['finished-at']]
}

export function stepDetail(step: StrategyStep): Cell[] {
  return [...stepRow(step), step['created-at'], step['updated-at']]
}

export function optionsRow(options: StrategyOptions): Cell[] {
  return [
    options.name,
    options['storage-apply-type'],
    options['worker-apply-type'],
    options['max-parallel-workers'],
    options['alarm-restriction-type'],
    options['default-instance-action'],
  ]
}

export function optionsDetail(options: StrategyOptions): Cell[] {
  return [...optionsRow(options), options['created-at'], options['updated-at']]
}
