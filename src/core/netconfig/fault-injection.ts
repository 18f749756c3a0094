import type {StepKind} from './planner.js'

/**
 * TEST-ONLY fault injection, so that rollback can be proven against the real kernel:
 *   DCM_NETCONFIG_FAIL_AT=route        the first `route` step fails instead of running (exit 1)
 *   DCM_NETCONFIG_STALL_AT=route       the first `route` step waits until the run is interrupted (Ctrl-C tests)
 * Values are comma-separated step kinds: link-up, link-down, address, route. Operators never need these.
 */
export interface Faults {
  failAt: Set<StepKind>
  stallAt: Set<StepKind>
}

const KINDS: readonly StepKind[] = ['link-up', 'link-down', 'address', 'route']

export const NO_FAULTS: Faults = {failAt: new Set(), stallAt: new Set()}

export function faultsFromEnv(env: NodeJS.ProcessEnv): Faults {
  return {failAt: kinds(env.DCM_NETCONFIG_FAIL_AT), stallAt: kinds(env.DCM_NETCONFIG_STALL_AT)}
}

function kinds(value: string | undefined): Set<StepKind> {
  const words = (value ?? '').split(',').map((word) => word.trim())
  return new Set(KINDS.filter((kind) => words.includes(kind)))
}
