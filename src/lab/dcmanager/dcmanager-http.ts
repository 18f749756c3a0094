import type {LabRequest, LabResponse} from '../http/http-types.js'
import {isMultipart, MultipartError, parseMultipart, type FormPart} from '../http/multipart.js'
import {WebobError} from '../http/webob-error.js'
import type {DeployRunner} from '../deploy/deploy-runner.js'
import type {LabSystemController} from '../lab-config.js'
import type {LabStore} from '../lab-store.js'
import type {LabRoute} from '../http/route-table.js'
import type {LabGeo} from '../geo/lab-geo.js'
import {type SubcloudRecord, subcloudToApi} from './subcloud-model.js'

/**
 * What every dcmanager resource module of the lab shares: the parts of the lab it works on, and the request
 * and response helpers of a pecan/webob server (JSON answers, multipart and JSON bodies, 404s by resource).
 * A resource module (subclouds.ts, subcloud-groups.ts, ...) is a `DcmanagerFamily`: a function from this
 * context to its routes; dcmanager-service.ts lists the families.
 */
export interface DcmanagerContext {
  store: LabStore
  runner: DeployRunner
  systemController: LabSystemController
  releases: string[]
  /** The site's geo-redundancy (system peers, peer groups, associations); absent in some unit tests. */
  geo?: LabGeo
  /** Subcloud names whose bootstrap or network reconfiguration must fail (`dcm lab start --fail-subcloud`). */
  failFor?: readonly string[]
}

export type DcmanagerFamily = (context: DcmanagerContext) => LabRoute[]

export const json = (body: unknown, status = 200): LabResponse => ({
  status,
  headers: {'content-type': 'application/json'},
  body: body === null ? 'null' : body,
})

/**
 * A JSON answer serialised once per state revision (LabStore.revision) and per `key`, then sent as the same bytes
 * until the state changes: fleet-sized reads (5,000 subclouds) are polled by --wait loops and benchmarks, and
 * upstream answers them from its database without rebuilding anything per request. Only for bodies that depend
 * on the stored state alone (no clock, no request fields beyond `key`).
 */
export function revisionCache(store: LabStore): (key: string, build: () => unknown) => LabResponse {
  let revision = -1
  let bodies = new Map<string, Buffer>()
  return (key, build) => {
    if (revision !== store.revision) {
      revision = store.revision
      bodies = new Map()
    }
    let body = bodies.get(key)
    if (!body) {
      body = Buffer.from(JSON.stringify(build()))
      bodies.set(key, body)
    }
    return json(body)
  }
}

export function requireGeo(context: DcmanagerContext): LabGeo {
  if (!context.geo) throw new Error('this dcmanager service was built without geo-redundancy')
  return context.geo
}

export function subcloudOr404(store: LabStore, ref: string): SubcloudRecord {
  const record = store.findSubcloud(ref)
  if (!record) throw new WebobError(404, 'Subcloud not found')
  return record
}

/** GET and PATCH bodies carry the failure hint in error-description (§2.1). */
export function toApi(record: SubcloudRecord): Record<string, unknown> {
  return subcloudToApi(record, {enrichErrors: true})
}

export function readForm(request: LabRequest, patch: boolean): Map<string, FormPart> {
  const contentType = request.headers['content-type']
  if (request.body.length === 0) {
    if (patch) throw new WebobError(400, 'Body required')
    return new Map()
  }
  if (!isMultipart(contentType)) {
    // dcmanager feeds PATCH bodies to a multipart parser: anything else crashes it (§2.1.2).
    if (patch) throw new Error('not a multipart body')
    return new Map()
  }
  try {
    return parseMultipart(request.body, contentType!)
  } catch (error) {
    if (error instanceof MultipartError) throw new WebobError(400, `Request body is malformed: ${error.message}`)
    throw error
  }
}

export function parseJsonBody(request: LabRequest): Record<string, unknown> {
  if (request.body.length === 0) throw new WebobError(400, 'Body required')
  let body: unknown
  try {
    body = JSON.parse(request.body.toString('utf8'))
  } catch {
    throw new WebobError(400, 'Request body is malformed.')
  }
  if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0) {
    throw new WebobError(400, 'Body required')
  }
  return body as Record<string, unknown>
}

/** PyYAML's booleans (the server YAML-parses `force`). */
export function yamlBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase()
  if (['true', 'yes', 'on', 'y'].includes(value)) return true
  if (['false', 'no', 'off', 'n'].includes(value)) return false
  return undefined
}

/** Python's truthiness of a JSON value (`if value:`), as upstream's "required" checks read it. */
export function pythonTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return true
}
