import {actionAllowed, actionRefusal, type StrategyAction} from '../../core/orchestration/strategy-types.js'
import {pythonTimestamp} from '../dcmanager/python-time.js'
import {WebobError} from '../http/webob-error.js'
import type {LabStore} from '../lab-store.js'
import {OrchestratorEngine, type OrchestratorTiming} from './orchestrator-engine.js'
import {type OrchestrationTables, type StepRow, type StrategyRow, tablesOf} from './orchestration-tables.js'
import {planStrategyCreate} from './strategy-create.js'
import {onStepCreated} from './subcloud-effects.js'

/**
 * The lab's orchestrator (the dcmanager-orchestrator service): strategy create, apply, abort, delete and the
 * step queries, over the tables kept in the lab state and the engine that runs them. Independent of HTTP:
 * `strategy-service.ts` maps requests onto it, `lab-server.ts` mounts that service.
 */
export interface LabOrchestratorOptions {
  store: LabStore
  systemControllerVersion: string
  releases: string[]
  timing: OrchestratorTiming
}

export class LabOrchestrator {
  readonly tables: OrchestrationTables
  readonly engine: OrchestratorEngine
  private readonly onSubcloudDeleted: (id: number) => void

  constructor(private readonly options: LabOrchestratorOptions) {
    this.tables = tablesOf(options.store)
    this.engine = new OrchestratorEngine(options.store, this.tables, options.timing)
    this.onSubcloudDeleted = (id) => {
      this.engine.dropSubcloud(id)
      this.tables.options = this.tables.options.filter((row) => row.subcloudId !== id)
    }
    options.store.on('subcloud-deleted', this.onSubcloudDeleted)
    // A lab restarted mid-apply resumes the strategy its state file holds.
    this.engine.recover()
  }

  stop(): void {
    this.options.store.off('subcloud-deleted', this.onSubcloudDeleted)
    this.engine.stop()
  }

  /** The strategy row of `type` (any type when undefined). */
  strategy(type: string | undefined): StrategyRow | undefined {
    const row = this.tables.strategy
    if (!row || (type !== undefined && row.type !== type)) return undefined
    return row
  }

  get steps(): readonly StepRow[] {
    return this.tables.steps
  }

  /** The step of a subcloud, by subcloud name only (an id does not match, §2.5). */
  stepOf(cloudName: string): StepRow | undefined {
    const subcloud = this.options.store.subcloudByName(cloudName)
    if (!subcloud) return undefined
    return this.tables.steps.find((step) => step.subcloudId === subcloud.id)
  }

  async create(payload: Record<string, unknown>): Promise<StrategyRow> {
    const plan = planStrategyCreate(payload, {
      store: this.options.store,
      systemControllerVersion: this.options.systemControllerVersion,
      releases: this.options.releases,
      existingType: this.tables.strategy?.type,
    })
    const createdAt = pythonTimestamp()
    const strategy: StrategyRow = {
      id: this.tables.nextStrategyId++,
      type: plan.type,
      subcloudApplyType: plan.subcloudApplyType,
      maxParallelSubclouds: plan.maxParallelSubclouds,
      stopOnFailure: plan.stopOnFailure,
      state: 'initial',
      extraArgs: plan.extraArgs,
      createdAt,
      updatedAt: null,
    }
    const steps: StepRow[] = new Array(plan.subclouds.length)
    for (let index = 0; index < plan.subclouds.length; index++) {
      const subcloud = plan.subclouds[index]
      steps[index] = {
        id: this.tables.nextStepId++,
        subcloudId: subcloud.id,
        cloud: subcloud.name,
        stage: 1,
        state: 'initial',
        details: '',
        startedAt: null,
        finishedAt: null,
        createdAt: pythonTimestamp(),
        updatedAt: null,
      }
      const record = this.options.store.subcloudById(subcloud.id)
      if (record) onStepCreated(this.options.store, record)
    }
    this.tables.strategy = strategy
    this.tables.steps = steps
    this.engine.recount()
    await this.options.store.persist()
    return strategy
  }

  /** apply / abort / delete with upstream's refusals; returns the row as answered. */
  async act(action: StrategyAction, type: string | undefined): Promise<StrategyRow> {
    const strategy = this.strategy(type)
    const label = type ?? 'None'
    if (!strategy)
      throw new WebobError(
        422,
        `Unable to ${action} strategy of type '${label}': Strategy with type ${label} doesn't exist.`,
      )
    if (!actionAllowed(action, strategy.state))
      throw new WebobError(
        422,
        `Unable to ${action} strategy of type '${label}': Bad strategy request: ${actionRefusal(action, strategy.state)}`,
      )
    let answered: StrategyRow
    if (action === 'apply') {
      this.engine.apply()
      answered = {...strategy}
    } else if (action === 'abort') {
      this.engine.abort()
      answered = {...strategy}
    } else answered = this.engine.delete()
    await this.engine.flush()
    return answered
  }
}
