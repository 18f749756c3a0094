import {statSync} from 'node:fs'

import {Flags} from '@oclif/core'
import {waitTimingFlags} from '../../cli/wait-flags.js'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {ExitCode, UsageError} from '../../core/errors.js'
import {ALLOW_UNKNOWN_KEYS_HELP, formatFinding} from '../../core/overrides/findings.js'
import {addSubcloud} from '../../core/flows/add-subcloud.js'
import {type AddRequest, checkAddRequest, validateAddFiles} from '../../core/subclouds/add.js'
import {SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL, subcloudShow} from '../../core/subclouds/columns.js'
import {requireName} from '../../cli/names.js'
import {showFlags} from '../../cli/output-flags.js'
import {sshFlags, sshTargetFrom} from '../../cli/ssh-flags.js'
import {passwordFlags, resolveBmcPassword, resolveSysadminPassword} from '../../cli/subcloud-passwords.js'
import {jsonShape} from '../../cli/json-shape.js'
import {deployProgress} from '../../cli/deploy-progress.js'

/** The summary table of an add with several files. */
const ADD_BATCH_COLUMNS = ['name', 'bootstrap address', 'result', 'deploy status', 'detail']
/** Form fields a --dry-run shows besides the ones every add sends. */
const DRY_RUN_OPTIONAL = [
  'install_values',
  'deploy_config',
  'cloud_init_config',
  'bmc_password',
  'group_id',
  'release',
  'migrate',
  'enroll',
  'name',
]

