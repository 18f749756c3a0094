import {type Command, Flags} from '@oclif/core'

import type {PhaseCommand, PhaseRequest} from '../core/subclouds/phased-deploy.js'
import {SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL} from '../core/subclouds/columns.js'
import {type AuthFlagValues, dcmanagerFromFlags} from './auth-flags.js'
import {BaseCommand} from './base-command.js'
import {deployProgress} from './deploy-progress.js'
import {waitTimingFlags} from './wait-flags.js'
import {jsonShape} from './json-shape.js'
import {bmcPasswordFlag, passwordFlags, resolveBmcPassword, resolveSysadminPassword} from './subcloud-passwords.js'

/**
 * What the `subcloud deploy <phase>` commands share: `--wait` and its flags, and one run: the client's checks and
 * dcm's offline validation (exit 2, nothing sent, before any password or Keystone), the passwords in the upstream
 * client's order, the request through src/core/flows/deploy-phase.ts, live progress while waiting, the subcloud
 * table. Each command file declares its flags and help and builds its PhaseRequest.
 */
export const phaseWaitFlags = {
  wait: Flags.boolean({
    description: 'follow the deploy status until the phase ends (exit 0 done, 1 failed, 4 timeout)',
  }),
  ...waitTimingFlags(),
  quiet: Flags.boolean({char: 'q', description: 'no progress output'}),
}

export const PHASE_JSON_SHAPE = jsonShape.object(SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL)

/**
 * The deploy files and passwords as upstream's deploy commands word them, where several word them alike (`subcloud
 * deploy create/bootstrap/config/install/resume/enroll`, `subcloud redeploy`): each command takes the ones it has,
 * in its own order; a flag upstream words differently for one command stays in that command.
 */
export const phaseFlags = {
  bootstrapAddress: Flags.string({description: 'IP address for initial subcloud controller.'}),
  bootstrapValues: Flags.string({
    description: 'YAML file containing parameters required for the bootstrap of the subcloud.',
  }),
  deployConfig: Flags.string({
    description: 'YAML file containing parameters required for the initial configuration and unlock of the subcloud.',
  }),
  installValues: Flags.string({
    description: 'YAML file containing parameters required for the remote install of the subcloud.',
  }),
  sysadminPassword: passwordFlags({
    sysadmin:
      'sysadmin password of the subcloud to be configured, if not provided you will be prompted. [env: DCM_SYSADMIN_PASSWORD]',
  }),
  bmcPassword: bmcPasswordFlag(
    'bmc password of the subcloud to be configured, if not provided you will be prompted. This parameter is only valid if the --install-values are specified. [env: DCM_BMC_PASSWORD]',
  ),
}

type PhaseFlags = AuthFlagValues & {
  debug?: boolean
  wait?: boolean
  timeout?: number
  'poll-interval'?: number
  quiet?: boolean
  'sysadmin-password'?: string
  'sysadmin-password-stdin'?: boolean
  'bmc-password'?: string
  'bmc-password-stdin'?: boolean
}

export abstract class DeployPhaseCommand<T extends typeof Command> extends BaseCommand<T> {
  protected async runPhase(command: PhaseCommand, ref: string | undefined, request: PhaseRequest) {
    const f = this.flags as PhaseFlags
    const {checkDeployPhase, runDeployPhase} = await import('../core/flows/deploy-phase.js')
    const {PHASES} = await import('../core/subclouds/phased-deploy.js')
    const {formatFinding} = await import('../core/overrides/findings.js')
    // Local checks first: a bad file exits 2 before a password is asked or Keystone is reached.
    for (const warning of await checkDeployPhase(command, request))
      process.stderr.write(`Warning: ${formatFinding(warning)}\n`)
    const facts = PHASES[command]
    const wantsBmc = facts.bmc && Boolean(request.installValues)
    if (facts.bmc && !request.installValues && (f['bmc-password'] || f['bmc-password-stdin']))
      this.warn('--bmc-password is only sent with --install-values; ignoring it')
    // Upstream asks enroll's BMC password before the sysadmin one, every other phase the other way round.
    let bmcPassword = wantsBmc && command === 'enroll' ? await resolveBmcPassword(f) : undefined
    const sysadminPassword = facts.sysadmin ? await resolveSysadminPassword(f) : undefined
    if (wantsBmc && bmcPassword === undefined) bmcPassword = await resolveBmcPassword(f)
    const client = await dcmanagerFromFlags(f, this.debugLine)
    const progress = f.wait ? await deployProgress(Boolean(f.quiet)) : undefined
    try {
      const subcloud = await this.withInterrupt(
        (signal) =>
          runDeployPhase({
            client,
            command,
            ref,
            request,
            checked: true,
            secrets: async () => ({sysadminPassword, bmcPassword}),
            wait: f.wait
              ? {
                  timeoutMs: (f.timeout ?? 3600) * 1000,
                  intervalMs: f['poll-interval'],
                  signal,
                  onRetry: (error, ms) => this.debugLine(`status poll failed (${error.message}); retrying in ${ms} ms`),
                  onProgress: progress?.update,
                }
              : undefined,
          }),
        {onRepeat: 'exit'},
      )
      progress?.end()
      const {subcloudShow} = await import('../core/subclouds/columns.js')
      const {fields, values} = subcloudShow(subcloud)
      return this.printShow(fields, values)
    } catch (error) {
      progress?.end()
      throw error
    }
  }
}
