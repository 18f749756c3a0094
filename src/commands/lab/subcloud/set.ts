import {Args, Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {jsonShape} from '../../../cli/json-shape.js'
import {labFlags} from '../../../cli/lab-flags.js'
import {showFlags} from '../../../cli/output-flags.js'
import {UsageError} from '../../../core/errors.js'

export default class LabSubcloudSet extends BaseCommand<typeof LabSubcloudSet> {
  static jsonShape = jsonShape.object([
    'name',
    'fail strategy at',
    'fail reason',
    'sync overrides',
    'endpoint sync status',
  ])
  static summary =
    "Inject orchestration faults into a subcloud of the running lab: a failing strategy step, an endpoint's sync status."
  static description = `For tests and demos of the strategy commands. --fail-strategy-at makes the subcloud's strategy step fail in
that state (e.g. "apply VIM sw-deploy strategy"), with upstream's failure text for the state and --fail-reason as
its cause; an empty value clears it. --sync ENDPOINT=STATUS makes the lab's audit report that status for the
endpoint while the subcloud is managed and online (out-of-sync makes it eligible for the endpoint's strategy;
in-sync clears it); a strategy step that completes puts its endpoint back in-sync.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> lab subcloud set subcloud1 --sync software=out-of-sync',
    '<%= config.bin %> lab subcloud set subcloud2 --fail-strategy-at "apply VIM sw-deploy strategy"',
    '<%= config.bin %> lab subcloud set subcloud2 --fail-strategy-at ""',
  ]
  static args = {
    name: Args.string({description: 'subcloud name', required: true}),
  }
  static flags = {
    ...showFlags,
    ...labFlags,
    'fail-strategy-at': Flags.string({description: 'make the strategy step fail in this state ("" clears)'}),
    'fail-reason': Flags.string({description: 'the cause the failure reports', dependsOn: ['fail-strategy-at']}),
    sync: Flags.string({description: 'ENDPOINT=in-sync|out-of-sync|unknown (repeatable)', multiple: true}),
  }

  async run() {
    const flags = this.flags
    if (flags['fail-strategy-at'] === undefined && !flags.sync)
      throw new UsageError('nothing to set', {hint: 'give --fail-strategy-at STATE and/or --sync ENDPOINT=STATUS'})
    const sync: Record<string, string> = {}
    for (const item of flags.sync ?? []) {
      const match = /^([^=\s]+)=(\S+)$/.exec(item)
      if (!match)
        throw new UsageError(`--sync takes ENDPOINT=STATUS, got "${item}"`, {hint: 'e.g. --sync software=out-of-sync'})
      sync[match[1]] = match[2]
    }
    const {resolveDataDir} = await import('../../../lab/lab-files.js')
    const {setSubcloudFaults} = await import('../../../lab/orchestrator/subcloud-fault-client.js')
    const faults = await setSubcloudFaults(resolveDataDir(flags['data-dir'], flags.site), this.args.name, {
      failStrategyAt: flags['fail-strategy-at'] === '' ? null : flags['fail-strategy-at'],
      failReason: flags['fail-reason'],
      sync: flags.sync ? sync : undefined,
    })
    const overrides = Object.entries(faults.sync_overrides).map(([endpoint, status]) => `${endpoint}=${status}`)
    const statuses = Object.entries(faults.endpoint_sync_status).map(([endpoint, status]) => `${endpoint}=${status}`)
    return this.printShow(
      ['name', 'fail strategy at', 'fail reason', 'sync overrides', 'endpoint sync status'],
      [faults.name, faults.fail_strategy_at, faults.fail_reason, overrides.join(', '), statuses.join(', ')],
    )
  }
}
