import type {LabStore} from '../lab-store.js'

/**
 * The phases of the lab's deploy runner and what a failure in each state stores (subcloud-lifecycle.md §2.7,
 * §3.1, §5.4). `DEPLOY_FAULT_STATES` are the states `dcm lab subcloud set --fail-deploy-at` accepts: a fault
 * fires once, at the next run of that state, so a resume or a retry after it goes through.
 */
export type DeployPhase =
  'create' | 'install' | 'bootstrap' | 'config' | 'complete' | 'pre-restore' | 'restore' | 'rehome' | 'enroll'

/**
 * Where a failed state stores something else than the restart map (TRANSITORY_DEPLOY_STATES) says: an init
 * failure stores pre-init-enroll-failed, playbook failure included (§2.1).
 */
export const PHASE_FAILED: Record<string, string> = {
  'initiating-enroll': 'pre-init-enroll-failed',
}

export const DEPLOY_FAULT_STATES = [
  'pre-install',
  'installing',
  'pre-bootstrap',
  'bootstrapping',
  'pre-config',
  'configuring',
  'pre-restore',
  'restoring',
  'initiating-enroll',
  'pre-enroll',
  'enrolling',
  'backing-up',
  'prestaging',
]

/** §1.3: a failed playbook with nothing found in its log (the lab's timed phases have no log to search). */
export function playbookFailure(stage: string, name: string, reason?: string): string {
  if (reason) return `FAILED ${stage} playbook of (${name}).\ndetail: ${reason} \nFAILED TASK: ${reason}`
  return (
    `FAILED ${stage} playbook of (${name}).\n` +
    `check individual log at /var/log/dcmanager/ansible/${name}_playbook_output.log for detailed output`
  )
}

/** The subcloud's injected fault if it names one of `states`; cleared as it is taken. */
export function takeDeployFault(
  store: LabStore,
  id: number,
  states: string[],
): {state: string; reason?: string} | undefined {
  const fault = store.subcloudById(id)?.deployFault
  if (!fault || !states.includes(fault.state)) return undefined
  store.updateSubcloud(id, {deployFault: undefined}, {touch: false})
  return fault
}
