import {OperationError} from '../errors.js'
import type {EndpointInterface} from './catalog.js'
import type {AlarmSummary, GroupRequest, Subcloud, SubcloudGroup} from './dcmanager-types.js'
import {apiError, type KeystoneSession} from './keystone.js'
import {encodeMultipart, type FormField} from './multipart.js'
import type {HttpResponse} from './transport.js'

/**
 * The dcmanager REST client (dcmanager-api.md §2.1, §2.2, §2.6): one method per call, plain typed values
 * back, failures as one-line errors carrying the server's message. The base URL is `--dcmanager-url`
 * when given, else the catalog's `dcmanager` endpoint for the chosen interface, in any region (§1.4).
 */
export interface DcmanagerClientOptions {
  /** Explicit base URL ending in /v1.0 (`--dcmanager-url`); wins over the catalog. */
  url?: string
  interface?: EndpointInterface
}

export class DcmanagerClient {
  private base?: Promise<string>

  constructor(
    readonly session: KeystoneSession,
    private readonly options: DcmanagerClientOptions = {},
  ) {}

  /** The base URL every path is appended to (already ending in `/v1.0`). */
  baseUrl(): Promise<string> {
    this.base ??= this.options.url
      ? Promise.resolve(this.options.url.replace(/\/+$/, ''))
      : this.session.endpointFor('dcmanager', {interface: this.options.interface})
    return this.base
  }

  async listSubclouds(): Promise<Subcloud[]> {
    const body = await this.getJson<{subclouds?: Subcloud[]}>('/subclouds/', 'Unable to list subclouds')
    return body.subclouds ?? []
  }

  async getSubcloud(ref: string, options: {detail?: boolean} = {}): Promise<Subcloud> {
    const path = `/subclouds/${encodeRef(ref)}${options.detail ? '/detail' : ''}`
    return this.getJson<Subcloud>(path, `Unable to show subcloud ${ref}`)
  }

  /** POST /subclouds with the multipart form of §2.1.1. */
  async addSubcloud(fields: FormField[]): Promise<Subcloud> {
    const form = encodeMultipart(fields)
    return this.send<Subcloud>('POST', '/subclouds/', 'Unable to add subcloud', form.body, form.contentType)
  }

  /** PATCH /subclouds/{ref} with the multipart form of §2.1.2 (manage, unmanage, update). */
  async updateSubcloud(
    ref: string,
    fields: FormField[],
    context = `Unable to update subcloud ${ref}`,
  ): Promise<Subcloud> {
    const form = encodeMultipart(fields)
    return this.send<Subcloud>('PATCH', `/subclouds/${encodeRef(ref)}`, context, form.body, form.contentType)
  }

  async deleteSubcloud(ref: string): Promise<void> {
    await this.send('DELETE', `/subclouds/${encodeRef(ref)}`, `Unable to delete subcloud ${ref}`)
  }

  async listGroups(): Promise<SubcloudGroup[]> {
    const body = await this.getJson<{subcloud_groups?: SubcloudGroup[]}>(
      '/subcloud-groups/',
      'Unable to list subcloud groups',
    )
    return body.subcloud_groups ?? []
  }

  async getGroup(ref: string): Promise<SubcloudGroup> {
    return this.getJson<SubcloudGroup>(`/subcloud-groups/${encodeRef(ref)}`, `Unable to show subcloud group ${ref}`)
  }

  async listGroupSubclouds(ref: string): Promise<Subcloud[]> {
    const body = await this.getJson<{subclouds?: Subcloud[]}>(
      `/subcloud-groups/${encodeRef(ref)}/subclouds`,
      `Unable to get subclouds of subcloud group ${ref}`,
    )
    return body.subclouds ?? []
  }

  async addGroup(request: GroupRequest): Promise<SubcloudGroup> {
    return this.sendJson<SubcloudGroup>('POST', '/subcloud-groups/', 'Unable to add subcloud group', request)
  }

  async updateGroup(ref: string, request: GroupRequest): Promise<SubcloudGroup> {
    return this.sendJson<SubcloudGroup>(
      'PATCH',
      `/subcloud-groups/${encodeRef(ref)}`,
      `Unable to update subcloud group ${ref}`,
      request,
    )
  }

  async deleteGroup(ref: string): Promise<void> {
    await this.send('DELETE', `/subcloud-groups/${encodeRef(ref)}`, `Unable to delete subcloud group ${ref}`)
  }

  async alarmSummary(): Promise<AlarmSummary[]> {
    const body = await this.getJson<{alarm_summary?: AlarmSummary[]}>('/alarms', 'Unable to get the alarm summary')
    return body.alarm_summary ?? []
  }

  private getJson<T>(path: string, context: string): Promise<T> {
    return this.send<T>('GET', path, context)
  }

  private sendJson<T>(method: string, path: string, context: string, value: unknown): Promise<T> {
    return this.send<T>(method, path, context, JSON.stringify(value), 'application/json')
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

/** `{subcloud}` path segments are ids or names; names may hold characters that need escaping. */
function encodeRef(ref: string): string {
  return encodeURIComponent(ref)
}
