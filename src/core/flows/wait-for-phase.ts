import type {DcmanagerClient} from '../api/dcmanager-client.js'
import type {Subcloud} from '../api/dcmanager-types.js'
import {InterruptedError} from '../errors.js'
import {deployOutcome} from '../subclouds/deploy-status.js'
import type {PhaseCommand} from '../subclouds/phased-deploy.js'
import {
  deployFailed,
  deployTimedOut,
  deployWaitSettings,
  type DeployProgress,
  type WaitOptions,
} from './wait-for-deploy.js'
import {waitForState} from './wait-for-state.js'

/**
 * `subcloud deploy <phase> --wait`: waitForState over the subcloud's deploy-status until the phase rests
 * (subcloud-lifecycle.md §2.1, §2.7): its success state ends the wait (exit 0), a failure or aborted state is
 * exit 1 naming it, --timeout exit 4, Ctrl-C exit 130 (the phase goes on).
 *
 * A phase may start from the state it ends in (config from `complete`, resume from `bootstrap-failed` to fail
 * there again): the answer to the request is not stored yet when the first poll reads the record. So a state only
 * counts as final once the record moved away from `before` (another deploy-status or another updated-at).
 */
const PHASE_STEPS: Record<PhaseCommand, string[]> = {
  create: ['create-complete'],
  install: ['pre-install', 'installing', 'install-complete'],
  bootstrap: ['pre-bootstrap', 'bootstrapping', 'bootstrap-complete'],
  config: ['pre-config', 'configuring', 'complete'],
  complete: ['complete'],
  abort: [],
  resume: [],
  enroll: [
    'pre-init-enroll',
    'initiating-enroll',
    'init-enroll-complete',
    'pre-enroll',
    'enrolling',
    'enroll-complete',
  ],
}

/** The states after which a resume from `status` stops (§2.4 base lists); install is skipped without values. */
function resumeSteps(status: string): string[] {
  const install = ['create-complete', 'pre-install-failed', 'install-failed', 'install-aborted'].includes(status)
  const bootstrap =
    install || ['install-complete', 'pre-bootstrap-failed', 'bootstrap-failed', 'bootstrap-aborted'].includes(status)
  return [...(install ? PHASE_STEPS.install : []), ...(bootstrap ? PHASE_STEPS.bootstrap : []), ...PHASE_STEPS.config]
}

/** What ends a phase's wait well. */
function succeeded(command: PhaseCommand, status: string): boolean {
  switch (command) {
    case 'abort':
      return status.endsWith('-aborted')
    case 'resume':
      return status === 'complete'
    default:
      return status === PHASE_STEPS[command].at(-1)
  }
}

export interface PhaseWaitOptions extends Omit<WaitOptions, 'path' | 'onProgress'> {
  /** The record read just before the request (the phase's starting point). */
  before: Subcloud
  onProgress?: (progress: DeployProgress) => void
}

export function waitForPhase(
  client: DcmanagerClient,
  command: PhaseCommand,
  ref: string,
  options: PhaseWaitOptions,
): Promise<Subcloud> {
  const steps = command === 'resume' ? resumeSteps(options.before['deploy-status']) : PHASE_STEPS[command]
  const what = command === 'config' ? 'configuration' : command === 'complete' ? 'deploy complete' : command
  const follow = `the ${what} continues on the System Controller; follow it with 'dcm subcloud show ${ref}'`
  let moved = false
  return waitForState<Subcloud>({
    fetch: () => client.subclouds.get(ref),
    stateOf: (subcloud) => subcloud['deploy-status'],
    finalState: (subcloud) => {
      const status = subcloud['deploy-status']
      moved ||= status !== options.before['deploy-status'] || subcloud['updated-at'] !== options.before['updated-at']
      // create and complete are synchronous: their answer is already the stored state.
      if (!moved && command !== 'create' && command !== 'complete') return undefined
      if (succeeded(command, status)) return 'done'
      if (deployOutcome(status) !== 'in-progress') return 'failed'
      // A resting state off the phase's path (install-complete when a config was expected) ends it too; one on the
      // path (bootstrap-complete in a resume, before its config or complete) is a step.
      return RESTING.has(status) && !steps.includes(status) ? 'failed' : undefined
    },
    errors: {
      failed: (subcloud) => deployFailed(subcloud, what),
      timedOut: (subcloud, timeoutMs) => deployTimedOut(subcloud, timeoutMs, follow),
      interrupted: () => new InterruptedError(`stopped waiting for subcloud ${ref}`, {hint: follow}),
    },
    ...deployWaitSettings(options, steps),
  })
}

/** Resting states that are not a failure (§3.2 "OK"): a wait expecting another one stops there. */
const RESTING = new Set([
  'create-complete',
  'install-complete',
  'bootstrap-complete',
  'init-enroll-complete',
  'enroll-complete',
  'complete',
])
