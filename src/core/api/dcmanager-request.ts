import {OperationError} from '../errors.js'
import type {EndpointInterface} from './catalog.js'
import {apiError, type KeystoneSession} from './keystone.js'
import {encodeMultipart, type FormField} from './multipart.js'
import {expectList, expectObject} from './response-shape.js'
import type {HttpResponse} from './transport.js'

/**
 * The request layer every dcmanager resource manager shares (dcmanager-api.md §1.4, §2): the base URL
 * (`--dcmanager-url`, else the catalog's `dcmanager` endpoint for the chosen interface, in any region),
 * JSON and multipart bodies, and one-line errors that carry the server's message behind a caller-given
 * context ("Unable to list subclouds"). Managers hold paths and shapes; this holds the HTTP.
 */
export interface DcmanagerRequestOptions {
  /** Explicit base URL ending in /v1.0 (`--dcmanager-url`); wins over the catalog. */
  url?: string
  interface?: EndpointInterface
}

export class DcmanagerRequest {
  private base?: Promise<string>

  constructor(
    readonly session: KeystoneSession,
    private readonly options: DcmanagerRequestOptions = {},
  ) {}

  /** The base URL every path is appended to (already ending in `/v1.0`). */
  baseUrl(): Promise<string> {
    this.base ??= this.options.url
      ? Promise.resolve(this.options.url.replace(/\/+$/, ''))
      : this.session.endpointFor('dcmanager', {interface: this.options.interface})
    return this.base
  }

  /** GET a body as it is (the caller checks its shape). */
  async get<T>(path: string, context: string): Promise<T> {
    return (await this.send('GET', path, context)).value as T
  }

  /**
   * GET `{key: [...]}` and return the list. Valid JSON of the wrong shape (null, an object for a list) is one
   * line naming the endpoint (response-shape.ts), never a JavaScript error in a command.
   */
  async list<T>(path: string, key: string, context: string): Promise<T[]> {
    const {value, endpoint, status} = await this.send('GET', path, context)
    return expectList<T>(value, key, endpoint, status)
  }

  /** GET one record that must be an object holding `required`. */
  async record<T>(path: string, context: string, required: string[] = []): Promise<T> {
    const {value, endpoint, status} = await this.send('GET', path, context)
    return expectObject<T>(value, endpoint, status, required)
  }

  /** A JSON body; with `required`, the answer must be an object holding those keys. */
  async json<T>(
    method: 'POST' | 'PATCH' | 'PUT',
    path: string,
    context: string,
    body: unknown,
    required?: string[],
  ): Promise<T> {
    const {value, endpoint, status} = await this.send(method, path, context, JSON.stringify(body), 'application/json')
    return required ? expectObject<T>(value, endpoint, status, required) : (value as T)
  }

  /** A JSON body answered by `{key: [...]}` (peer group migrate answers the subclouds it starts). */
  async jsonList<T>(method: 'POST' | 'PATCH', path: string, context: string, body: unknown, key: string): Promise<T[]> {
    const {value, endpoint, status} = await this.send(method, path, context, JSON.stringify(body), 'application/json')
    return expectList<T>(value, key, endpoint, status)
  }

  /** A verb without a body (`PATCH .../sync`), answered by one record holding `required`. */
  async bodiless<T>(method: 'PATCH' | 'POST', path: string, context: string, required: string[] = []): Promise<T> {
    const {value, endpoint, status} = await this.send(method, path, context)
    return expectObject<T>(value, endpoint, status, required)
  }

  /** A multipart/form-data body (subcloud add and update send their files this way). */
  async form<T>(
    method: 'POST' | 'PATCH',
    path: string,
    context: string,
    fields: FormField[],
    required?: string[],
  ): Promise<T> {
    const form = encodeMultipart(fields)
    const {value, endpoint, status} = await this.send(method, path, context, form.body, form.contentType)
    return required ? expectObject<T>(value, endpoint, status, required) : (value as T)
  }

  /** A multipart body answered by `{key: [...]}` (subcloud-backup create and restore). */
  async formList<T>(
    method: 'POST' | 'PATCH',
    path: string,
    key: string,
    context: string,
    fields: FormField[],
  ): Promise<T[]> {
    const form = encodeMultipart(fields)
    const {value, endpoint, status} = await this.send(method, path, context, form.body, form.contentType)
    return expectList<T>(value, key, endpoint, status)
  }

  /** DELETE; most answers are empty, strategy deletes answer the strategy (`delete<Strategy>`). */
  async delete<T = void>(path: string, context: string): Promise<T> {
    return (await this.send('DELETE', path, context)).value as T
  }

  /** The parsed answer (undefined for an empty body) with the endpoint named as shape errors name it. */
  private async send(
    method: string,
    path: string,
    context: string,
    body?: Buffer | string,
    contentType?: string,
  ): Promise<{value: unknown; endpoint: string; status: number}> {
    const url = `${await this.baseUrl()}${path}`
    const headers: Record<string, string> = {accept: 'application/json'}
    if (contentType) headers['content-type'] = contentType
    const response = await this.session.request({method, url, headers, body})
    if (response.status < 200 || response.status >= 300) throw apiError(context, response)
    return {value: parseJson(response, context), endpoint: `${method} ${url}`, status: response.status}
  }
}

function parseJson(response: HttpResponse, context: string): unknown {
  // Test for an empty body on the bytes: trimming a 6 MB decoded string would copy it once more.
  if (isBlank(response.body)) return undefined
  try {
    return JSON.parse(response.text()) as unknown
  } catch {
    throw new OperationError(`${context}: the server answered HTTP ${response.status} with a body that is not JSON`)
  }
}

function isBlank(body: Buffer): boolean {
  for (const byte of body) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false
  return true
}

/** `{subcloud}`-style path segments are ids or names; names may hold characters that need escaping. */
export function encodeRef(ref: string): string {
  return encodeURIComponent(ref)
}
