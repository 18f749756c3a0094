import {OperationError} from '../errors.js'
import type {EndpointInterface} from './catalog.js'
import type {AlarmSummary, GroupRequest, Subcloud, SubcloudGroup} from './dcmanager-types.js'
import {apiError, type KeystoneSession} from './keystone.js'
import {encodeMultipart, type FormField} from './multipart.js'
import {expectList, expectObject} from './response-shape.js'
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
    return this.getList<Subcloud>('/subclouds/', 'subclouds', 'Unable to list subclouds')
  }

  async getSubcloud(ref: string, options: {detail?: boolean} = {}): Promise<Subcloud> {
    const path = `/subclouds/${encodeRef(ref)}${options.detail ? '/detail' : ''}`
    // --wait reads deploy-status from this record: a record without it is the wrong shape.
    return this.getRecord<Subcloud>(path, `Unable to show subcloud ${ref}`, [...SUBCLOUD_FIELDS, 'deploy-status'])
  }

  /** POST /subclouds with the multipart form of §2.1.1. */
  async addSubcloud(fields: FormField[]): Promise<Subcloud> {
    const form = encodeMultipart(fields)
    const {value, endpoint, status} = await this.send(
      'POST',
      '/subclouds/',
      'Unable to add subcloud',
      form.body,
      form.contentType,
    )
    return expectObject<Subcloud>(value, endpoint, status, SUBCLOUD_FIELDS)
  }

  /** PATCH /subclouds/{ref} with the multipart form of §2.1.2 (manage, unmanage, update). */
  async updateSubcloud(
    ref: string,
    fields: FormField[],
    context = `Unable to update subcloud ${ref}`,
  ): Promise<Subcloud> {
    const form = encodeMultipart(fields)
    const {value, endpoint, status} = await this.send(
      'PATCH',
      `/subclouds/${encodeRef(ref)}`,
      context,
      form.body,
      form.contentType,
    )
    return expectObject<Subcloud>(value, endpoint, status, SUBCLOUD_FIELDS)
  }

  async deleteSubcloud(ref: string): Promise<void> {
    await this.send('DELETE', `/subclouds/${encodeRef(ref)}`, `Unable to delete subcloud ${ref}`)
  }

  async listGroups(): Promise<SubcloudGroup[]> {
    return this.getList<SubcloudGroup>('/subcloud-groups/', 'subcloud_groups', 'Unable to list subcloud groups')
  }

  async getGroup(ref: string): Promise<SubcloudGroup> {
    return this.getRecord<SubcloudGroup>(
      `/subcloud-groups/${encodeRef(ref)}`,
      `Unable to show subcloud group ${ref}`,
      GROUP_FIELDS,
    )
  }

  async listGroupSubclouds(ref: string): Promise<Subcloud[]> {
    return this.getList<Subcloud>(
      `/subcloud-groups/${encodeRef(ref)}/subclouds`,
      'subclouds',
      `Unable to get subclouds of subcloud group ${ref}`,
    )
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
    return this.getList<AlarmSummary>('/alarms', 'alarm_summary', 'Unable to get the alarm summary')
  }

  private async getList<T>(path: string, key: string, context: string): Promise<T[]> {
    const {value, endpoint, status} = await this.send('GET', path, context)
    return expectList<T>(value, key, endpoint, status)
  }

  private async getRecord<T>(path: string, context: string, required: string[]): Promise<T> {
    const {value, endpoint, status} = await this.send('GET', path, context)
    return expectObject<T>(value, endpoint, status, required)
  }

  private async sendJson<T>(method: string, path: string, context: string, request: unknown): Promise<T> {
    const {value, endpoint, status} = await this.send(
      method,
      path,
      context,
      JSON.stringify(request),
      'application/json',
    )
    return expectObject<T>(value, endpoint, status, GROUP_FIELDS)
  }

  /** The parsed answer (undefined for an empty body) with the endpoint named as errors name it. */
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

/** What every caller of a subcloud record relies on (tables, --wait); other fields may be absent. */
const SUBCLOUD_FIELDS = ['id', 'name']
const GROUP_FIELDS = ['id', 'name']

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

/** `{subcloud}` path segments are ids or names; names may hold characters that need escaping. */
function encodeRef(ref: string): string {
  return encodeURIComponent(ref)
}
