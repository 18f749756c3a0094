import {Args, Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {validateFiles} from '../../core/overrides/batch.js'
import {ALLOW_UNKNOWN_KEYS_HELP} from '../../core/overrides/findings.js'
import {listerFlags} from '../../cli/output-flags.js'
import {reportFindings} from '../../cli/validate-report.js'
import {jsonShape} from '../../cli/json-shape.js'
import {FINDING_COLUMNS} from '../../core/overrides/findings.js'

export default class SystemControllerValidate extends BaseCommand<typeof SystemControllerValidate> {
  static summary = "Check a System Controller's own bootstrap overrides (localhost.yml) before bootstrapping it."
  static description = `The installation guide's central-cloud step: distributed_cloud_role must be systemcontroller, the
system mode one that may host it (duplex or duplex-direct, not simplex), management start and end given with room
outside the range for the subclouds' gateway routers, no admin network, and every platform network rule of the
bootstrap playbook (sizes, ranges, IP families, multicast, overlaps).

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> system-controller validate localhost.yml']
  static jsonShape = jsonShape.list(FINDING_COLUMNS)
  static args = {file: Args.string({description: "the System Controller's localhost.yml", required: true})}
  static flags = {
    ...listerFlags,
    'allow-unknown-keys': Flags.boolean({description: ALLOW_UNKNOWN_KEYS_HELP}),
    strict: Flags.boolean({description: 'treat warnings (unknown parameters, subcloud-only keys) as errors'}),
  }

  async run() {
    const found = await validateFiles([this.args.file], 'system-controller')
    return reportFindings(found, {
      allowUnknownKeys: this.flags['allow-unknown-keys'],
      strict: this.flags.strict,
      fileCount: 1,
      files: [this.args.file],
      format: this.flags.format,
      printList: (columns, rows) => this.printList(columns, rows),
    })
  }
}
