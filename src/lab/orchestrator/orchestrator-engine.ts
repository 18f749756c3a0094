import {
  finalStrategyState,
  isFinalStepState,
  PRESTAGE_PRECHECK,
  STEP_ABORTED,
  STEP_COMPLETE,
  STEP_FAILED,
  STEP_INITIAL,
  strategyDeclaration,
} from '../../core/orchestration/strategy-types.js'
import {prestageSkipText} from '../../core/orchestration/eligibility.js'
import {pythonTimestamp} from '../dcmanager/python-time.js'
import type {SubcloudRecord} from '../dcmanager/subcloud-model.js'
import type {LabStore} from '../lab-store.js'
import type {OrchestrationTables, StepRow, StrategyRow} from './orchestration-tables.js'
import {DEFAULT_INJECTED_REASON, failureText, isPollingState, isVimApplyState, stepDetails} from './step-failures.js'
import {
  onPrestageSkipped,
  onStateEntered,
  onStepComplete,
  onStepFailed,
  type StrategyRunContext,
} from './subcloud-effects.js'

/**
 * The lab's orchestrator run loop (orchestration.md §4, §5, §7): upstream's manager and worker, scaled in time.
 *
 * - Window: at most `max-parallel-subclouds` steps in progress, lower step ids first, a freed slot refilled at
 *   the next manager round (a cursor over the steps in id order: dispatch never rescans finished steps).
 * - Worker loop (every `workerTickMs`): each held step makes at most one transition per loop, so every state
 *   is visible for at least one loop; a state lasts its configured duration (0 = one loop); finished steps are
 *   released (stage Complete) on the loop after their final state.
 * - Manager round (every `managerTickMs`): dispatch, abort requested -> aborting, final strategy state.
 * - Everything is written to the lab state and persisted after each loop that changed something; after a
 *   restart `recover()` resumes the strategy as upstream's manager does on start-up (steps in progress are
 *   re-dispatched once they have been idle for `idleMs` and restart their current state).
 */
export interface OrchestratorTiming {
  /** The worker loop (upstream 10 s). */
  workerTickMs: number
  /** The manager round (upstream 30 s; 10 s while abort requested; 5 s while deleting). */
  managerTickMs: number
  /** How long a step stays in a state unless `stateDurationsMs` says otherwise (0 = one worker loop). */
  stateMs: number
  /** Per-state durations (e.g. the VIM apply, which upstream polls for minutes). */
  stateDurationsMs: Record<string, number>
  /** After a restart, steps in progress are re-dispatched after this idle time (upstream 120 s). */
  idleMs: number
}

/** Timings for a lab `timeScale` (1 = a worker loop per second, a VIM apply of 8 s). */
export function orchestratorTiming(timeScale: number, override: Partial<OrchestratorTiming> = {}): OrchestratorTiming {
  const tick = override.workerTickMs ?? Math.max(5, Math.round(1000 * timeScale))
  const state = override.stateMs ?? 2 * tick
  // The lab's choice (orchestration.md §7.3): the VIM apply and the prestage playbooks take longest.
  const long = state === 0 ? 0 : 4 * state
  return {
    workerTickMs: tick,
    managerTickMs: override.managerTickMs ?? 3 * tick,
    stateMs: state,
    idleMs: override.idleMs ?? 3 * tick,
    stateDurationsMs: {
      'apply VIM sw-deploy strategy': long,
      'kube applying vim kube upgrade strategy': long,
      'applying vim kube rootca update strategy': long,
      'applying fw update strategy': long,
      'prestaging-packages': long / 2,
      'prestaging-images': long / 2,
      ...override.stateDurationsMs,
    },
  }
}

interface HeldStep {
  step: StepRow
  /** The states this step walks (its type's path for its subcloud). */
  path: readonly string[]
  enteredAt: number
  /** Details last written for the VIM apply progress. */
  progress?: number
}

export class OrchestratorEngine {
  private held = new Map<number, HeldStep>()
  /** Index into `tables.steps` of the next step the manager may dispatch. */
  private cursor = 0
  private counts = {initial: 0, complete: 0, failed: 0, aborted: 0}
  private timer?: NodeJS.Timeout
  private nextManagerAt = 0
  /** No dispatch before this time (set by `recover`). */
  private dispatchNotBefore = 0
  private dirty = false
  private stopped = false
  /** Called after every loop (tests sample the steps here: every state is visible for one loop). */
  onLoop?: () => void

  constructor(
    private readonly store: LabStore,
    private readonly tables: OrchestrationTables,
    /** Mutable: a test may slow a running lab down. */
    readonly timing: OrchestratorTiming,
    private readonly now: () => number = Date.now,
  ) {
    this.recount()
  }

