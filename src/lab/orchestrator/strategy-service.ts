import type {LabRequest, LabResponse, LabService} from '../http/http-types.js'
import type {LabMount} from '../http/lab-mounts.js'
import {WebobError, webobErrorResponse, wantsJson} from '../http/webob-error.js'
import type {LabStore} from '../lab-store.js'
import type {LabOrchestrator} from './lab-orchestrator.js'
import {revisionCache} from '../dcmanager/dcmanager-http.js'
import {stepToApi, strategyToApi} from './orchestration-tables.js'
import {StrategyOptions} from './strategy-options.js'

/**
 * The REST face of the lab's orchestrator (api §2.7, §2.8; orchestration.md §2-§6): `/sw-update-strategy`
 * and `/sw-update-options` under the dcmanager endpoint, with the server's status codes, webob error bodies
 * and timestamp forms. Returned as two mounts (longer prefixes than `/dcmanager`, so they take precedence).
 */
export const STRATEGY_PREFIX = '/dcmanager/v1.0/sw-update-strategy'
export const OPTIONS_PREFIX = '/dcmanager/v1.0/sw-update-options'

const json = (body: unknown): LabResponse => ({
  status: 200,
  headers: {'content-type': 'application/json'},
  body: body === null || body === undefined ? 'null' : body,
})

/** The body as a JSON object; anything json.loads rejects is an unhandled error upstream (500, empty body). */
function parseBody(request: LabRequest): Record<string, unknown> {
  const text = request.body.toString('utf8')
  const value = JSON.parse(text) as unknown
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    // A falsy payload is `Body required`; other non-objects fail in `.get` upstream (500).
    if (!value || (Array.isArray(value) && value.length === 0)) return {}
    throw new Error('body is not an object')
  }
  return value as Record<string, unknown>
}

/** Wrap a handler with dcmanager's authentication and error rendering. */
function dcmanagerService(handle: (request: LabRequest, path: string[]) => Promise<LabResponse>): LabService {
  return async (request) => {
    const asJson = wantsJson(request)
    try {
      if (!request.token) {
        const header = request.headers['x-auth-token']
        const token = Array.isArray(header) ? header[0] : header
        throw new WebobError(
          401,
          token
            ? `Failed to validate access token: Auth token is invalid: ${token}`
            : 'Failed to validate access token: Authentication required',
        )
      }
      const path = request.path.split('/').filter(Boolean).map(decodeURIComponent)
      return await handle(request, path)
    } catch (error) {
      if (error instanceof WebobError) return webobErrorResponse(error.status, error.detail, asJson)
      return {status: 500, headers: {'content-type': 'text/plain'}, body: ''}
    }
  }
}

const notAllowed = () => new WebobError(405, 'The method is not allowed for this resource.')

export function strategyMounts(orchestrator: LabOrchestrator, store: LabStore): LabMount[] {
  const options = new StrategyOptions(store, () => orchestrator.tables)
  const typeOf = (request: LabRequest) => request.query.get('type') ?? undefined
  const cached = revisionCache(store)

  const strategy = dcmanagerService(async (request, path) => {
    const [first, second, ...rest] = path
    if (rest.length > 0) throw new WebobError(404, '')
    if (request.method === 'GET') {
      if (first === undefined) {
        const type = typeOf(request)
        const row = orchestrator.strategy(type)
        if (!row)
          throw new WebobError(404, type === undefined ? 'Strategy not found' : `Strategy of type '${type}' not found`)
        return json(strategyToApi(row, 'db'))
      }
      if (first !== 'steps') return json(null)
      const nameOf = (subcloudId: number) => store.subcloudById(subcloudId)?.name
      // One step per subcloud: serialised once per state revision (the engine persists every loop that changed one).
      if (second === undefined)
        return cached('steps', () => ({
          'strategy-steps': orchestrator.steps.map((step) => stepToApi(step, nameOf(step.subcloudId))),
        }))
      // `SystemController` is the controller step, which no current type creates.
      const step = second === 'SystemController' ? undefined : orchestrator.stepOf(second)
      if (!step) throw new WebobError(404, 'Strategy step not found')
      return json(stepToApi(step, nameOf(step.subcloudId)))
    }
    if (request.method === 'POST') {
      if (second !== undefined) throw new WebobError(404, '')
      const payload = parseBody(request)
      if (Object.keys(payload).length === 0) throw new WebobError(400, 'Body required')
      if (first === undefined) return json(strategyToApi(await orchestrator.create(payload), 'rpc'))
      if (first !== 'actions') return json(null)
      const action = payload.action
      if (action === undefined || action === null || action === '' || action === false || action === 0)
        throw new WebobError(400, 'action required')
      if (action !== 'apply' && action !== 'abort') return json(null)
      return json(strategyToApi(await orchestrator.act(action, typeOf(request)), 'rpc'))
    }
    if (request.method === 'DELETE') {
      if (first !== undefined) throw new WebobError(404, '')
      return json(strategyToApi(await orchestrator.act('delete', typeOf(request)), 'rpc'))
    }
    throw notAllowed()
  })

  const strategyOptions = dcmanagerService(async (request, path) => {
    const [ref, ...rest] = path
    if (rest.length > 0) throw new WebobError(404, '')
    if (request.method === 'GET') return json(ref === undefined ? options.list() : options.show(ref))
    if (ref === undefined) throw notAllowed()
    if (request.method === 'POST') return json(await options.update(ref, parseBody(request)))
    if (request.method === 'DELETE') {
      await options.delete(ref)
      return json(null)
    }
    throw notAllowed()
  })

  return [
    {prefix: STRATEGY_PREFIX, service: strategy},
    {prefix: OPTIONS_PREFIX, service: strategyOptions},
  ]
}
