import {Args, Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {UsageError} from '../../core/errors.js'
import {systemControllersFromFlags, validateFiles} from '../../core/overrides/batch.js'
import {validatorOrigin} from '../../core/overrides/schema.js'
import {ALLOW_UNKNOWN_KEYS_HELP} from '../../core/overrides/findings.js'
import {listerFlags} from '../../cli/output-flags.js'
import {reportFindings} from '../../cli/validate-report.js'
import {jsonShape} from '../../cli/json-shape.js'
import {FINDING_COLUMNS} from '../../core/overrides/findings.js'

export default class SubcloudValidate extends BaseCommand<typeof SubcloudValidate> {
  static summary = 'Check subcloud bootstrap-values and install-values files offline, before anything is sent.'
  static description = `Runs the bootstrap-values schema and every network rule of dcmanager, the bootstrap playbook and sysinv
(subnets, ranges, gateways, minimum sizes, IPv4/IPv6 and dual-stack, admin network, the System Controller
gateway rules, overlaps between the file's own networks), plus rules only dcm has. With several files it also
reports duplicate names and overlapping management/admin/OAM subnets between them.

--install-values FILE checks an install-values file the same way: its schema (types, ranges, install_type
0-5), then dcmanager's own rules in dcmanager's order and words (mandatory keys, addresses and their IP
families, BMC address, network_address/mask/nexthop_gateway, persistent_size, software_version against
--release). Unknown keys and a given image are warnings.

Prints one row per finding. Warnings (unknown parameters: upstream passes them to Ansible as is) do not fail
unless --strict is given. Each error is also printed on stderr as FILE:LINE:COL: MESSAGE.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud validate subcloud1.yml',
    '<%= config.bin %> subcloud validate sites/*.yml -f json',
    '<%= config.bin %> subcloud template --system-mode duplex | <%= config.bin %> subcloud validate -',
    '<%= config.bin %> subcloud validate --install-values install-values.yml --release 25.09',
    '<%= config.bin %> subcloud validate sc1.yml --install-values install-values.yml --bootstrap-address 10.10.10.12',
    '<%= config.bin %> subcloud validate sc1.yml --system-controller-subnet 10.20.0.0/24 --system-controller-pool 10.20.0.2-10.20.0.99',
  ]
  static strict = false
  static jsonShape = jsonShape.list(FINDING_COLUMNS)
  static args = {
    file: Args.string({description: 'bootstrap-values YAML file(s); - reads standard input'}),
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
    'install-values': Flags.string({
      description: 'an install-values YAML file to check (schema and dcmanager rules)',
    }),
    release: Flags.string({
      description: "with --install-values: the release it is for (the file's software_version must match)",
    }),
  }

  async run() {
    const {argv} = await this.parse(SubcloudValidate)
    const files = argv as string[]
    const installValues = this.flags['install-values']
    if (files.length === 0 && !installValues)
      throw new UsageError('Missing 1 required arg: file', {
        hint: 'give bootstrap-values file(s), - for standard input, or --install-values FILE',
      })
    const systemControllers = systemControllersFromFlags(
      this.flags['system-controller-subnet'],
      this.flags['system-controller-pool'],
    )
    this.debugLine(
      `System Controller management: ${systemControllers.map((n) => `${n.managementSubnet} pool ${n.poolStart}-${n.poolEnd}`).join(', ')}`,
    )
    const started = performance.now()
    const found =
      files.length > 0
        ? await validateFiles(files, 'subcloud', {systemControllers, bootstrapAddress: this.flags['bootstrap-address']})
        : []
    if (installValues) found.push(...(await this.installValuesFindings(installValues, files)))
    this.debugLine(
      `${files.length} file(s), ${found.length} finding(s) in ${(performance.now() - started).toFixed(0)} ms (schema validators: ${await validatorOrigin()})`,
    )
    return reportFindings(found, {
      allowUnknownKeys: this.flags['allow-unknown-keys'],
      strict: this.flags.strict,
      fileCount: files.length + (installValues ? 1 : 0),
      files: installValues ? [...files, installValues] : files,
      format: this.flags.format,
      printList: (columns, rows) => this.printList(columns, rows),
    })
  }

  /** The install-values file, with the OAM subnet of the one bootstrap-values file beside it (BMC family rule). */
  private async installValuesFindings(file: string, bootstrapFiles: string[]) {
    const {loadOverrideFile} = await import('../../core/overrides/load.js')
    const {validateInstallValuesFile} = await import('../../core/overrides/install-values-file.js')
    let externalOamSubnet: string | undefined
    if (bootstrapFiles.length === 1 && bootstrapFiles[0] !== '-') {
      try {
        const oam = loadOverrideFile(bootstrapFiles[0]).values.external_oam_subnet
        externalOamSubnet = typeof oam === 'string' ? oam : undefined
      } catch {
        // already reported by the bootstrap-values pass
      }
    }
    return validateInstallValuesFile(loadOverrideFile(file, {field: 'install_values'}), {
      release: this.flags.release,
      bootstrapAddress: this.flags['bootstrap-address'],
      externalOamSubnet,
    })
  }
}