  get strategy(): StrategyRow | null {
    return this.tables.strategy
  }

  /** Counters of step states (no scan). */
  stepCounts(): Readonly<typeof this.counts> & {total: number} {
    return {...this.counts, total: this.tables.steps.length}
  }

  /** Rebuild the counters from the steps (on load and after bulk changes: create, delete). */
  recount(): void {
    const counts = {initial: 0, complete: 0, failed: 0, aborted: 0}
    for (const step of this.tables.steps) {
      if (step.state === STEP_INITIAL) counts.initial++
      else if (step.state === STEP_COMPLETE) counts.complete++
      else if (step.state === STEP_FAILED) counts.failed++
      else if (step.state === STEP_ABORTED) counts.aborted++
    }
    this.counts = counts
  }

  /** After a restart: resume the strategy the state file holds, as upstream's manager does on start-up. */
  recover(): void {
    const strategy = this.tables.strategy
    if (!strategy) return
    for (const step of this.tables.steps) {
      // Steps finished before the restart but not yet released.
      if (isFinalStepState(step.state) && step.stage === 2) step.stage = 3
    }
    const active = ['applying', 'abort requested', 'aborting', 'deleting'].includes(strategy.state)
    const stoppedWithRunning =
      strategy.state === 'failed' &&
      strategy.stopOnFailure &&
      this.tables.steps.some((step) => !isFinalStepState(step.state) && step.state !== STEP_INITIAL)
    if (!active && !stoppedWithRunning) return
    this.dispatchNotBefore = this.now() + this.timing.idleMs
    this.nextManagerAt = this.dispatchNotBefore
    this.cursor = 0
    this.schedule()
  }

  /** apply (§4.1): the strategy is applying and the first window dispatched at once. */
  apply(): void {
    const strategy = this.requireStrategy()
    this.setStrategyState(strategy, 'applying')
    this.cursor = 0
    this.dispatch(strategy)
    this.schedule(true)
  }

  /** abort (§5.1): abort requested; `initial` steps outside the window aborted at once. */
  abort(): void {
    const strategy = this.requireStrategy()
    this.setStrategyState(strategy, 'abort requested')
    for (let index = this.cursor; index < this.tables.steps.length; index++) {
      const step = this.tables.steps[index]
      if (step.state === STEP_INITIAL && !this.held.has(step.id)) this.setStepState(step, STEP_ABORTED)
    }
    this.cursor = this.tables.steps.length
    this.nextManagerAt = 0
    this.schedule()
  }

  /**
   * delete (§5.2): deleting; `initial`/`aborted` steps removed at once; the strategy row too when no step is
   * left, else the remaining steps go in batches of max-parallel per manager round. Returns the row as it
   * was answered (state deleting).
   */
  delete(): StrategyRow {
    const strategy = this.requireStrategy()
    this.setStrategyState(strategy, 'deleting')
    const answered = {...strategy}
    this.held.clear()
    this.tables.steps = this.tables.steps.filter((step) => step.state !== STEP_INITIAL && step.state !== STEP_ABORTED)
    this.recount()
    this.cursor = 0
    if (this.tables.steps.length === 0) this.tables.strategy = null
    else {
      this.nextManagerAt = this.now() + this.timing.managerTickMs
      this.schedule()
    }
    return answered
  }

  /** A subcloud was deleted: its step goes with it (ON DELETE CASCADE). */
  dropSubcloud(subcloudId: number): void {
    const index = this.tables.steps.findIndex((step) => step.subcloudId === subcloudId)
    if (index < 0) return
    const [step] = this.tables.steps.splice(index, 1)
    this.held.delete(step.id)
    if (index < this.cursor) this.cursor--
    this.recount()
    this.dirty = true
  }

  /** Stop the loop (lab stop). The state stays on disk for `recover`. */
  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  // ---- the loop ----

  private schedule(immediately = false): void {
    if (this.stopped) return
    if (this.timer) {
      if (!immediately) return
      clearTimeout(this.timer)
    }
    this.timer = setTimeout(() => this.loop(), immediately ? 0 : this.timing.workerTickMs)
    this.timer.unref()
  }

  private loop(): void {
    this.timer = undefined
    const strategy = this.tables.strategy
    if (!strategy || this.stopped) return
    const now = this.now()
    this.workerLoop(strategy, now)
    if (now >= this.nextManagerAt) {
      this.nextManagerAt = now + this.timing.managerTickMs
      this.managerRound(strategy, now)
    }
    if (this.dirty) {
      this.dirty = false
      void this.store.persist().catch(() => undefined)
    }
    this.onLoop?.()
    if (this.tables.strategy && this.needsLoop(this.tables.strategy)) this.schedule()
  }

