/**
 * The orchestrator's vocabulary (orchestration.md §1, §4.4): the five strategy types as declarations, the
 * strategy and step states, the stage names, and which action each strategy state allows. Pure data and
 * rules shared by the strategy commands (core/cli) and the lab's orchestrator; no I/O here.
 */

export const STRATEGY_TYPES = ['sw-deploy', 'prestage', 'kubernetes', 'kube-rootca-update', 'firmware'] as const
export type StrategyType = (typeof STRATEGY_TYPES)[number]

export function isStrategyType(value: unknown): value is StrategyType {
  return typeof value === 'string' && (STRATEGY_TYPES as readonly string[]).includes(value)
}

/** The endpoint whose sync status selects a type's subclouds (the validator's `endpoint_type`). */
export type StrategyEndpoint = 'software' | 'kubernetes' | 'kube-rootca' | 'firmware'

export type SyncStatus = 'in-sync' | 'out-of-sync' | 'unknown'

/** Strategy row states (§1.1); `deleted` exists upstream but is never written. */
export const STRATEGY_STATES = [
  'initial',
  'applying',
  'abort requested',
  'aborting',
  'complete',
  'aborted',
  'failed',
  'deleting',
] as const
export type StrategyState = (typeof STRATEGY_STATES)[number]

/** Step states every type shares; the others are per type (`StrategyDeclaration.states`). */
export const STEP_INITIAL = 'initial'
export const STEP_COMPLETE = 'complete'
export const STEP_FAILED = 'failed'
export const STEP_ABORTED = 'aborted'
export const FINAL_STEP_STATES: ReadonlySet<string> = new Set([STEP_COMPLETE, STEP_FAILED, STEP_ABORTED])

export function isFinalStepState(state: string): boolean {
  return FINAL_STEP_STATES.has(state)
}

/** The step's `stage` column as the API renders it (`STAGE_MAP`). */
export const STAGE_NAMES = {1: 'Create', 2: 'Apply', 3: 'Complete'} as const
export type StepStage = keyof typeof STAGE_NAMES

/** What a step's state sequence depends on besides the type: the subcloud and the strategy's extra-args. */
export interface StepPathContext {
  /** The subcloud's `software-version` (MM.mm). */
  softwareVersion: string
  extraArgs: Record<string, unknown> | null
}

export interface StrategyDeclaration {
  type: StrategyType
  /** CLI family (`dcm <family> create|show|apply|abort|delete`). */
  family: string
  endpoint: StrategyEndpoint
  /** Whether `force` changes selection (kube-rootca-update: in-sync subclouds too). */
  acceptsForce: boolean
  /** Whether an `unknown` endpoint status on a managed, online subcloud blocks create (§3.2 check 4). */
  blocksOnUnknownSync: boolean
  /** Type-specific create body keys, in the order the client sends them (§2.2, §2.3). */
  createArgs: readonly string[]
  /** extra-args keys the client shows (§2.4); empty when show adds no rows. */
  shownExtraArgs: readonly string[]
  /** Every state a step of this type can pass through, in upstream order, without `initial`/final states. */
  states: readonly string[]
  /** The states a step walks for one subcloud (§4.4), `complete` excluded. */
  path(context: StepPathContext): readonly string[]
}

// sw-deploy (§4.4): the states a step may pass through, in order.
export const SW_DEPLOY_PRE_CHECK = 'sw-deploy pre-check'
export const SW_DEPLOY_INSTALL_LICENSE = 'sw-deploy install license'
export const SW_DEPLOY_CREATE_VIM = 'create VIM sw-deploy strategy'
export const SW_DEPLOY_APPLY_VIM = 'apply VIM sw-deploy strategy'
export const SW_DEPLOY_FINISH = 'finish sw-deploy strategy'
export const PRESTAGE_PRECHECK = 'prestage-precheck'
export const PRESTAGE_PACKAGES = 'prestaging-packages'
export const PRESTAGE_IMAGES = 'prestaging-images'

/** `stx-25.09.1` / `starlingx-25.09.1` / `25.09` -> `25.09` (the MM.mm a release id belongs to). */
export function majorReleaseOf(releaseId: string | null | undefined): string | undefined {
  const match = /(\d{2}\.\d{2})/.exec(releaseId ?? '')
  return match?.[1]
}

/** Python truthiness of an extra-args value as the worker reads it (`"false"` is truthy, §3.5). */
export function truthy(value: unknown): boolean {
  if (typeof value === 'string') return value.length > 0
  return !!value
}

function swDeployPath({softwareVersion, extraArgs}: StepPathContext): readonly string[] {
  const args = extraArgs ?? {}
  const vim = [SW_DEPLOY_CREATE_VIM, SW_DEPLOY_APPLY_VIM, SW_DEPLOY_FINISH]
  // The lab's subclouds record one deployed release (software-version); rollback always finds one deploying,
  // cleanup never finds one at 26.09 or later: the spec's other branches need per-release state.
  if (truthy(args.rollback)) return [SW_DEPLOY_PRE_CHECK, ...vim]
  if (truthy(args.cleanup)) return [SW_DEPLOY_PRE_CHECK, SW_DEPLOY_FINISH]
  const major = majorReleaseOf(args.release_id as string | undefined) !== softwareVersion
  const prestage = truthy(args.with_prestage) ? [PRESTAGE_PRECHECK, PRESTAGE_PACKAGES, PRESTAGE_IMAGES] : []
  return [SW_DEPLOY_PRE_CHECK, ...prestage, ...(major ? [SW_DEPLOY_INSTALL_LICENSE] : []), ...vim]
}

