import type {StrategyType} from '../../core/orchestration/strategy-types.js'

/**
 * What a failing state writes into the step's details (orchestration.md §4.5): `<state>: <exception text>`,
 * with the exception texts upstream's states raise. The lab uses them for injected failures
 * (`dcm lab subcloud set NAME --fail-strategy-at STATE`); `reason` is the injected cause.
 */
const VIM_NAMES: Partial<Record<StrategyType, string>> = {
  'sw-deploy': 'sw-upgrade',
  kubernetes: 'kube-upgrade',
  'kube-rootca-update': 'kube-rootca-update',
}

export interface FailureContext {
  type: StrategyType
  state: string
  subcloudName: string
  subcloudId: number
  reason: string
}

/** The exception text without the state prefix (what `error-description` gets for handler-raised failures). */
export function failureText({type, state, subcloudName, subcloudId, reason}: FailureContext): string {
  const failedFor = `Failed for subcloud ${subcloudName}: `
  const vim = VIM_NAMES[type]
  if (/^(create|creating|kube creating)\b/i.test(state) && vim && !state.includes('fw'))
    return `${failedFor}VIM strategy build failed: ${reason} State: build-failed Strategy: ${vim}`
  if (/^(apply|applying|kube applying)\b/i.test(state) && vim && !state.includes('fw'))
    return `${failedFor}VIM strategy apply failed: ${reason} State: apply-failed Strategy: ${vim}`
  switch (state) {
    case 'sw-deploy pre-check':
    case 'finish sw-deploy strategy':
      return `${failedFor}${reason}`
    case 'sw-deploy install license':
      // Upstream names the subcloud by id in this one.
      return `Failed for subcloud ${subcloudId}: ${reason}`
    case 'prestage-precheck':
      return `Prestage failed '${subcloudName}': ${reason}`
    case 'prestaging-packages':
    case 'prestaging-images':
      return `Prestaging ${state === 'prestaging-packages' ? 'packages' : 'images'} failed for subcloud ${subcloudName}, check individual log at /var/log/dcmanager/ansible/${subcloudName}_playbook_output.log for detailed output.`
    case 'kube upgrade pre check':
      return reason
    case 'importing firmware':
      return `File does not exist: ${reason}`
    case 'creating fw update strategy':
      return `VIM strategy build failed: build-failed. ${reason}.`
    case 'applying fw update strategy':
      return `Firmware strategy apply failed. apply-failed. ${reason}`
    case 'finishing fw update':
      return 'Not all images applied successfully'
    default:
      return reason
  }
}

/** The cause an injected failure reports when the operator gave none. */
export const DEFAULT_INJECTED_REASON = 'failure injected by dcm lab subcloud set --fail-strategy-at'

/** Details longer than this are replaced by upstream's fixed message. */
const DETAILS_LIMIT = 1000

export function stepDetails(state: string, text: string): string {
  const details = `${state}: ${text}`
  return details.length > DETAILS_LIMIT
    ? 'Error message longer than 1000 characters, please check orchestrator logs for additional details.'
    : details
}

/** States that wait on the subcloud (VIM build/apply, firmware): a stopped strategy ends them (§4.6). */
export function isPollingState(state: string): boolean {
  return (
    /^(create|creating|apply|applying|kube creating|kube applying)\b/.test(state) || state === 'sw-deploy pre-check'
  )
}

/** States whose details show the VIM apply progress (`apply phase is N% complete`). */
export function isVimApplyState(state: string): boolean {
  return /^(apply VIM|applying vim|kube applying vim|applying fw)/.test(state)
}
