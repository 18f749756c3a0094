import type {Deployer, DeployRequest} from './deployer.js'
import type {LabStore} from '../lab-store.js'
import {sleep} from './simulated-deployer.js'
import {NO_ERRORS, type SubcloudRecord, TRANSITORY_DEPLOY_STATES} from '../dcmanager/subcloud-model.js'
import {type DeployPhase, PHASE_FAILED, playbookFailure, takeDeployFault} from './deploy-phases.js'

/**
 * dcmanager's asynchronous half of a deploy (subcloud-lifecycle.md §2, §3, §5.4): after the API accepted a
 * request, walk the job's phases in order (create, install, bootstrap, config or complete, restore), each
 * through its states, and stop at the first failure with that phase's failure state and error-description.
 * The bootstrap phase goes through the lab's deployer (SSH against a lab host, or simulated); install,
 * config and restore are timed here (there is no BMC, deploy playbook or backup archive behind them).
 * Secrets of a request (sysadmin password, bootstrap values) live only in this object's memory.
 */
export interface DeployJob {
  subcloudId: number
  request: DeployRequest
  /** The phases to run, in order. */
  phases: DeployPhase[]
  /** Restore: the deploy-status a successful restore ends in (`complete`, `factory-restore-complete`). */
  restoreEnd?: string
  /** Restore: whether a backup of the subcloud's release exists where the restore looks for it. */
  backupFound?: () => boolean
  /** Restore: the in-progress state (`restoring`, or `onsite-restoring` for an on-site restore). */
  restoreState?: string
  /** Stored changes of a job that ran to its end (e.g. a restore's prestage-versions). */
  onSuccess?: () => void
}

const ABORTING: Record<string, string> = {
  installing: 'aborting-install',
  bootstrapping: 'aborting-bootstrap',
  configuring: 'aborting-config',
}
const ABORTED: Record<string, string> = {
  'aborting-install': 'install-aborted',
  'aborting-bootstrap': 'bootstrap-aborted',
  'aborting-config': 'config-aborted',
}

interface Running {
  controller: AbortController
  done: Promise<void>
  /** Set by abort(): distinguishes an operator abort from a lab shutdown. */
  abortedByOperator: boolean
}

/** Outcome of one phase: go on, or the job ends (failed, aborted or stopped). */
type PhaseResult = 'next' | 'end'

export class DeployRunner {
  private running = new Map<number, Running>()
  /**
   * The bootstrap values each subcloud was last deployed with (upstream keeps `<name>.yml` in its vault):
   * what `deploy bootstrap`, resume and redeploy use without a new file. Memory only, like the password:
   * they may hold registry credentials, and the lab never writes secrets to its data dir.
   */
  private bootstrapValues = new Map<number, string>()
  /** Backup and prestage work (backup-status, prestage-status): stopped with the deploys at shutdown. */
  private tasks = new Set<{controller: AbortController; done: Promise<void>}>()

  constructor(
    private readonly store: LabStore,
    private readonly deployer: Deployer,
    /** Time per dcmanager-side step (create, install, config and restore states), ms. */
    readonly stepMs = 300,
  ) {}

  /** Run work of the lab's dcmanager that is not a deploy phase; the lab's shutdown aborts and awaits it. */
  background(work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const controller = new AbortController()
    const task = {controller, done: Promise.resolve()}
    task.done = work(controller.signal)
      .catch(() => undefined)
      .finally(() => this.tasks.delete(task))
    this.tasks.add(task)
    return task.done
  }

  get deployerKind(): string {
    return this.deployer.kind
  }

  isRunning(subcloudId: number): boolean {
    return this.running.has(subcloudId)
  }

  storedBootstrapValues(subcloudId: number): string | undefined {
    return this.bootstrapValues.get(subcloudId)
  }

  rememberBootstrapValues(subcloudId: number, values: string): void {
    this.bootstrapValues.set(subcloudId, values)
  }

  forget(subcloudId: number): void {
    this.bootstrapValues.delete(subcloudId)
  }

  start(job: DeployJob): void {
    if (job.request.bootstrapValues) this.rememberBootstrapValues(job.subcloudId, job.request.bootstrapValues)
    const controller = new AbortController()
    const entry: Running = {controller, abortedByOperator: false, done: Promise.resolve()}
    entry.done = this.run(job, entry)
      .catch(() => undefined)
      .finally(() => {
        if (this.running.get(job.subcloudId) === entry) this.running.delete(job.subcloudId)
      })
    this.running.set(job.subcloudId, entry)
  }

