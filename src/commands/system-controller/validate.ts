import {Args, Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../base-command.js'
import {validateFiles} from '../../lib/overrides/batch.js'
import {
  ALLOW_UNKNOWN_KEYS_HELP,
  FINDING_COLUMNS,
  findingRow,
  refuseUnknownKeys,
  strictFindings,
  validationFailure,
} from '../../lib/overrides/findings.js'
import {noneRow} from '../../lib/output/index.js'
import {listerFlags} from '../../output-flags.js'

export default class SystemControllerValidate extends BaseCommand<typeof SystemControllerValidate> {
  static summary = "Check a System Controller's own bootstrap overrides (localhost.yml) before bootstrapping it."
  static description = `The installation guide's central-cloud step: distributed_cloud_role must be systemcontroller, the
system mode one that may host it (duplex or duplex-direct, not simplex), management start and end given with room
outside the range for the subclouds' gateway routers, no admin network, and every platform network rule of the
bootstrap playbook (sizes, ranges, IP families, multicast, overlaps).

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> system-controller validate localhost.yml']
  static args = {file: Args.string({description: "the System Controller's localhost.yml", required: true})}
  static flags = {
    ...listerFlags,
    'allow-unknown-keys': Flags.boolean({description: ALLOW_UNKNOWN_KEYS_HELP}),
    strict: Flags.boolean({description: 'treat warnings (unknown parameters, subcloud-only keys) as errors'}),
  }

  async run() {
    const found = await validateFiles([this.args.file], 'system-controller')
    const checked = refuseUnknownKeys(found, this.flags['allow-unknown-keys'])
    const findings = this.flags.strict ? strictFindings(checked) : checked
    const rows = findings.map(findingRow)
    const empty = rows.length === 0 && this.flags.format === 'table'
    const records = this.printList([...FINDING_COLUMNS], empty ? [noneRow(FINDING_COLUMNS)] : rows)
    const failure = validationFailure(findings, 1)
    if (failure) {
      for (const line of failure.lines) process.stderr.write(`${line}\n`)
      throw failure.error
    }
    return empty ? [] : records
  }
}
