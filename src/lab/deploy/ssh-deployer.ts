import path from 'node:path'

import {describePlaybookFailure} from '../../core/bootstrap/error-description.js'
import type {BootstrapResult} from '../../core/bootstrap/types.js'
import {banner, recapLine, timingLine} from '../hosts/bootstrap-transcript.js'
import type {DeployOutcome, DeployProgress, DeployRequest, Deployer} from './deployer.js'
import type {LabHostInfo, LabHostRegistry} from '../hosts/ssh-host-registry.js'

/**
 * The lab's real deployer: bootstraps a subcloud over SSH with dcm's own engine (runBootstrap, the same code
 * as `dcm subcloud bootstrap`) against the lab host serving the subcloud's bootstrap address. The SSH client
 * resolves that address through the lab's ssh_config to the host's loopback port and checks its key against
 * the lab's known_hosts (strict), so nothing ever connects to the 10.x/192.168.x address itself.
 *
 * deploy-status: `pre-bootstrap` while connecting and uploading, `bootstrapping` once the playbook runs;
 * the outcome and error_description come from the run (local-bootstrap.md §5.3-5.5).
 */
export interface SshDeployerOptions {
  dataDir: string
  registry: () => Promise<LabHostRegistry>
  /** How long a deploy waits for a lab host to appear at its bootstrap address (`dcm lab host add` after `subcloud add`). */
  hostWaitMs?: number
  /** Bootstrap wall-clock limit in seconds (runBootstrap's --timeout); default one hour, as dcm's. */
  timeoutSeconds?: number
  /** Directory of the runs' log files; default <data-dir>/ansible. */
  logDir?: string
}

export const DEFAULT_HOST_WAIT_MS = 15_000

export class SshDeployer implements Deployer {
  readonly kind = 'ssh'

  constructor(private readonly options: SshDeployerOptions) {}

  async deploy(request: DeployRequest, progress: DeployProgress, signal: AbortSignal): Promise<DeployOutcome> {
    progress.setDeployStatus('pre-bootstrap')
    const registry = await this.options.registry()
    const host = await this.waitForHost(registry, request.bootstrapAddress, signal)
    if (signal.aborted) return {ok: false, deployStatus: 'bootstrap-aborted', errorDescription: 'No errors present'}
    if (!host) {
      progress.setDeployStatus('bootstrapping')
      return unreachable(
        request,
        `Failed to connect to the host via ssh: ssh: connect to host ${request.bootstrapAddress} port 22: No route to host`,
        this.logDir,
      )
    }
    const {runBootstrap} = await import('../../core/bootstrap/engine.js')
    const result = await runBootstrap({
      target: {
        host: request.bootstrapAddress,
        configFile: registry.sshConfigPath,
        knownHostsFile: registry.knownHostsPath,
        hostKeyPolicy: 'strict',
        connectTimeoutMs: 10_000,
      },
      password: request.sysadminPassword,
      overridesText: request.bootstrapValues,
      subcloudName: request.subcloudName,
      timeoutSeconds: this.options.timeoutSeconds,
      signal,
      logDir: this.logDir,
      onEvent: (event) => {
        if (event.type === 'stage' && event.stage === 'running') progress.setDeployStatus('bootstrapping')
      },
    })
    return outcomeOf(request, result, this.logDir)
  }

  private get logDir(): string {
    return this.options.logDir ?? path.join(this.options.dataDir, 'ansible')
  }

  /** Poll the registry: an operator may add the host just after `subcloud add`. */
  private async waitForHost(
    registry: LabHostRegistry,
    address: string,
    signal: AbortSignal,
  ): Promise<LabHostInfo | undefined> {
    const deadline = Date.now() + (this.options.hostWaitMs ?? DEFAULT_HOST_WAIT_MS)
    for (;;) {
      const host = registry.findByAddress(address)
      if (host || signal.aborted || Date.now() >= deadline) return host
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now()))))
    }
  }
}

function outcomeOf(request: DeployRequest, result: BootstrapResult, logDir: string): DeployOutcome {
  switch (result.outcome) {
    case 'complete':
      return {ok: true}
    case 'aborted':
      return {ok: false, deployStatus: 'bootstrap-aborted', errorDescription: 'No errors present'}
    case 'not-started': {
      // A real System Controller meets these inside the playbook's first remote task: the host is
      // UNREACHABLE (no route, refused, wrong password), and dcmanager's error_description shows that line.
      const reason = result.error?.message ?? result.summary
      const message = /password|authenticat|permission denied/i.test(reason)
        ? 'Invalid/incorrect password: Permission denied, please try again.'
        : `Failed to connect to the host via ssh: ${reason}`
      return unreachable(request, message, logDir)
    }
    default:
      return {
        ok: false,
        deployStatus: 'bootstrap-failed',
        errorDescription:
          result.errorDescription ?? `FAILED bootstrapping playbook of (${request.subcloudName}).\n${result.summary}`,
      }
  }
}

/** The failure dcmanager reports when the playbook cannot reach the subcloud at all (§5.5 format). */
function unreachable(request: DeployRequest, message: string, logDir: string): DeployOutcome {
  const host = request.subcloudName
  const now = new Date()
  const transcript = [
    banner('PLAY [all]'),
    '',
    banner('TASK [common/check-connectivity : Check connectivity]'),
    timingLine(now, 52, 52),
    `fatal: [${host}]: UNREACHABLE! => changed=false`,
    `  msg: '${message.replaceAll("'", "''")}'`,
    '  unreachable: true',
    '',
    banner('PLAY RECAP'),
    recapLine(host, {ok: 0, changed: 0, unreachable: 1, failed: 0, skipped: 0, rescued: 0, ignored: 0}),
    '',
  ].join('\n')
  const logPath = path.join(logDir, `${host}_playbook_output.log`)
  return {
    ok: false,
    deployStatus: 'bootstrap-failed',
    errorDescription: describePlaybookFailure(host, transcript, logPath),
  }
}
