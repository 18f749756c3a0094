import type {StrategyDeclaration as SharedDeclaration, StrategyType} from '../../orchestration/strategy-types.js'
import type {Cell} from '../../output/types.js'

/**
 * What one strategy type adds to the generic strategy on the client side (orchestration.md §2.1-§2.4), the
 * way upstream's `SwUpdateManager` subclasses and their CLI commands do: its own create options, its
 * client-side checks in upstream order, its part of the create body and its extra `show` rows. The facts
 * the lab shares (type name, family, endpoint, shown extra-args keys, states) come from the shared
 * declaration in src/core/orchestration (`shared`). Everything else (HTTP, common options, output) is
 * generic. Declarations are plain data and pure functions: the CLI turns `options` into flags.
 */
export type OptionKind = 'boolean' | 'string' | 'integer'

export interface StrategyOption {
  /** Flag name without the dashes, as upstream spells it (`release-id`, `for-install`). */
  name: string
  kind: OptionKind
  description: string
  /** Allowed values (argparse `choices`). */
  choices?: readonly string[]
  /** Upstream's deprecated alias of another option: a notice is printed and the value merged. */
  deprecatedFor?: string
}

/** Parsed create options by flag name (common and type-specific). */
export type CreateValues = Record<string, boolean | number | string | undefined>

export interface StrategyDeclaration {
  /** The facts shared with the lab's orchestrator (type, family, endpoint, shown extra-args, states). */
  shared: SharedDeclaration
  /** The CLI family (`sw-deploy-strategy`), = shared.family. */
  family: string
  /** The API `type` (`sw-deploy`), = shared.type. */
  type: StrategyType
  /** What the strategy does, for help texts ("software deployment"). */
  subject: string
  options: readonly StrategyOption[]
  /**
   * When the sysadmin password is needed: upstream prompts for it (prestage: always, before its checks;
   * sw-deploy: with --with-prestage, after its checks).
   */
  password?: {needed: (values: CreateValues) => boolean; beforeChecks: boolean; description: string}
  /** Upstream's client checks after the common --group ones; throw a UsageError with upstream's text. */
  check?: (values: CreateValues) => void
  /** The type's create-body keys in upstream order (`type` is appended by the generic code). */
  body: (values: CreateValues, passwordBase64: string | undefined) => Record<string, unknown>
  /**
   * Rows inserted after `stop on failure` in every strategy table, from extra-args already filtered to
   * `shared.shownExtraArgs` (null when nothing is left, orchestration.md §2.4).
   */
  showRows?: (extra: Record<string, unknown> | null) => Array<[string, Cell]>
  /** Texts printed on stdout before the checks (upstream's deprecation notices). */
  notices?: (values: CreateValues) => string[]
}

/** The client declaration of a type: the shared facts plus what the client adds. */
export function clientDeclaration(
  shared: SharedDeclaration,
  client: Omit<StrategyDeclaration, 'shared' | 'family' | 'type'>,
): StrategyDeclaration {
  return {shared, family: shared.family, type: shared.type, ...client}
}