  /**
   * Another background operation on a subcloud (network reconfiguration), tracked like a deploy: a delete
   * cancels it and a lab stop leaves the subcloud in its state's failure value. `pause` waits one step and
   * says whether to go on.
   */
  startOperation(subcloudId: number, work: (pause: () => Promise<boolean>) => Promise<void>): void {
    const controller = new AbortController()
    const entry: Running = {controller, abortedByOperator: false, done: Promise.resolve()}
    const pause = async () => {
      await sleep(this.stepMs, controller.signal)
      return !controller.signal.aborted
    }
    entry.done = work(pause)
      .then(() => (controller.signal.aborted ? this.stopped(subcloudId, entry) : undefined))
      .catch(() => undefined)
      .finally(() => this.running.delete(subcloudId))
    this.running.set(subcloudId, entry)
  }

  /**
   * `subcloud deploy abort`: only while installing/bootstrapping/configuring. The subcloud shows
   * `aborting-<phase>` at once and `<phase>-aborted` when the phase has stopped.
   */
  abort(subcloudId: number): string | undefined {
    const entry = this.running.get(subcloudId)
    const record = this.store.subcloudById(subcloudId)
    if (!entry || !record) return undefined
    const aborting = ABORTING[record.deployStatus]
    if (!aborting) return undefined
    entry.abortedByOperator = true
    this.store.updateSubcloud(subcloudId, {deployStatus: aborting})
    entry.controller.abort()
    return aborting
  }

  /** Stop a subcloud's deploy (before a delete) and wait until it no longer writes. */
  async cancel(subcloudId: number): Promise<void> {
    const entry = this.running.get(subcloudId)
    if (!entry) return
    entry.controller.abort()
    await entry.done
  }

  /** Lab shutdown: stop every deploy and leave each subcloud in its phase's failure state, as a restart would. */
  async stopAll(): Promise<void> {
    for (const entry of [...this.running.values(), ...this.tasks]) entry.controller.abort()
    await Promise.all([...this.running.values(), ...this.tasks].map((entry) => entry.done))
  }

  private async run(job: DeployJob, entry: Running): Promise<void> {
    const {signal} = entry.controller
    const id = job.subcloudId
    const set = async (deployStatus: string, errorDescription?: string) => {
      const change: Partial<SubcloudRecord> =
        errorDescription === undefined ? {deployStatus} : {deployStatus, errorDescription}
      if (!this.store.subcloudById(id)) return
      this.store.updateSubcloud(id, change)
      await this.store.persist()
    }
    const phase = new PhaseSteps(this.store, id, job.request.subcloudName, signal, this.stepMs, set)

    try {
      for (const [index, name] of job.phases.entries()) {
        const next = job.phases[index + 1]
        const result = await this.runPhase(name, next, job, phase)
        if (signal.aborted) return await this.stopped(id, entry)
        if (result === 'end') return
      }
      if (this.store.subcloudById(id)) {
        job.onSuccess?.()
        await this.store.persist()
      }
    } catch (error) {
      const status = this.store.subcloudById(id)?.deployStatus ?? ''
      const failed = TRANSITORY_DEPLOY_STATES[status] ?? 'bootstrap-failed'
      const stage = status.replace(/^pre-/, '')
      await set(
        failed,
        `Error occurred while ${stage} subcloud ${job.request.subcloudName}: ${(error as Error).message}`.slice(
          0,
          2048,
        ),
      ).catch(() => undefined)
    }
  }

  private async runPhase(
    name: DeployPhase,
    next: DeployPhase | undefined,
    job: DeployJob,
    phase: PhaseSteps,
  ): Promise<PhaseResult> {
    switch (name) {
      case 'create':
        return (await phase.step('creating')) && (await phase.step('create-complete')) ? 'next' : 'end'
      case 'install':
        // Restore-with-install goes from `installing` straight to `restoring` (§3.1).
        return phase.timed(['pre-install', 'installing'], next === 'restore' ? undefined : 'install-complete')
      case 'bootstrap':
        return this.bootstrap(job, phase)
      case 'config':
        return phase.timed(['pre-config', 'configuring'], 'complete')
      case 'complete':
        await phase.set('complete', NO_ERRORS)
        return 'next'
      case 'pre-restore':
        if (phase.fault(['pre-restore'])) {
          await phase.set('pre-restore', NO_ERRORS)
          return phase.fail('pre-restore')
        }
        return (await phase.enter('pre-restore')) ? 'next' : 'end'
      case 'restore':
        return this.restore(job, phase)
      case 'enroll':
        // Enrollment reads the running subcloud; the lab's stands ready, so only the states are walked.
        if ((await phase.timed(['pre-init-enroll', 'initiating-enroll'], 'init-enroll-complete')) === 'end')
          return 'end'
        return phase.timed(['pre-enroll', 'enrolling'], 'enroll-complete')
      case 'rehome':
        if (!(await phase.step('pre-rehome')) || !(await phase.step('rehoming'))) return 'end'
        await phase.set('complete', NO_ERRORS)
        return 'next'
    }
  }

