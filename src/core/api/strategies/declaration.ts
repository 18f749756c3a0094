import type {Cell} from '../../output/types.js'

/**
 * What one strategy type adds to the generic strategy (orchestration.md §2.1-§2.4), the way upstream's
 * `SwUpdateManager` subclasses and their CLI commands do: its type name, its own create options, its
 * client-side checks in upstream order, its part of the create body and its extra `show` rows. Everything
 * else (HTTP, common options, output) is generic. Declarations are plain data and pure functions: the CLI
 * turns `options` into flags, the lab and tests read the rest.
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
  /** The CLI family (`sw-deploy-strategy`). */
  family: string
  /** The API `type` (`sw-deploy`). */
  type: string
  /** The subcloud endpoint whose sync status selects subclouds (orchestration.md §3.3). */
  endpoint: string
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
   * `showKeys` (null when nothing is left, orchestration.md §2.4).
   */
  showKeys?: readonly string[]
  showRows?: (extra: Record<string, unknown> | null) => Array<[string, Cell]>
  /** Texts printed on stdout before the checks (upstream's deprecation notices). */
  notices?: (values: CreateValues) => string[]
}
