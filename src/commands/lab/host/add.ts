import {Flags} from '@oclif/core'
import {MAX_DURATION_SECONDS} from '../../../core/duration.js'
import {nameArg} from '../../../cli/names.js'

import {BaseCommand, EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {labFlags} from '../../../cli/lab-flags.js'
import {showFlags} from '../../../cli/output-flags.js'
import {UsageError} from '../../../core/errors.js'
import {passwordFlags, resolveSysadminPassword} from '../../../cli/subcloud-passwords.js'
import {jsonShape} from '../../../cli/json-shape.js'

const LAB_HOST_FIELDS = [
  'name',
  'bootstrap_address',
  'ssh_port',
  'release',
  'fail_at',
  'duration',
  'bootstrapped',
  'host_key',
  'ssh_config',
  'known_hosts',
]

export default class LabHostAdd extends BaseCommand<typeof LabHostAdd> {
  static summary = 'Add a simulated subcloud controller-0 to the running lab, served over SSH on loopback.'
  static description = `The running lab (dcm lab start) serves the host on an ephemeral 127.0.0.1 port: sysadmin password login,
SFTP, and an ansible-playbook that plays a realistic StarlingX bootstrap. It writes <data-dir>/ssh_config (mapping the
bootstrap address to that port) and <data-dir>/known_hosts; \`eval "$(dcm lab env)"\` exports them as DCM_SSH_CONFIG and
DCM_KNOWN_HOSTS, so \`dcm subcloud bootstrap\`, the pre-flight of \`dcm subcloud add\` and the lab's own deployer reach the
host by its bootstrap address without a packet leaving loopback.

The bootstrap address comes from --bootstrap-address, or from --bootstrap-values (external_oam_node_0_address, else
external_oam_floating_address). The sysadmin password the host accepts comes from --sysadmin-password,
--sysadmin-password-stdin, DCM_SYSADMIN_PASSWORD or a prompt; the lab keeps only a salted hash of it.

${EXIT_CODES_HELP}`
  static examples = [
    'DCM_SYSADMIN_PASSWORD=... <%= config.bin %> lab host add subcloud1 --bootstrap-address 10.10.10.12',
    '<%= config.bin %> lab host add subcloud1 --bootstrap-values sc1.yml --fail-at "Applying puppet bootstrap manifest"',
    '<%= config.bin %> lab host add subcloud2 --bootstrap-address 10.10.20.12 --duration 30 --release 24.09',
  ]
  static jsonShape = jsonShape.object(LAB_HOST_FIELDS)
  static args = {
    name: nameArg('Host name', {description: 'host name (usually the subcloud name)'}),
  }
  static flags = {
    ...showFlags,
    ...labFlags,
    'bootstrap-address': Flags.string({description: "the host's bootstrap (OAM) address, as given to subcloud add"}),
    'bootstrap-values': Flags.string({description: 'take the bootstrap address from this bootstrap values file'}),
    'fail-at': Flags.string({
      description:
        'make the bootstrap fail at this task (a task name, "role : task", or a role such as bootstrap/apply-manifest)',
    }),
    duration: Flags.string({description: 'seconds a successful bootstrap takes on this host', default: '5'}),
    release: Flags.string({description: 'software release the host reports in /etc/build.info', default: '24.09'}),
    ...passwordFlags({sysadmin: 'the sysadmin password the host accepts (visible in ps; prefer the others)'}),
  }

  async run() {
    const flags = this.flags
    const {resolveDataDir} = await import('../../../lab/lab-files.js')
    const dataDir = resolveDataDir(flags['data-dir'], flags.site)
    const durationSeconds = Number(flags.duration)
    if (!Number.isFinite(durationSeconds) || durationSeconds < 0 || durationSeconds > MAX_DURATION_SECONDS)
      throw new UsageError(
        `--duration must be a number of seconds from 0 to ${MAX_DURATION_SECONDS}, got "${flags.duration}"`,
      )
    const bootstrapAddress = flags['bootstrap-address'] ?? (await addressFromValues(flags['bootstrap-values']))
    const password = await resolveSysadminPassword(flags, {
      prompt: `Enter the sysadmin password for lab host ${this.args.name}:`,
    })
    const {LabHostClient} = await import('../../../lab/hosts/host-admin-client.js')
    const client = await LabHostClient.connect(dataDir)
    try {
      const {host, ssh_config, known_hosts} = await client.add({
        name: this.args.name,
        bootstrapAddress,
        password,
        failAt: flags['fail-at'],
        durationSeconds,
        release: flags.release,
      })
      return this.printShow(LAB_HOST_FIELDS, [
        host.name,
        host.bootstrap_address,
        host.port,
        host.release,
        host.fail_at,
        `${host.duration}s`,
        host.bootstrapped,
        host.fingerprint,
        ssh_config,
        known_hosts,
      ])
    } finally {
      await client.close()
    }
  }
}

/** The address dcmanager would bootstrap a subcloud described by this file at. */
async function addressFromValues(file: string | undefined): Promise<string> {
  if (!file)
    throw new UsageError('give --bootstrap-address or --bootstrap-values', {
      hint: 'e.g. --bootstrap-address 10.10.10.12',
    })
  const {promises: fs} = await import('node:fs')
  const {parseDocument} = await import('yaml')
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(
      `${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    )
  }
  const {yamlProblem} = await import('../../../core/overrides/yaml-messages.js')
  let values: Record<string, unknown> | null
  try {
    const document = parseDocument(text)
    const [first] = document.errors
    if (first) {
      const [line, col] = first.linePos?.[0] ? [first.linePos[0].line, first.linePos[0].col] : [1, 1]
      throw new UsageError(`${file}:${line}:${col}: ${yamlProblem(first)}`)
    }
    // The same alias bound as the override loader: a "billion laughs" file is refused, naming the file.
    values = document.toJS({maxAliasCount: 100}) as Record<string, unknown> | null
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`${file}: ${yamlProblem(error)}`)
  }
  const address = values?.external_oam_node_0_address ?? values?.external_oam_floating_address
  if (typeof address !== 'string' || address === '')
    throw new UsageError(`${file}: has no external_oam_floating_address to take the bootstrap address from`, {
      hint: 'give --bootstrap-address',
    })
  return address
}
