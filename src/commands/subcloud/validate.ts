import {Args, Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {systemControllersFromFlags, validateFiles} from '../../core/overrides/batch.js'
import {validatorOrigin} from '../../core/overrides/schema.js'
import {ALLOW_UNKNOWN_KEYS_HELP} from '../../core/overrides/findings.js'
import {listerFlags} from '../../cli/output-flags.js'
import {reportFindings} from '../../cli/validate-report.js'
import {jsonShape} from '../../cli/json-shape.js'
import {FINDING_COLUMNS} from '../../core/overrides/findings.js'

export default class SubcloudValidate extends BaseCommand<typeof SubcloudValidate> {
  static summary = 'Check subcloud bootstrap-values files offline, before anything is sent.'
  static description = `Runs the bootstrap-values schema and every network rule of dcmanager, the bootstrap playbook and sysinv
(subnets, ranges, gateways, minimum sizes, IPv4/IPv6 and dual-stack, admin network, the System Controller
gateway rules, overlaps between the file's own networks), plus rules only dcm has. With several files it also
reports duplicate names and overlapping management/admin/OAM subnets between them.

Prints one row per finding. Warnings (unknown parameters: upstream passes them to Ansible as is) do not fail
unless --strict is given. Each error is also printed on stderr as FILE:LINE:COL: MESSAGE.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud validate subcloud1.yml',
    '<%= config.bin %> subcloud validate sites/*.yml -f json',
    '<%= config.bin %> subcloud template --system-mode duplex | <%= config.bin %> subcloud validate -',
    '<%= config.bin %> subcloud validate sc1.yml --system-controller-subnet 10.20.0.0/24 --system-controller-pool 10.20.0.2-10.20.0.99',
  ]
  static strict = false
  static jsonShape = jsonShape.list(FINDING_COLUMNS)
  static args = {
    file: Args.string({description: 'bootstrap-values YAML file(s); - reads standard input', required: true}),
  }
  static flags = {
    ...listerFlags,
    'system-controller-subnet': Flags.string({
      multiple: true,
      description:
        "the System Controller's management subnet, one per IP family [default: 192.168.204.0/24 and fd00:204::/64]",
    }),
    'system-controller-pool': Flags.string({
      multiple: true,
      description:
        "the System Controller's management address pool START-END, one per IP family [default: .2-.50 of the default subnets]",
    }),
    'allow-unknown-keys': Flags.boolean({description: ALLOW_UNKNOWN_KEYS_HELP}),
    strict: Flags.boolean({
      description: 'treat warnings (unknown parameters, names that are not RFC 1123, ...) as errors',
    }),
    'bootstrap-address': Flags.string({
      description: 'the address the subcloud is installed with, checked against its OAM subnet (as on subcloud add)',
    }),
  }

  async run() {
    const {argv} = await this.parse(SubcloudValidate)
    const files = argv as string[]
    const systemControllers = systemControllersFromFlags(
      this.flags['system-controller-subnet'],
      this.flags['system-controller-pool'],
    )
    this.debugLine(
      `System Controller management: ${systemControllers.map((n) => `${n.managementSubnet} pool ${n.poolStart}-${n.poolEnd}`).join(', ')}`,
    )
    const started = performance.now()
    const found = await validateFiles(files, 'subcloud', {
      systemControllers,
      bootstrapAddress: this.flags['bootstrap-address'],
    })
    this.debugLine(
      `${files.length} file(s), ${found.length} finding(s) in ${(performance.now() - started).toFixed(0)} ms (schema validators: ${await validatorOrigin()})`,
    )
    return reportFindings(found, {
      allowUnknownKeys: this.flags['allow-unknown-keys'],
      strict: this.flags.strict,
      fileCount: files.length,
      files,
      format: this.flags.format,
      printList: (columns, rows) => this.printList(columns, rows),
    })
  }
}
