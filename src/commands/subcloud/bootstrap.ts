import {Flags} from '@oclif/core'
import {durationFlag} from '../../cli/duration-flags.js'

import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {ExitCode, type DcmError} from '../../core/errors.js'
import {ALLOW_UNKNOWN_KEYS_HELP} from '../../core/overrides/findings.js'
import {listerFlags} from '../../cli/output-flags.js'
import {sshFlags, sshTargetFrom} from '../../cli/ssh-flags.js'
import {passwordFlags, resolveSysadminPassword} from '../../cli/subcloud-passwords.js'
import {jsonShape} from '../../cli/json-shape.js'

const COLUMNS = ['name', 'bootstrap address', 'result', 'tasks', 'elapsed', 'failed task', 'detail', 'log file']

export default class SubcloudBootstrap extends BaseCommand<typeof SubcloudBootstrap> {
  static summary = 'Bootstrap subclouds directly over SSH (no System Controller in the loop).'
  static description = `Validates every bootstrap values file locally first (exit 2, nothing sent), runs the pre-flight checks (SSH reachable, password accepted, bootstrap address in the OAM subnet, release, not already bootstrapped), uploads the values to controller-0 as ~/localhost.yml (0600, removed afterwards) and runs the bootstrap playbook there in its own process group. Progress goes to stderr (a live line on a terminal, timestamped lines otherwise) and the whole run to a log file <name>_bootstrap_<timestamp>.log (0600) whose path is printed first. Ctrl-C or --timeout stop the remote playbook's process group.
Several subclouds: repeat --bootstrap-values FILE --bootstrap-address IP in pairs, or pass a directory holding the files and an addresses.yml map ("<subcloud name>: <address>"); --parallel N runs N at a time, one failure does not stop the others, and a summary table ends the run.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud bootstrap --bootstrap-address 10.10.10.12 --bootstrap-values subcloud1.yml',
    'printf %s "$PW" | <%= config.bin %> subcloud bootstrap --bootstrap-address 10.10.10.12 --bootstrap-values subcloud1.yml --sysadmin-password-stdin --timeout 5400',
    '<%= config.bin %> subcloud bootstrap --bootstrap-values ./site-a/ --parallel 10 --ssh-config ./ssh_config',
  ]
  static jsonShape = jsonShape.list(COLUMNS)
  static flags = {
    ...listerFlags,
    ...sshFlags,
    'bootstrap-address': Flags.string({
      description: 'IP address of controller-0 (repeatable: one per --bootstrap-values file, same order)',
      multiple: true,
    }),
    'bootstrap-values': Flags.string({
      description: 'bootstrap values YAML file, or a directory of them with an addresses.yml map (repeatable)',
      multiple: true,
      required: true,
    }),
    ...passwordFlags({sysadmin: 'sysadmin password of the subcloud controller [env: DCM_SYSADMIN_PASSWORD]'}),
    release: Flags.string({description: 'the installed release (SW_VERSION in /etc/build.info) must be this one'}),
    playbook: Flags.string({
      description: 'bootstrap playbook path on the controller',
      default: '/usr/share/ansible/stx-ansible/playbooks/bootstrap.yml',
      env: 'DCM_BOOTSTRAP_PLAYBOOK',
    }),
    timeout: durationFlag({
      description: 'seconds before the playbook is stopped (0 = no limit)',
      default: 3600,
      min: 0,
    }),
    'inactivity-timeout': durationFlag({
      description: 'seconds without any playbook output before it is stopped as hung (0 = never; use >= 900)',
      default: 0,
      min: 0,
    }),
    parallel: Flags.integer({description: 'how many subclouds to bootstrap at the same time', default: 1, min: 1}),
    'no-preflight': Flags.boolean({description: 'skip the pre-flight checks'}),
    'allow-unknown-keys': Flags.boolean({description: ALLOW_UNKNOWN_KEYS_HELP}),
    'log-dir': Flags.string({
      description:
        'directory for the run logs [default: /var/log/dcmanager when writable, else ~/.local/state/dcm/logs]',
      env: 'DCM_LOG_DIR',
    }),
    quiet: Flags.boolean({char: 'q', description: 'no progress output (the summary table is still printed)'}),
  }

  async run() {
    const f = this.flags
    const {planBootstrapTargets, validateTargets, runTarget, runBatch, batchExitCode, batchError} =
      await import('../../core/bootstrap/batch.js')
    const {findingsError, formatFinding, refuseUnknownKeys} = await import('../../core/overrides/findings.js')

    // Everything local first: a bad file or flag exits 2 before any connection is made.
    const targets = planBootstrapTargets(f['bootstrap-values'] ?? [], f['bootstrap-address'] ?? [])
    const findings = refuseUnknownKeys(await validateTargets(targets), f['allow-unknown-keys'])
    const invalid = findingsError(findings)
    if (invalid) throw invalid
    for (const warning of findings) process.stderr.write(`Warning: ${formatFinding(warning)}\n`)

    const password = await resolveSysadminPassword(f, {
      prompt: 'Enter the sysadmin password of the subcloud controller:',
      // The password already exists on the host (it is not being set): asking twice would add nothing.
      confirm: false,
    })

    const {BootstrapProgress, progressModeFor} = await import('../../core/output/progress.js')
    const {reportPreflightCheck} = await import('../../core/output/progress-preflight.js')
    const {LiveRegion} = await import('../../core/output/live-region.js')
    const several = targets.length > 1
    const mode = f.quiet ? 'quiet' : several && f.parallel > 1 ? 'plain' : progressModeFor(process.stderr)
    // One reporter for the pre-flight verdicts and the runs' progress: lines above one live status line.
    const region = new LiveRegion(process.stderr, mode)
    const reporters = new Map<string, InstanceType<typeof BootstrapProgress>>()
    const {readTaskEstimate, saveTaskEstimate} = await import('../../core/bootstrap/task-estimate.js')
    const expectedTasks = readTaskEstimate(f.playbook)
    const reporterFor = (name: string) => {
      let reporter = reporters.get(name)
      if (!reporter) {
        // One target: its failure is the command's Error line; several: each failure is reported as it happens.
        reporter = new BootstrapProgress({
          stream: process.stderr,
          label: name,
          region,
          expectedTasks,
          reportFailure: several,
        })
        reporters.set(name, reporter)
      }
      return reporter
    }

    let results
    try {
      results = await this.withInterrupt(
        (signal) =>
          runBatch(targets, f.parallel, signal, (target) =>
            runTarget(target, {
              ssh: sshTargetFrom(f, target.address, this.debugLine),
              password,
              playbook: f.playbook,
              timeoutSeconds: f.timeout,
              inactivityTimeoutSeconds: f['inactivity-timeout'],
              signal,
              logDir: f['log-dir'],
              preflight: !f['no-preflight'],
              release: f.release,
              onPreflightCheck: (t, check) =>
                reportPreflightCheck(region, check, several ? t.name : undefined, !several),
              onEvent: (t, event) => reporterFor(t.name).handle(event),
            }),
          ),
        {
          onInterrupt: () =>
            process.stderr.write(
              '\nInterrupted: stopping the remote playbook(s)... (Ctrl-C again to exit without waiting)\n',
            ),
          // A second Ctrl-C while the stop waits (e.g. for the playbook's not-abortable step): leave now, and say
          // what state that leaves behind.
          onRepeat: () => {
            process.stderr.write(
              'Interrupted again: exiting without waiting; the playbook may still be running on the host\n',
            )
            process.exit(ExitCode.interrupted)
          },
        },
      )
    } finally {
      for (const reporter of reporters.values()) reporter.stop()
      region.clear()
    }

    const completed = results.find((r) => r.outcome === 'complete')
    if (completed) saveTaskEstimate(f.playbook, completed.tasksRun)

    const rows = results.map((r, i) => [
      r.subcloudName,
      targets[i].address,
      r.outcome,
      r.tasksRun,
      formatSeconds(r.elapsedMs),
      r.failedTask ?? '',
      detailOf(r),
      r.logPath ?? '',
    ])
    const code = batchExitCode(results)
    // A single failed run as a table would repeat the Error line below; machine formats still get their row.
    const records =
      !several && code !== ExitCode.ok && (f.format ?? 'table') === 'table' ? [] : this.printList(COLUMNS, rows)
    if (code !== ExitCode.ok) {
      const bad = results.filter((r) => r.exitCode !== ExitCode.ok)
      const message = several
        ? `${bad.length} of ${results.length} bootstraps did not complete: ${bad.map((r) => r.subcloudName).join(', ')}`
        : bad[0].summary
      const hint = !several ? (bad[0].error as DcmError | undefined)?.hint : undefined
      throw batchError(code, message, hint ?? (bad[0].logPath ? `see the log ${bad[0].logPath}` : undefined))
    }
    return records
  }
}

function detailOf(result: {outcome: string; failureMessage?: string; summary: string; subcloudName: string}): string {
  const text = result.outcome === 'failed' && result.failureMessage ? result.failureMessage : result.summary
  return text.replace(new RegExp(`^${escapeRegExp(result.subcloudName)}: `), '').split('\n')[0]
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`
}
