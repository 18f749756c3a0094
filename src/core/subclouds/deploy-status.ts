/**
 * What a deploy-status means to someone waiting on it (dcmanager-api.md §3.2): `complete` is success,
 * failure and aborted states end the wait with exit 1, everything else is still moving. The step
 * numbers follow the happy path of an add for the progress display ("step 5 of 7").
 */
export type DeployOutcome = 'complete' | 'failed' | 'in-progress'

const FAILED_WITHOUT_SUFFIX = new Set(['bootstrap-aborted', 'install-aborted', 'config-aborted'])

export function deployOutcome(status: string): DeployOutcome {
  if (status === 'complete') return 'complete'
  if (status.endsWith('-failed') || FAILED_WITHOUT_SUFFIX.has(status)) return 'failed'
  return 'in-progress'
}

export interface AddPath {
  installValues?: boolean
  deployConfig?: boolean
  migrate?: boolean
  enroll?: boolean
}

/** The states an add passes through on its happy path (§3.2 "Happy paths"). */
export function addSteps(path: AddPath = {}): string[] {
  if (path.migrate) return ['pre-rehome', 'rehoming', 'complete']
  const steps = ['not-deployed', 'creating', 'create-complete']
  if (path.installValues) steps.push('pre-install', 'installing', 'install-complete')
  if (path.enroll) {
    steps.push(
      'pre-init-enroll',
      'initiating-enroll',
      'init-enroll-complete',
      'pre-enroll',
      'enrolling',
      'enroll-complete',
    )
  } else steps.push('pre-bootstrap', 'bootstrapping', 'bootstrap-complete')
  if (path.deployConfig) steps.push('pre-config', 'configuring')
  steps.push('complete')
  return steps
}

/** 1-based position of a status in the path, or undefined when it is off the happy path. */
export function stepOf(status: string, steps: string[]): number | undefined {
  const index = steps.indexOf(status)
  return index < 0 ? undefined : index + 1
}