export default class SubcloudAdd extends BaseCommand<typeof SubcloudAdd> {
  static summary = 'Add a subcloud.'
  static description = `Validates the bootstrap values locally first (schema, network rules, overlap with the subclouds the System Controller already has): an invalid file exits 2 and nothing is sent. Passwords come from the flags, --sysadmin-password-stdin, DCM_SYSADMIN_PASSWORD / DCM_BMC_PASSWORD, or a hidden prompt (asked twice) on a terminal.
--install-values is checked offline like the bootstrap values (schema and dcmanager's rules, file:line:col); the BMC password comes from --bmc-password, --bmc-password-stdin, DCM_BMC_PASSWORD or the prompt, never from the file.
--wait follows the deploy status: exit 0 when complete, 1 on a failure state (with the error description), 4 on --timeout.
Several subclouds: repeat --bootstrap-values FILE --bootstrap-address IP in pairs, or pass a directory holding the files and an addresses.yml map ("<subcloud name>: <address>"); every file is validated first (against the live subclouds and each other), --parallel N adds N at a time, one failure does not stop the others, and a summary table ends the run (exit 0 if all succeeded, else the worst code).

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud add --bootstrap-address 10.10.10.12 --bootstrap-values subcloud1.yml --wait',
    'printf %s "$PW" | <%= config.bin %> subcloud add --bootstrap-address 10.10.10.12 --bootstrap-values subcloud1.yml --sysadmin-password-stdin',
    '<%= config.bin %> subcloud add --bootstrap-address 10.10.10.12 --bootstrap-values subcloud1.yml --dry-run',
    '<%= config.bin %> subcloud add --bootstrap-values ./site-a/ --parallel 4 --wait',
  ]
  static jsonShape = jsonShape.oneOf(
    jsonShape.object(SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL),
    jsonShape.list(ADD_BATCH_COLUMNS),
    jsonShape.object(['request', 'bootstrap_values', 'bootstrap-address', 'sysadmin_password'], DRY_RUN_OPTIONAL),
  )
  static flags = {
    ...showFlags,
    ...authFlags,
    ...sshFlags,
    'bootstrap-address': Flags.string({
      description:
        'IP address for initial subcloud controller (repeatable: one per --bootstrap-values file, same order)',
      multiple: true,
    }),
    'bootstrap-values': Flags.string({
      description:
        'YAML file containing subcloud configuration settings, or a directory of them with an addresses.yml map (repeatable)',
      multiple: true,
      required: true,
    }),
    'deploy-config': Flags.string({
      description: 'YAML file containing subcloud variables to be passed to the deploy playbook',
    }),
    'install-values': Flags.string({
      description: 'YAML file containing subcloud variables required for remote install playbook',
    }),
    ...passwordFlags({
      sysadmin: 'sysadmin password of the subcloud to be configured [env: DCM_SYSADMIN_PASSWORD]',
      bmc: 'BMC password of the subcloud (with --install-values) [env: DCM_BMC_PASSWORD]',
    }),
    group: Flags.string({description: 'name or id of the subcloud group (a name is resolved to its id first)'}),
    release: Flags.string({
      description: 'software release used to install, bootstrap and/or deploy the subcloud (YY.MM)',
    }),
    migrate: Flags.boolean({description: 'migrate a subcloud from another distributed cloud'}),
    name: Flags.string({description: 'subcloud name (only with --migrate; must match the bootstrap values)'}),
    enroll: Flags.boolean({
      description: 'enroll an installed subcloud (needs --install-values) instead of installing it',
    }),
    'cloud-init-config': Flags.string({
      description: 'tar archive of cloud-init data used during the enrollment (only with --enroll)',
    }),
    'dry-run': Flags.boolean({description: 'validate and print what would be sent (passwords redacted), send nothing'}),
    wait: Flags.boolean({description: 'follow the deploy status until the subcloud is deployed or failed'}),
    ...waitTimingFlags(),
    parallel: Flags.integer({
      description: 'with several --bootstrap-values: how many subclouds to add at the same time',
      default: 1,
      min: 1,
    }),
    quiet: Flags.boolean({char: 'q', description: 'no progress output (pre-flight failures and warnings still print)'}),
    'system-controller-subnet': Flags.string({
      multiple: true,
      description:
        "the System Controller's management subnet for the local checks, one per IP family [default: 192.168.204.0/24 and fd00:204::/64]",
    }),
    'system-controller-pool': Flags.string({
      multiple: true,
      description:
        "the System Controller's management address pool START-END, one per IP family [default: .2-.50 of the default subnets]",
    }),
    'allow-unknown-keys': Flags.boolean({description: ALLOW_UNKNOWN_KEYS_HELP}),
    'no-preflight': Flags.boolean({
      description:
        'skip the SSH pre-flight check of the bootstrap address (reachable, password accepted, not bootstrapped yet)',
    }),
  }

  async run() {
    const f = this.flags
    const valuesArgs = f['bootstrap-values'] ?? []
    const addressArgs = f['bootstrap-address'] ?? []
    if (valuesArgs.length > 1 || isDirectory(valuesArgs[0])) return this.addSeveral()
    if (addressArgs.length === 0) throw new UsageError('Missing required flag bootstrap-address')
    if (addressArgs.length > 1)
      throw new UsageError(`--bootstrap-address given ${addressArgs.length} time(s) for 1 --bootstrap-values file(s)`, {
        hint: 'give one --bootstrap-address per file, in the same order, or use a directory with an address map',
      })
    const request: AddRequest = {
      bootstrapAddress: addressArgs[0],
      bootstrapValues: valuesArgs[0],
      installValues: f['install-values'],
      deployConfig: f['deploy-config'],
      group: f.group,
      release: f.release,
      migrate: f.migrate,
      name: f.name,
      enroll: f.enroll,
      cloudInitConfig: f['cloud-init-config'],
      allowUnknownKeys: f['allow-unknown-keys'],
    }
    await checkAddRequest(request)
    const {systemControllersFromFlags} = await import('../../core/overrides/batch.js')
    const systemControllers = systemControllersFromFlags(f['system-controller-subnet'], f['system-controller-pool'])
    if (f['bmc-password'] && !f['install-values'])
      this.warn('--bmc-password is only sent with --install-values; ignoring it')
    if (request.group !== undefined) requireName(request.group, '--group')
    if (request.name !== undefined) requireName(request.name, '--name')
    // Local checks first (issue 14): the files are read and validated on their own before Keystone hears the
    // password, so a bad file exits 2 even when the System Controller is unreachable.
    await validateAddFiles(request, [], systemControllers)
    // Every password the run needs is known before the first request (and a missing one is exit 2, nothing sent).
    const sysadminPassword = f['dry-run'] ? '' : await resolveSysadminPassword(f)
    const bmcPassword = request.installValues && !f['dry-run'] ? await resolveBmcPassword(f) : undefined
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const {reportPreflightCheck} = await import('../../core/output/progress-preflight.js')
    // One reporter for the pre-flight verdicts and --wait: lines above one live status line on a terminal.
    const progress = await deployProgress(Boolean(f.quiet))
    try {
      const result = await this.withInterrupt(
        (signal) =>
          addSubcloud({
            client,
            request,
            systemControllers,
            dryRun: f['dry-run'],
            // Resolved before the first request (local checks first); the flow takes them when it needs them.
            secrets: async () => ({sysadminPassword, bmcPassword}),
            // An enrolled subcloud is factory-installed and bootstrapped, its OAM address set by the enrollment
            // itself: the pre-flight's "reachable, not bootstrapped yet" does not apply.
            preflight:
              f['no-preflight'] || f.enroll ? undefined : sshTargetFrom(f, request.bootstrapAddress, this.debugLine),
            wait: f.wait
              ? {
                  timeoutMs: f.timeout * 1000,
                  intervalMs: f['poll-interval'],
                  signal,
                  onRetry: (error, ms) => this.debugLine(`status poll failed (${error.message}); retrying in ${ms} ms`),
                }
              : undefined,
            reporter: {
              validated: (validation) => {
                for (const warning of validation.warnings) process.stderr.write(`Warning: ${formatFinding(warning)}\n`)
              },
              preflightCheck: (check) => reportPreflightCheck(progress.region, check, undefined, true),
              deployProgress: progress.update,
            },
          }),
        {onRepeat: 'exit'},
      )
      progress.end()
      if (result.kind === 'dry-run') return this.printShow(result.fields, result.values)
      const {fields, values} = subcloudShow(result.subcloud)
      return this.printShow(fields, values)
    } catch (error) {
      progress.end()
      throw error
    }
  }

  /**
   * Several bootstrap values files (repeated flag or a directory with an address map): all validated first (exit
   * 2, nothing sent), then each one through the single add flow, --parallel at a time, and a summary table.
   */
  private async addSeveral() {
    const f = this.flags
    for (const single of ['install-values', 'deploy-config', 'cloud-init-config', 'enroll', 'name', 'dry-run'] as const)
      if (f[single]) throw new UsageError(`--${single} takes a single --bootstrap-values file`)
    const {planBootstrapTargets, runConcurrently, batchExitCode, batchError} =
      await import('../../core/bootstrap/batch.js')
    const {addTarget, validateAddBatch} = await import('../../core/subclouds/add-batch.js')
    const {findingsError, refuseUnknownKeys} = await import('../../core/overrides/findings.js')
    const {systemControllersFromFlags} = await import('../../core/overrides/batch.js')
    const targets = planBootstrapTargets(f['bootstrap-values'] ?? [], f['bootstrap-address'] ?? [])
    const systemControllers = systemControllersFromFlags(f['system-controller-subnet'], f['system-controller-pool'])
    if (f['bmc-password']) this.warn('--bmc-password is only sent with --install-values; ignoring it')
    if (f.group !== undefined) requireName(f.group, '--group')
    // Local checks first: every file on its own and against the others, before any request (issue 14).
    const local = findingsError(
      refuseUnknownKeys(await validateAddBatch(targets, [], systemControllers), f['allow-unknown-keys']),
    )
    if (local) throw local
    // One password for the whole batch, asked before the first request.
    const sysadminPassword = await resolveSysadminPassword(f)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const existing = await client.subclouds.list()
    const group = f.group && !/^\d+$/.test(f.group) ? String((await client.subcloudGroups.get(f.group)).id) : f.group
    const findings = refuseUnknownKeys(
      await validateAddBatch(targets, existing, systemControllers),
      f['allow-unknown-keys'],
    )
    const invalid = findingsError(findings)
    if (invalid) throw invalid
    for (const warning of findings) process.stderr.write(`Warning: ${formatFinding(warning)}\n`)
    const {reportPreflightCheck} = await import('../../core/output/progress-preflight.js')
    // Several subclouds interleave: one timestamped line per change, each starting with the subcloud name.
    const progress = await deployProgress(Boolean(f.quiet), false)
    const results = await this.withInterrupt(
      (signal) =>
        runConcurrently(
          targets,
          f.parallel,
          signal,
          (target) =>
            addTarget(target, {
              client,
              request: {group, release: f.release, migrate: f.migrate, allowUnknownKeys: f['allow-unknown-keys']},
              sysadminPassword,
              preflightTarget: f['no-preflight'] ? undefined : (address) => sshTargetFrom(f, address, this.debugLine),
              wait: f.wait ? {timeoutMs: f.timeout * 1000, intervalMs: f['poll-interval'], signal} : undefined,
              onPreflightCheck: (t, check) => reportPreflightCheck(progress.region, check, t.name),
              onProgress: (_t, p) => progress.update(p),
            }),
          (target, error) => ({
            subcloudName: target.name,
            bootstrapAddress: target.address,
            outcome: 'not-started' as const,
            deployStatus: '',
            exitCode: error.exitCode,
            detail: error.message,
            error,
          }),
        ),
      {onRepeat: 'exit'},
    )
    const records = this.printList(
      ADD_BATCH_COLUMNS,
      results.map((r) => [r.subcloudName, r.bootstrapAddress, r.outcome, r.deployStatus, r.detail]),
    )
    const code = batchExitCode(results)
    if (code !== ExitCode.ok) {
      const bad = results.filter((r) => r.exitCode !== ExitCode.ok)
      throw batchError(
        code,
        `${bad.length} of ${results.length} subclouds were not added${f.wait ? ' and deployed' : ''}: ${bad
          .map((r) => r.subcloudName)
          .join(', ')}`,
        f.wait ? `see 'dcm subcloud errors <name>' for a failed deployment's error description` : undefined,
      )
    }
    return records
  }
}

function isDirectory(file: string | undefined): boolean {
  try {
    return file !== undefined && statSync(file).isDirectory()
  } catch {
    return false
  }
}
