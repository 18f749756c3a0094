import type {CommandResult, Executor} from '../../src/core/netconfig/executor.js'
import type {StepKind} from '../../src/core/netconfig/planner.js'

/**
 * Faults for config-management tests, injected through the Executor interface (nothing in src/ knows):
 * a forward step of a named kind fails with exit 1 without running, or stalls until `release` is called
 * (what a Ctrl-C during a slow `ip` looks like to the engine). The built CLI gets the same faults from
 * netconfig-faults-preload.mjs. Rollback commands (`del`, the opposite link state) are never faulted
 * unless their kind is named.
 */
export interface NetconfigFaults {
  failAt?: StepKind[]
  stallAt?: StepKind[]
}

/** The step kind an argv applies, as the planner builds them (with or without an `ip netns exec` prefix). */
export function forwardKind(argv: string[]): StepKind | undefined {
  if (argv.includes('route') && argv.includes('add')) return 'route'
  if (argv.includes('addr') && argv.includes('add')) return 'address'
  if (argv.includes('link') && argv.includes('set')) return argv.at(-1) === 'up' ? 'link-up' : 'link-down'
  return undefined
}

export class FaultyExecutor implements Executor {
  readonly where: string
  private readonly stalled: (() => void)[] = []

  constructor(
    private readonly inner: Executor,
    private readonly faults: NetconfigFaults,
  ) {
    this.where = inner.where
  }

  run(argv: string[]): Promise<CommandResult> {
    const kind = forwardKind(argv)
    if (kind && this.faults.failAt?.includes(kind))
      return Promise.resolve({code: 1, stdout: '', stderr: `injected failure at ${kind} (test)`})
    if (kind && this.faults.stallAt?.includes(kind))
      return new Promise((resolve) => this.stalled.push(() => resolve({code: 130, stdout: '', stderr: 'stalled'})))
    return this.inner.run(argv)
  }

  /** End every stalled step (as the interrupted `ip` would end). */
  release(): void {
    for (const end of this.stalled.splice(0)) end()
  }
}