  private async bootstrap(job: DeployJob, phase: PhaseSteps): Promise<PhaseResult> {
    const fault = phase.fault(['pre-bootstrap', 'bootstrapping'])
    if (fault?.state === 'pre-bootstrap') {
      await phase.set('pre-bootstrap', NO_ERRORS)
      return phase.fail('pre-bootstrap')
    }
    const request = fault ? {...job.request, failTask: fault.reason ?? DEFAULT_FAILED_TASK} : job.request
    const {signal} = phase
    const outcome = await this.deployer.deploy(
      request,
      {
        setDeployStatus: (status) => {
          // An abort in progress owns the status until the phase has stopped.
          if (!signal.aborted && this.store.subcloudById(phase.id)) {
            this.store.updateSubcloud(phase.id, {deployStatus: status, errorDescription: NO_ERRORS})
            void this.store.persist().catch(() => undefined)
          }
        },
      },
      signal,
    )
    if (signal.aborted) return 'end'
    if (!outcome.ok) {
      await phase.set(outcome.deployStatus, outcome.errorDescription.slice(0, 2048))
      return 'end'
    }
    // Upstream clears the rehomed flag and keeps the values the bootstrap used.
    this.rememberBootstrapValues(phase.id, job.request.bootstrapValues)
    return (await phase.step('bootstrap-complete')) ? 'next' : 'end'
  }

  private async restore(job: DeployJob, phase: PhaseSteps): Promise<PhaseResult> {
    const state = job.restoreState ?? 'restoring'
    const fault = phase.fault(['restoring'])
    if (!(await phase.enter(state))) return 'end'
    if (fault || !(job.backupFound?.() ?? true)) return phase.fail(state, fault?.reason)
    await phase.set(job.restoreEnd ?? 'complete', NO_ERRORS)
    return 'next'
  }

  private async stopped(id: number, entry: Running): Promise<void> {
    const record = this.store.subcloudById(id)
    if (!record) return
    const status = record.deployStatus
    if (entry.abortedByOperator && ABORTED[status]) {
      this.store.updateSubcloud(id, {deployStatus: ABORTED[status]})
    } else {
      const failed = TRANSITORY_DEPLOY_STATES[status] ?? status
      this.store.updateSubcloud(id, {
        deployStatus: failed,
        errorDescription: `Interrupted: the lab's dcmanager stopped while the subcloud was ${status}`,
      })
    }
    await this.store.persist()
  }
}

const DEFAULT_FAILED_TASK = 'bootstrap/validate-config : Fail if any of the configured registry keys is unknown'

/** The timed states of one phase of one job, with the lab's one-shot deploy faults (`dcm lab subcloud set`). */
class PhaseSteps {
  constructor(
    private readonly store: LabStore,
    readonly id: number,
    private readonly name: string,
    readonly signal: AbortSignal,
    private readonly stepMs: number,
    readonly set: (deployStatus: string, errorDescription?: string) => Promise<void>,
  ) {}

  /** Enter a state and spend a step in it; false once the job is stopped. */
  async step(status: string, errorDescription?: string): Promise<boolean> {
    if (this.signal.aborted) return false
    await this.set(status, errorDescription)
    await sleep(this.stepMs, this.signal)
    return !this.signal.aborted
  }

  /** Enter an in-progress state: phases reset error-description when they start (§1.3). */
  enter(status: string): Promise<boolean> {
    return this.step(status, status.startsWith('pre-') ? NO_ERRORS : undefined)
  }

  /** The injected fault for one of these states, taken (it fires once). */
  fault(states: string[]): {state: string; reason?: string} | undefined {
    return takeDeployFault(this.store, this.id, states)
  }

  /** `pre-X` then `X` (each a step, failing where a fault says), then the resting state if any. */
  async timed(states: string[], end: string | undefined): Promise<PhaseResult> {
    const fault = this.fault(states)
    for (const state of states) {
      if (!(await this.enter(state))) return 'end'
      if (fault?.state === state) return this.fail(state, fault.reason)
    }
    if (end === undefined) return 'next'
    if (end === 'complete') await this.set('complete', NO_ERRORS)
    else if (!(await this.step(end))) return 'end'
    return 'next'
  }

  /** The phase's failure value; a playbook state also writes upstream's error-description (§1.3). */
  async fail(state: string, reason?: string): Promise<PhaseResult> {
    const failed = PHASE_FAILED[state] ?? TRANSITORY_DEPLOY_STATES[state] ?? `${state}-failed`
    if (state.startsWith('pre-')) await this.set(failed)
    else await this.set(failed, playbookFailure(state, this.name, reason))
    return 'end'
  }
}