  private needsLoop(strategy: StrategyRow): boolean {
    if (this.held.size > 0) return true
    if (['applying', 'abort requested', 'aborting', 'deleting'].includes(strategy.state)) return true
    // A strategy stopped on failure waits for steps that were running before a restart.
    return strategy.state === 'failed' && this.now() < this.dispatchNotBefore
  }

  /** The worker: one transition at most per held step. */
  private workerLoop(strategy: StrategyRow, now: number): void {
    const run: StrategyRunContext = {type: strategy.type, extraArgs: strategy.extraArgs}
    const stoppedOnFailure = strategy.state === 'failed' && strategy.stopOnFailure
    const aborting = strategy.state === 'abort requested' || strategy.state === 'aborting'
    for (const held of [...this.held.values()]) {
      const {step} = held
      const subcloud = this.store.subcloudById(step.subcloudId)
      if (!subcloud) {
        this.dropSubcloud(step.subcloudId)
        continue
      }
      if (isFinalStepState(step.state)) {
        // Released on the loop after its final state.
        step.stage = 3
        this.touch(step)
        this.held.delete(step.id)
        continue
      }
      if (step.state === STEP_INITIAL) {
        if (stoppedOnFailure) {
          // Workers stop taking work: initial steps stay initial (§4.6).
          this.held.delete(step.id)
        } else if (aborting) {
          step.details = ''
          this.setStepState(step, STEP_ABORTED)
        } else if (subcloud.managementState !== 'managed') {
          step.details = `Subcloud ${subcloud.name} is unmanaged.`
          step.finishedAt = pythonTimestamp()
          this.setStepState(step, STEP_FAILED)
          this.onFailure(strategy)
        } else {
          step.stage = 2
          step.startedAt = pythonTimestamp()
          this.enter(held, held.path[0], subcloud, run, now)
        }
        continue
      }
      this.advance(held, subcloud, strategy, run, now, stoppedOnFailure)
    }
  }

  private advance(
    held: HeldStep,
    subcloud: SubcloudRecord,
    strategy: StrategyRow,
    run: StrategyRunContext,
    now: number,
    stoppedOnFailure: boolean,
  ): void {
    const {step} = held
    const state = step.state
    const duration = this.timing.stateDurationsMs[state] ?? this.timing.stateMs
    const elapsed = now - held.enteredAt
    if (stoppedOnFailure && isPollingState(state)) {
      this.fail(held, subcloud, strategy, run, 'Strategy has been stopped', {writeSubcloud: false})
      return
    }
    if (elapsed < duration) {
      if (isVimApplyState(state)) {
        const percent = Math.min(90, Math.floor((elapsed / duration) * 10) * 10)
        if (percent !== held.progress) {
          held.progress = percent
          step.details = `apply phase is ${percent}% complete`
          this.touch(step)
        }
      }
      return
    }
    const fault = subcloud.strategyFault
    if (fault && fault.state === state) {
      const text = failureText({
        type: strategy.type,
        state,
        subcloudName: subcloud.name,
        subcloudId: subcloud.id,
        reason: fault.reason ?? DEFAULT_INJECTED_REASON,
      })
      this.fail(held, subcloud, strategy, run, text, {writeSubcloud: true})
      return
    }
    if (state === PRESTAGE_PRECHECK && subcloud.availabilityStatus !== 'online') {
      // The initial check inside the pre-check: a skip, not a failure (§4.5).
      step.details = prestageSkipText(subcloud.name, 'Subcloud is offline.')
      this.finish(step, STEP_COMPLETE)
      onPrestageSkipped(this.store, subcloud)
      return
    }
    const next = held.path[held.path.indexOf(state) + 1]
    if (next === undefined) {
      step.details = ''
      this.finish(step, STEP_COMPLETE)
      onStepComplete(this.store, subcloud, run)
      return
    }
    this.enter(held, next, subcloud, run, now)
  }

  private enter(held: HeldStep, state: string, subcloud: SubcloudRecord, run: StrategyRunContext, now: number): void {
    held.enteredAt = now
    held.progress = undefined
    held.step.details = ''
    this.setStepState(held.step, state)
    onStateEntered(this.store, subcloud, state, run)
  }

