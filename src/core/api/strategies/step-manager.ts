import {encodeRef, type DcmanagerRequest} from '../dcmanager-request.js'
import type {StrategyStep} from './types.js'

/** `/sw-update-strategy/steps` (dcmanager-api.md §2.7): all steps of the one strategy, or one by cloud name. */
export class StrategyStepManager {
  constructor(private readonly http: DcmanagerRequest) {}

  async list(): Promise<StrategyStep[]> {
    const body = await this.http.get<{'strategy-steps'?: StrategyStep[]} | null>(
      '/sw-update-strategy/steps',
      'Unable to list strategy steps',
    )
    return body?.['strategy-steps'] ?? []
  }

  get(cloud: string): Promise<StrategyStep> {
    return this.http.get<StrategyStep>(
      `/sw-update-strategy/steps/${encodeRef(cloud)}`,
      `Unable to show the strategy step of ${cloud}`,
    )
  }
}