const fixed = (states: readonly string[]) => (): readonly string[] => states

const DECLARATIONS: Record<StrategyType, StrategyDeclaration> = {
  'sw-deploy': {
    type: 'sw-deploy',
    family: 'sw-deploy-strategy',
    endpoint: 'software',
    acceptsForce: false,
    blocksOnUnknownSync: true,
    createArgs: [
      'release_id',
      'sysadmin_password',
      'snapshot',
      'rollback',
      'delete',
      'cleanup',
      'with_prestage',
      'kube_upgrade',
    ],
    shownExtraArgs: [
      'cleanup',
      'delete',
      'kube_upgrade',
      'release_id',
      'rollback',
      'snapshot',
      'sysadmin_password',
      'with_prestage',
    ],
    states: [
      SW_DEPLOY_PRE_CHECK,
      PRESTAGE_PRECHECK,
      PRESTAGE_PACKAGES,
      PRESTAGE_IMAGES,
      SW_DEPLOY_INSTALL_LICENSE,
      SW_DEPLOY_CREATE_VIM,
      SW_DEPLOY_APPLY_VIM,
      SW_DEPLOY_FINISH,
    ],
    path: swDeployPath,
  },
  prestage: {
    type: 'prestage',
    family: 'prestage-strategy',
    // Only as a key: prestage selects on any software status (§3.3).
    endpoint: 'software',
    acceptsForce: true,
    blocksOnUnknownSync: false,
    createArgs: ['sysadmin_password', 'release', 'for_install', 'for_sw_deploy', 'force'],
    shownExtraArgs: ['prestage-software-version'],
    states: [PRESTAGE_PRECHECK, PRESTAGE_PACKAGES, PRESTAGE_IMAGES],
    path: fixed([PRESTAGE_PRECHECK, PRESTAGE_PACKAGES, PRESTAGE_IMAGES]),
  },
  kubernetes: {
    type: 'kubernetes',
    family: 'kube-upgrade-strategy',
    endpoint: 'kubernetes',
    acceptsForce: false,
    blocksOnUnknownSync: true,
    createArgs: ['to-version'],
    shownExtraArgs: [],
    states: [
      'kube upgrade pre check',
      'kube creating vim kube upgrade strategy',
      'kube applying vim kube upgrade strategy',
    ],
    path: fixed([
      'kube upgrade pre check',
      'kube creating vim kube upgrade strategy',
      'kube applying vim kube upgrade strategy',
    ]),
  },
  'kube-rootca-update': {
    type: 'kube-rootca-update',
    family: 'kube-rootca-update-strategy',
    endpoint: 'kube-rootca',
    acceptsForce: true,
    blocksOnUnknownSync: true,
    createArgs: ['subject', 'expiry-date', 'force'],
    shownExtraArgs: [],
    states: ['creating vim kube rootca update strategy', 'applying vim kube rootca update strategy'],
    path: fixed(['creating vim kube rootca update strategy', 'applying vim kube rootca update strategy']),
  },
  firmware: {
    type: 'firmware',
    family: 'fw-update-strategy',
    endpoint: 'firmware',
    acceptsForce: false,
    blocksOnUnknownSync: true,
    createArgs: [],
    shownExtraArgs: [],
    states: ['importing firmware', 'creating fw update strategy', 'applying fw update strategy', 'finishing fw update'],
    path: fixed([
      'importing firmware',
      'creating fw update strategy',
      'applying fw update strategy',
      'finishing fw update',
    ]),
  },
}

export function strategyDeclaration(type: StrategyType): StrategyDeclaration {
  return DECLARATIONS[type]
}

export function strategyDeclarations(): StrategyDeclaration[] {
  return STRATEGY_TYPES.map((type) => DECLARATIONS[type])
}

/** Every step state any type can show, for validating `--fail-strategy-at` and the like. */
export function allStepStates(): Set<string> {
  const states = new Set<string>([STEP_INITIAL, STEP_COMPLETE, STEP_FAILED, STEP_ABORTED])
  for (const declaration of strategyDeclarations()) for (const state of declaration.states) states.add(state)
  return states
}

export type StrategyAction = 'apply' | 'abort' | 'delete'

/** The strategy states each action is accepted in (§5.3); any other state is a 422. */
const ACTION_STATES: Record<StrategyAction, ReadonlySet<StrategyState>> = {
  apply: new Set(['initial']),
  abort: new Set(['applying']),
  delete: new Set(['initial', 'complete', 'failed', 'aborted']),
}

const ACTION_PARTICIPLES: Record<StrategyAction, string> = {apply: 'applied', abort: 'aborted', delete: 'deleted'}

export function actionAllowed(action: StrategyAction, state: StrategyState): boolean {
  return ACTION_STATES[action].has(state)
}

/** `Strategy in state <s> cannot be <applied|aborted|deleted>` (wrapped by the caller as §5.3 says). */
export function actionRefusal(action: StrategyAction, state: StrategyState): string {
  return `Strategy in state ${state} cannot be ${ACTION_PARTICIPLES[action]}`
}

/** Final strategy state once every step is final (§4.7). */
export function finalStrategyState(counts: {failed: number; aborted: number}): StrategyState {
  if (counts.failed > 0) return 'failed'
  if (counts.aborted > 0) return 'aborted'
  return 'complete'
}