  private fail(
    held: HeldStep,
    subcloud: SubcloudRecord,
    strategy: StrategyRow,
    run: StrategyRunContext,
    text: string,
    options: {writeSubcloud: boolean},
  ): void {
    const state = held.step.state
    held.step.details = stepDetails(state, text)
    this.finish(held.step, STEP_FAILED)
    if (options.writeSubcloud) onStepFailed(this.store, subcloud, state, text, run)
    this.onFailure(strategy)
  }

  /** stop-on-failure: the manager sets the strategy failed at once and the workers stop taking work (§4.6). */
  private onFailure(strategy: StrategyRow): void {
    if (strategy.stopOnFailure && strategy.state === 'applying') this.setStrategyState(strategy, 'failed')
  }

  private finish(step: StepRow, state: typeof STEP_COMPLETE | typeof STEP_FAILED): void {
    step.finishedAt = pythonTimestamp()
    this.setStepState(step, state)
  }

  /** The manager's round (§4.1, §4.7, §5.1, §5.2). */
  private managerRound(strategy: StrategyRow, now: number): void {
    if (strategy.state === 'deleting') {
      this.deleteBatch(strategy)
      return
    }
    const stopped = strategy.state === 'failed' && strategy.stopOnFailure
    if (['applying', 'abort requested', 'aborting'].includes(strategy.state) || stopped) {
      if (now >= this.dispatchNotBefore && this.dispatch(strategy)) return
    }
    if (strategy.state === 'abort requested' && this.counts.initial === 0) {
      this.setStrategyState(strategy, 'aborting')
      return
    }
    // Final once every step is final and released (upstream's manager round, 30 s, comes after the worker's
    // release, 10 s): a client that sees the final state also sees every stage Complete.
    if ((strategy.state === 'applying' || strategy.state === 'aborting') && this.held.size === 0) {
      const {complete, failed, aborted} = this.counts
      if (complete + failed + aborted === this.tables.steps.length)
        this.setStrategyState(strategy, finalStrategyState({failed, aborted}))
    }
  }

  /**
   * Fill the window: hold the next steps (by id) that are not final until `max-parallel` are in progress.
   * Returns whether anything was dispatched. A stopped strategy only re-takes steps that were running.
   */
  private dispatch(strategy: StrategyRow): boolean {
    const stopped = strategy.state === 'failed'
    let inProgress = 0
    for (const held of this.held.values()) if (!isFinalStepState(held.step.state)) inProgress++
    let dispatched = false
    const steps = this.tables.steps
    while (inProgress < strategy.maxParallelSubclouds && this.cursor < steps.length) {
      const step = steps[this.cursor]
      if (isFinalStepState(step.state) || this.held.has(step.id)) {
        this.cursor++
        continue
      }
      if (stopped && step.state === STEP_INITIAL) break
      this.cursor++
      this.hold(step, strategy)
      inProgress++
      dispatched = true
    }
    return dispatched
  }

  private hold(step: StepRow, strategy: StrategyRow): void {
    const subcloud = this.store.subcloudById(step.subcloudId)
    const path = strategyDeclaration(strategy.type).path({
      softwareVersion: subcloud?.softwareVersion ?? '',
      extraArgs: strategy.extraArgs,
    })
    // A step resumed after a restart restarts its current state.
    this.held.set(step.id, {step, path, enteredAt: this.now()})
    this.touch(step)
  }

  private deleteBatch(strategy: StrategyRow): void {
    this.tables.steps.splice(0, strategy.maxParallelSubclouds)
    this.recount()
    this.dirty = true
    if (this.tables.steps.length === 0) this.tables.strategy = null
  }

  // ---- writes ----

  private requireStrategy(): StrategyRow {
    const strategy = this.tables.strategy
    if (!strategy) throw new Error('no strategy')
    return strategy
  }

  private setStrategyState(strategy: StrategyRow, state: StrategyRow['state']): void {
    strategy.state = state
    strategy.updatedAt = pythonTimestamp()
    this.dirty = true
  }

  private setStepState(step: StepRow, state: string): void {
    const count = (value: string, delta: number) => {
      if (value === STEP_INITIAL) this.counts.initial += delta
      else if (value === STEP_COMPLETE) this.counts.complete += delta
      else if (value === STEP_FAILED) this.counts.failed += delta
      else if (value === STEP_ABORTED) this.counts.aborted += delta
    }
    count(step.state, -1)
    count(state, 1)
    step.state = state
    this.touch(step)
  }

  private touch(step: StepRow): void {
    step.updatedAt = pythonTimestamp()
    this.dirty = true
  }

  /** Persist now if the loop changed something (callers that answer after a change await this). */
  async flush(): Promise<void> {
    this.dirty = false
    await this.store.persist()
  }
}
