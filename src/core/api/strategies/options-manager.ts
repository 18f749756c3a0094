import {encodeRef, type DcmanagerRequest} from '../dcmanager-request.js'
import type {StrategyOptions, StrategyOptionsRequest} from './types.js'

/**
 * `/sw-update-options` (dcmanager-api.md §2.8, orchestration.md §6): the defaults are addressed as
 * `SystemController`. Errors of update and delete carry upstream's suffix texts as their context.
 */
export const DEFAULTS_REF = 'SystemController'

export class StrategyOptionsManager {
  constructor(private readonly http: DcmanagerRequest) {}

  async list(): Promise<StrategyOptions[]> {
    const body = await this.http.get<{'sw-update-options'?: StrategyOptions[]} | null>(
      '/sw-update-options',
      'Unable to list strategy options',
    )
    return body?.['sw-update-options'] ?? []
  }

  get(subcloud?: string): Promise<StrategyOptions> {
    const ref = subcloud ?? DEFAULTS_REF
    return this.http.get<StrategyOptions>(
      `/sw-update-options/${encodeRef(ref)}`,
      `Unable to show strategy options for ${subcloud ?? 'all clouds default'}`,
    )
  }

  update(subcloud: string | undefined, request: StrategyOptionsRequest): Promise<StrategyOptions> {
    return this.http.json<StrategyOptions>(
      'POST',
      `/sw-update-options/${encodeRef(subcloud ?? DEFAULTS_REF)}`,
      `Unable to update strategy options for subcloud ${subcloud ?? 'None'}`,
      request,
    )
  }

  delete(subcloud: string): Promise<void> {
    return this.http.delete<void>(`/sw-update-options/${encodeRef(subcloud)}`, 'Unable to delete strategy options')
  }
}
