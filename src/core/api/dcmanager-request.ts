import {OperationError} from '../errors.js'
import type {EndpointInterface} from './catalog.js'
import {apiError, type KeystoneSession} from './keystone.js'
import {encodeMultipart, type FormField} from './multipart.js'
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

  get<T>(path: string, context: string): Promise<T> {
    return this.send<T>('GET', path, context)
  }

  json<T>(method: 'POST' | 'PATCH' | 'PUT', path: string, context: string, value: unknown): Promise<T> {
    return this.send<T>(method, path, context, JSON.stringify(value), 'application/json')
  }

  /** A multipart/form-data body (subcloud add and update send their files this way). */
  form<T>(method: 'POST' | 'PATCH', path: string, context: string, fields: FormField[]): Promise<T> {
    const form = encodeMultipart(fields)
    return this.send<T>(method, path, context, form.body, form.contentType)
  }

  /** DELETE; most answers are empty, strategy deletes answer the strategy (`delete<Strategy>`). */
  delete<T = void>(path: string, context: string): Promise<T> {
    return this.send<T>('DELETE', path, context)
  }

  private async send<T>(
    method: string,
    path: string,
    context: string,
    body?: Buffer | string,
    contentType?: string,
  ): Promise<T> {
    const url = `${await this.baseUrl()}${path}`
    const headers: Record<string, string> = {accept: 'application/json'}
    if (contentType) headers['content-type'] = contentType
    const response = await this.session.request({method, url, headers, body})
    if (response.status < 200 || response.status >= 300) throw apiError(context, response)
    return parseJson<T>(response, context)
  }
}

function parseJson<T>(response: HttpResponse, context: string): T {
  const text = response.text()
  if (text.trim() === '') return null as T
  try {
    return JSON.parse(text) as T
  } catch {
    throw new OperationError(`${context}: the server answered HTTP ${response.status} with a body that is not JSON`)
  }
}

/** `{subcloud}`-style path segments are ids or names; names may hold characters that need escaping. */
export function encodeRef(ref: string): string {
  return encodeURIComponent(ref)
}
