import {Args, Flags} from '@oclif/core'

import type {DcmanagerClient} from '../core/api/dcmanager-client.js'
import type {CreateValues, StrategyDeclaration, StrategyOption} from '../core/api/strategies/declaration.js'
import type {Strategy} from '../core/api/strategies/types.js'
import {OperationError} from '../core/errors.js'
import {authFlags, dcmanagerFromFlags} from './auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from './base-command.js'
import {jsonShape} from './json-shape.js'
import {showFlags} from './output-flags.js'
import {strategyFields} from '../core/strategies/columns.js'
import {confirmAction} from './prompts.js'
import {passwordFlags, resolveSysadminPassword} from './subcloud-passwords.js'

/**
 * The five strategy families' commands (orchestration.md §2), generated from the core declarations so
 * that each file under src/commands/<family>/ is one line. Flags, defaults and checks are upstream's;
 * `--wait`, `--watch`, `--dry-run` and `--json` are dcm's (docs/extensions.md).
 */
import type {Interfaces} from '@oclif/core'

type AnyFlag = Interfaces.Flag<unknown>

function flagOf(option: StrategyOption): AnyFlag {
  const {description} = option
  if (option.kind === 'boolean') return Flags.boolean({description}) as AnyFlag
  if (option.kind === 'integer') return Flags.integer({description}) as AnyFlag
  return Flags.string({description, options: option.choices ? [...option.choices] : undefined}) as AnyFlag
}

const commonCreateFlags = {
  'subcloud-apply-type': Flags.string({
    description: 'Subcloud apply type (parallel or serial).',
    options: ['parallel', 'serial'],
  }),
  'max-parallel-subclouds': Flags.integer({description: 'Maximum number of parallel subclouds.'}),
  'stop-on-failure': Flags.boolean({description: 'Do not update any additional subclouds after a failure.'}),
  group: Flags.string({description: 'Name or ID of subcloud group to update.'}),
}

const waitFlags = {
  timeout: Flags.integer({
    description: 'seconds to follow the strategy before giving up (exit 4)',
    default: 86_400,
    min: 1,
  }),
  'poll-interval': Flags.integer({
    description: 'milliseconds between strategy polls',
    default: 2000,
    min: 10,
    hidden: true,
  }),
  quiet: Flags.boolean({char: 'q', description: 'no progress output'}),
}

const cloudNameArg = {
  cloud_name: Args.string({description: 'Name of a single cloud to update.', required: false}),
}

const upstreamConfirmation = async (yes: boolean | undefined): Promise<void> => {
  if (process.env.CLI_CONFIRMATIONS !== 'enabled') return
  const ok = await confirmAction(
    'WARNING: This is a high-risk operation that may cause service interruption or remove critical resources. Do you want to continue?',
    yes,
  )
  if (!ok) throw new OperationError('Operation cancelled by the user.')
}

/** `--json` of every strategy command: the table's fields (prestage's software version only when set). */
function strategyShape(declaration: StrategyDeclaration) {
  const {always, optional} = strategyFields(declaration)
  return jsonShape.object([...always, ...optional], optional)
}

/** `create --dry-run --json`: the plan (src/core/strategies/selection.ts). */
const PLAN_KEYS = ['type', 'subcloudApplyType', 'maxParallelSubclouds', 'stopOnFailure', 'steps', 'skipped']

abstract class StrategyCommand extends BaseCommand<typeof StrategyCommand> {
  static declaration: StrategyDeclaration

  protected get declaration(): StrategyDeclaration {
    return (this.ctor as unknown as {declaration: StrategyDeclaration}).declaration
  }

  protected client(): Promise<DcmanagerClient> {
    return dcmanagerFromFlags(this.flags as never, this.debugLine)
  }

  protected async printStrategy(strategy: Strategy) {
    const {strategyDetail} = await import('../core/strategies/columns.js')
    const {fields, values} = strategyDetail(this.declaration, strategy)
    return this.printShow(fields, values)
  }

