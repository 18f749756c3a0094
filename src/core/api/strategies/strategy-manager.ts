import {ApiError} from '../keystone.js'
import type {DcmanagerRequest} from '../dcmanager-request.js'
import type {Strategy} from './types.js'

/**
 * `/sw-update-strategy` for one strategy type (dcmanager-api.md §2.7), like upstream's generic
 * `sw_update_manager.py`: the type only changes the `?type=` query and the create body. Server texts for
 * create and the actions already start with "Unable to <op> strategy of type ..." (orchestration.md §5.3);
 * those are shown alone rather than behind a second context.
 */
export class StrategyManager {
  constructor(
    private readonly http: DcmanagerRequest,
    /** Undefined: whichever strategy exists (GET only; there is at most one, orchestration.md §1.1). */
    readonly type?: string,
  ) {}

  create(body: Record<string, unknown>): Promise<Strategy> {
    return this.call('create', () =>
      this.http.json<Strategy>('POST', '/sw-update-strategy/', this.context('create'), body),
    )
  }

  get(): Promise<Strategy> {
    return this.call('show', () => this.http.get<Strategy>(`/sw-update-strategy${this.query()}`, this.context('show')))
  }

  apply(): Promise<Strategy> {
    return this.action('apply')
  }

  abort(): Promise<Strategy> {
    return this.action('abort')
  }

  delete(): Promise<Strategy> {
    return this.call('delete', () =>
      this.http.delete<Strategy>(`/sw-update-strategy${this.query()}`, this.context('delete')),
    )
  }

  private action(action: 'apply' | 'abort'): Promise<Strategy> {
    return this.call(action, () =>
      this.http.json<Strategy>('POST', `/sw-update-strategy/actions${this.query()}`, this.context(action), {
        action,
      }),
    )
  }

  private query(): string {
    return this.type === undefined ? '' : `?type=${encodeURIComponent(this.type)}`
  }

  private context(op: string): string {
    return `Unable to ${op} the ${this.type ?? 'current'} strategy`
  }

  private async call<T>(op: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      if (error instanceof ApiError && error.serverMessage.startsWith(`Unable to ${op} strategy`))
        throw new ApiError(`${error.serverMessage} (HTTP ${error.status})`, error.status, error.serverMessage)
      throw error
    }
  }
}
