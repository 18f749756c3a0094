import {setLongTimeout} from '../../core/duration.js'
import type {DeployOutcome, DeployProgress, DeployRequest, Deployer} from './deployer.js'

/**
 * A timed stand-in for a real bootstrap: walks `pre-bootstrap` -> `bootstrapping` and succeeds after the
 * configured time, or fails like a playbook would for the subclouds named in `failFor`. Its kind is
 * `simulated` so `dcm lab status` never lets anyone mistake it for a real run.
 */
export interface SimulatedDeployerOptions {
  /** Time spent in pre-bootstrap, ms. */
  prepareMs?: number
  /** Time spent bootstrapping, ms. */
  bootstrapMs?: number
  /** Subcloud names whose bootstrap fails (failure injection for tests and demos). */
  failFor?: Iterable<string>
}

export class SimulatedDeployer implements Deployer {
  readonly kind = 'simulated'
  private readonly prepareMs: number
  private readonly bootstrapMs: number
  private readonly failFor: Set<string>

  constructor(options: SimulatedDeployerOptions = {}) {
    this.prepareMs = options.prepareMs ?? 500
    this.bootstrapMs = options.bootstrapMs ?? 2000
    this.failFor = new Set(options.failFor ?? [])
  }

  async deploy(request: DeployRequest, progress: DeployProgress, signal: AbortSignal): Promise<DeployOutcome> {
    progress.setDeployStatus('pre-bootstrap')
    await sleep(this.prepareMs, signal)
    progress.setDeployStatus('bootstrapping')
    await sleep(this.bootstrapMs, signal)
    if (signal.aborted) {
      return {ok: false, deployStatus: 'bootstrap-aborted', errorDescription: 'No errors present'}
    }
    if (request.failTask) return simulatedFailure(request.subcloudName, request.failTask, 'dcm lab subcloud set')
    if (this.failFor.has(request.subcloudName)) {
      // The shape of dcmanager's find_ansible_error_msg (local-bootstrap.md §5.5).
      return {
        ok: false,
        deployStatus: 'bootstrap-failed',
        errorDescription:
          `FAILED bootstrapping playbook of (${request.subcloudName}).\n` +
          'detail: fatal: [' +
          request.subcloudName +
          ']: FAILED! => changed=false\n  msg: Simulated failure injected by dcm lab (--fail-subcloud) \n' +
          'FAILED TASK: TASK [bootstrap/validate-config : Fail if any of the configured registry keys is unknown] ' +
          'Wednesday 01 January 2025  00:00:00 +0000 (0:00:00.020)       0:00:12.345 ',
      }
    }
    return {ok: true}
  }
}

/** The shape of dcmanager's find_ansible_error_msg for a playbook that failed at `task`. */
function simulatedFailure(name: string, task: string, source: string): DeployOutcome {
  return {
    ok: false,
    deployStatus: 'bootstrap-failed',
    errorDescription:
      `FAILED bootstrapping playbook of (${name}).\n` +
      `detail: fatal: [${name}]: FAILED! => changed=false\n  msg: Simulated failure injected by ${source} \n` +
      `FAILED TASK: TASK [${task}] Wednesday 01 January 2025  00:00:00 +0000 (0:00:00.020)       0:00:12.345 `,
  }
}

/** Resolve after `ms`, or as soon as the signal aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setLongTimeout(done, ms)
    function done() {
      timer.cancel()
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, {once: true})
  })
}