  /** Follow the strategy to its end (apply --wait, show --watch); failures listed on stderr, exit 1. */
  protected async follow(client: DcmanagerClient): Promise<Strategy> {
    const flags = this.flags as unknown as {timeout: number; 'poll-interval': number; quiet?: boolean}
    const [{followStrategy}, {StrategyProgressView}, {progressModeFor}] = await Promise.all([
      import('../core/strategies/follow.js'),
      import('./strategy-progress.js'),
      import('../core/output/progress.js'),
    ])
    const mode = progressModeFor(process.stderr, Boolean(flags.quiet) || this.jsonEnabled())
    const view = new StrategyProgressView({stream: process.stderr, type: this.declaration.type, mode})
    try {
      const result = await this.withInterrupt((signal) =>
        followStrategy(client, this.declaration.type, {
          timeoutMs: flags.timeout * 1000,
          intervalMs: flags['poll-interval'],
          withSteps: mode !== 'quiet',
          signal,
          onProgress: view.update,
        }),
      )
      view.end()
      if (result.strategy.state === 'failed' || result.strategy.state === 'aborted') {
        for (const step of result.summary.failed)
          process.stderr.write(`failed: ${step.cloud}: ${step.details || step.state}\n`)
        throw new OperationError(
          `the ${this.declaration.type} strategy ended ${result.strategy.state}: ${result.summary.failed.length} of ${result.summary.total} steps failed${
            result.summary.aborted ? `, ${result.summary.aborted} aborted` : ''
          }`,
          {hint: `see 'dcm strategy-step list --failed' and 'dcm strategy-step show <cloud>'`},
        )
      }
      return result.strategy
    } finally {
      view.end()
    }
  }
}

export function strategyCreateCommand(declaration: StrategyDeclaration) {
  const ownFlags: Record<string, AnyFlag> = Object.fromEntries(
    declaration.options.map((option) => [option.name, flagOf(option)]),
  )
  const sysadminFlags: Record<string, AnyFlag> = declaration.password
    ? (passwordFlags({sysadmin: declaration.password.description}) as unknown as Record<string, AnyFlag>)
    : {}
  return class extends StrategyCommand {
    static declaration = declaration
    static jsonShape = jsonShape.oneOf(strategyShape(declaration), jsonShape.object(PLAN_KEYS))
    static summary = `Create a new ${declaration.subject} strategy.`
    static description = `Checks the options locally first, as the dcmanager client does (exit 2, nothing sent). --dry-run shows which subclouds the strategy would take and in which order, from the live subcloud list, and creates nothing.\n\n${EXIT_CODES_HELP}`
    static examples = [`<%= config.bin %> ${declaration.family} create --dry-run`]
    static args = cloudNameArg
    static flags = {
      ...commonCreateFlags,
      ...ownFlags,
      ...sysadminFlags,
      'dry-run': Flags.boolean({description: 'show the subclouds the strategy would take, create nothing'}),
      ...showFlags,
      ...authFlags,
    }

    async run() {
      const {prepareCreate} = await import('../core/api/strategies/create-request.js')
      const flags = this.flags as unknown as CreateValues
      const values: CreateValues = {...flags, cloud_name: (this.args as {cloud_name?: string}).cloud_name}
      const body = await prepareCreate(declaration, values, {
        notice: (text) => (this.jsonEnabled() ? process.stderr.write(text) : process.stdout.write(text)),
        password: () =>
          resolveSysadminPassword(this.flags as never, {prompt: 'Enter the sysadmin password for the subcloud:'}),
      })
      const client = await this.client()
      if (flags['dry-run']) {
        const {planStrategy} = await import('../core/strategies/dry-run.js')
        const {renderPlan} = await import('../core/strategies/plan-text.js')
        const plan = await planStrategy(client, declaration, body)
        if (!this.jsonEnabled()) process.stdout.write(renderPlan(plan))
        return plan
      }
      return this.printStrategy(await client.strategy(declaration.type).create(body))
    }
  }
}

