import type {Deployer, DeployRequest} from './deployer.js'
import type {LabStore} from '../lab-store.js'
import {sleep} from './simulated-deployer.js'
import {NO_ERRORS, TRANSITORY_DEPLOY_STATES} from '../dcmanager/subcloud-model.js'

/**
 * dcmanager's asynchronous half of `subcloud add` (local-bootstrap.md §5.3): after the API stored the row
 * as `not-deployed`, walk `creating -> create-complete -> [install] -> <deployer: pre-bootstrap ->
 * bootstrapping> -> bootstrap-complete -> complete`, or end in the failure state the phase reports, with
 * its error-description. Secrets of a request (sysadmin password, bootstrap values) live only in this
 * object's memory while the deploy runs.
 */
export interface DeployJob {
  subcloudId: number
  request: DeployRequest
  withInstall: boolean
  migrate: boolean
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

export class DeployRunner {
  private running = new Map<number, Running>()

  constructor(
    private readonly store: LabStore,
    private readonly deployer: Deployer,
    /** Time per dcmanager-side step (create, install phases), ms. */
    private readonly stepMs = 300,
  ) {}

  get deployerKind(): string {
    return this.deployer.kind
  }

  isRunning(subcloudId: number): boolean {
    return this.running.has(subcloudId)
  }

  start(job: DeployJob): void {
    const controller = new AbortController()
    const entry: Running = {controller, abortedByOperator: false, done: Promise.resolve()}
    entry.done = this.run(job, entry)
      .catch(() => undefined)
      .finally(() => this.running.delete(job.subcloudId))
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
    for (const entry of this.running.values()) entry.controller.abort()
    await Promise.all([...this.running.values()].map((entry) => entry.done))
  }

  private async run(job: DeployJob, entry: Running): Promise<void> {
    const {signal} = entry.controller
    const id = job.subcloudId
    const set = async (deployStatus: string, errorDescription?: string) => {
      const change = errorDescription === undefined ? {deployStatus} : {deployStatus, errorDescription}
      if (!this.store.subcloudById(id)) return
      this.store.updateSubcloud(id, change)
      await this.store.persist()
    }
    const current = () => this.store.subcloudById(id)?.deployStatus ?? ''
    const step = async (status: string) => {
      if (signal.aborted) return false
      await set(status)
      await sleep(this.stepMs, signal)
      return !signal.aborted
    }

    try {
      if (!(await step('creating'))) return await this.stopped(id, entry)
      if (!(await step('create-complete'))) return await this.stopped(id, entry)
      if (job.migrate) {
        if (!(await step('pre-rehome')) || !(await step('rehoming'))) return await this.stopped(id, entry)
        return await set('complete', NO_ERRORS)
      }
      if (job.withInstall) {
        for (const status of ['pre-install', 'installing', 'install-complete']) {
          if (!(await step(status))) return await this.stopped(id, entry)
        }
      }
      const outcome = await this.deployer.deploy(
        job.request,
        {
          setDeployStatus: (status) => {
            // An abort in progress owns the status until the phase has stopped.
            if (!signal.aborted && this.store.subcloudById(id)) {
              this.store.updateSubcloud(id, {deployStatus: status, errorDescription: NO_ERRORS})
              void this.store.persist().catch(() => undefined)
            }
          },
        },
        signal,
      )
      if (signal.aborted) return await this.stopped(id, entry)
      if (!outcome.ok) return await set(outcome.deployStatus, outcome.errorDescription.slice(0, 2048))
      if (!(await step('bootstrap-complete'))) return await this.stopped(id, entry)
      await set('complete', NO_ERRORS)
    } catch (error) {
      const status = current()
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