export function strategyShowCommand(declaration: StrategyDeclaration) {
  return class extends StrategyCommand {
    static declaration = declaration
    static jsonShape = strategyShape(declaration)
    static summary = `Show the details of a ${declaration.subject} strategy.`
    static description = `--watch follows the strategy until it is complete (exit 0), failed or aborted (exit 1, failed steps on stderr), --timeout (exit 4) or Ctrl-C (exit 130; the strategy keeps running): live progress on a terminal, timestamped lines otherwise, both on stderr.\n\n${EXIT_CODES_HELP}`
    static examples = [
      `<%= config.bin %> ${declaration.family} show`,
      `<%= config.bin %> ${declaration.family} show --watch`,
    ]
    static flags = {
      watch: Flags.boolean({description: 'follow the strategy until it ends, with live progress'}),
      ...waitFlags,
      ...showFlags,
      ...authFlags,
    }

    async run() {
      const client = await this.client()
      const strategy = (this.flags as {watch?: boolean}).watch
        ? await this.follow(client)
        : await client.strategy(declaration.type).get()
      return this.printStrategy(strategy)
    }
  }
}

export function strategyApplyCommand(declaration: StrategyDeclaration) {
  return class extends StrategyCommand {
    static declaration = declaration
    static jsonShape = strategyShape(declaration)
    static summary = `Apply a ${declaration.subject} strategy.`
    static description = `--wait follows the run: live progress on a terminal (steps by state, the running ones with their state and elapsed time, failures with their details), timestamped lines otherwise, both on stderr; exit 0 complete, 1 failed or aborted (failed steps on stderr), 4 on --timeout, 130 on Ctrl-C (the strategy keeps running on the System Controller). As dcmanager, asks for confirmation only when CLI_CONFIRMATIONS=enabled and --yes is absent.\n\n${EXIT_CODES_HELP}`
    static examples = [`<%= config.bin %> ${declaration.family} apply --wait`]
    static flags = {
      yes: Flags.boolean({description: 'skip the confirmation prompt'}),
      wait: Flags.boolean({description: 'follow the strategy until it ends, with live progress'}),
      ...waitFlags,
      ...showFlags,
      ...authFlags,
    }

    async run() {
      await upstreamConfirmation((this.flags as {yes?: boolean}).yes)
      const client = await this.client()
      const applied = await client.strategy(declaration.type).apply()
      if (!(this.flags as {wait?: boolean}).wait) return this.printStrategy(applied)
      return this.printStrategy(await this.follow(client))
    }
  }
}

export function strategyAbortCommand(declaration: StrategyDeclaration) {
  return class extends StrategyCommand {
    static declaration = declaration
    static jsonShape = strategyShape(declaration)
    static summary = `Abort a ${declaration.subject} strategy.`
    static description = EXIT_CODES_HELP
    static flags = {...showFlags, ...authFlags}

    async run() {
      const client = await this.client()
      return this.printStrategy(await client.strategy(declaration.type).abort())
    }
  }
}

export function strategyDeleteCommand(declaration: StrategyDeclaration) {
  return class extends StrategyCommand {
    static declaration = declaration
    static jsonShape = strategyShape(declaration)
    static summary = `Delete ${declaration.subject} strategy from the database.`
    static description = `As dcmanager, asks for confirmation only when CLI_CONFIRMATIONS=enabled and --yes is absent.\n\n${EXIT_CODES_HELP}`
    static flags = {yes: Flags.boolean({description: 'skip the confirmation prompt'}), ...showFlags, ...authFlags}

    async run() {
      await upstreamConfirmation((this.flags as {yes?: boolean}).yes)
      const client = await this.client()
      return this.printStrategy(await client.strategy(declaration.type).delete())
    }
  }
}
