import type {LabRequest, LabResponse, LabService} from '../http/http-types.js'
import type {DeployRunner} from '../deploy/deploy-runner.js'
import type {KeystoneService} from '../keystone/keystone-service.js'
import type {LabSystemController} from '../lab-config.js'
import type {LabStore, SubcloudGroupRecord} from '../lab-store.js'
import {isMultipart, MultipartError, parseMultipart, type FormPart} from '../http/multipart.js'
import {validateSubcloudAdd} from './subcloud-add-validation.js'
import {
  ACTIVE_DEPLOY_STATES,
  aggregateSync,
  endpointSyncList,
  newSubcloudRecord,
  type SubcloudRecord,
  subcloudToApi,
  TRANSITORY_DEPLOY_STATES,
} from './subcloud-model.js'
import {WebobError, webobErrorResponse, wantsJson} from '../http/webob-error.js'

/**
 * The dcmanager REST API of the lab (dcmanager-api.md §2.1, §2.2, §2.6, §3): subclouds, subcloud groups and
 * the alarm summary, with upstream's rules, messages and status codes. Mounted by the lab server under
 * `/dcmanager`, so the catalog URL is `<lab>/dcmanager/v1.0`.
 */
export interface DcmanagerOptions {
  store: LabStore
  keystone: KeystoneService
  runner: DeployRunner
  systemController: LabSystemController
  releases: string[]
  /** Counts requests by method, for tests that assert nothing was sent. */
  onRequest?: (request: LabRequest) => void
}

type Handler = (request: LabRequest, params: string[]) => Promise<LabResponse> | LabResponse

const json = (body: unknown, status = 200): LabResponse => ({
  status,
  headers: {'content-type': 'application/json'},
  body: body === null ? 'null' : body,
})

export class DcmanagerService {
  private readonly routes: Array<{method: string; pattern: RegExp; handler: Handler}>

  constructor(private readonly options: DcmanagerOptions) {
    const ref = '([^/]+)'
    this.routes = [
      {method: 'GET', pattern: /^\/v1\.0\/subclouds\/?$/, handler: () => this.listSubclouds()},
      {method: 'POST', pattern: /^\/v1\.0\/subclouds\/?$/, handler: (r) => this.addSubcloud(r)},
      {
        method: 'GET',
        pattern: new RegExp(`^/v1\\.0/subclouds/${ref}/detail/?$`),
        handler: (r, p) => this.show(p[0], true),
      },
      {method: 'GET', pattern: new RegExp(`^/v1\\.0/subclouds/${ref}/?$`), handler: (r, p) => this.show(p[0], false)},
      {method: 'PATCH', pattern: new RegExp(`^/v1\\.0/subclouds/${ref}/?$`), handler: (r, p) => this.patch(r, p[0])},
      {
        method: 'PATCH',
        pattern: new RegExp(`^/v1\\.0/subclouds/${ref}/update_status/?$`),
        handler: (r, p) => this.updateStatus(r, p[0]),
      },
      {
        method: 'PATCH',
        pattern: new RegExp(`^/v1\\.0/subclouds/${ref}/(restore|reconfigure|reinstall)/?$`),
        handler: (r, p) => this.removedVerb(p[1]),
      },
      {
        method: 'DELETE',
        pattern: new RegExp(`^/v1\\.0/subclouds/${ref}/?$`),
        handler: (r, p) => this.deleteSubcloud(p[0]),
      },
      {
        method: 'PATCH',
        pattern: new RegExp(`^/v1\\.0/phased-subcloud-deploy/${ref}/abort/?$`),
        handler: (r, p) => this.abortDeploy(p[0]),
      },
      {method: 'GET', pattern: /^\/v1\.0\/subcloud-groups\/?$/, handler: () => this.listGroups()},
      {method: 'POST', pattern: /^\/v1\.0\/subcloud-groups\/?$/, handler: (r) => this.addGroup(r)},
      {
        method: 'GET',
        pattern: new RegExp(`^/v1\\.0/subcloud-groups/${ref}/subclouds/?$`),
        handler: (r, p) => this.groupSubclouds(p[0]),
      },
      {
        method: 'GET',
        pattern: new RegExp(`^/v1\\.0/subcloud-groups/${ref}/?$`),
        handler: (r, p) => this.showGroup(p[0]),
      },
      {
        method: 'PATCH',
        pattern: new RegExp(`^/v1\\.0/subcloud-groups/${ref}/?$`),
        handler: (r, p) => this.patchGroup(r, p[0]),
      },
      {
        method: 'DELETE',
        pattern: new RegExp(`^/v1\\.0/subcloud-groups/${ref}/?$`),
        handler: (r, p) => this.deleteGroup(p[0]),
      },
      {method: 'GET', pattern: /^\/v1\.0\/alarms\/?$/, handler: () => this.alarms()},
    ]
  }

  readonly service: LabService = async (request) => {
    this.options.onRequest?.(request)
    const asJson = wantsJson(request)
    try {
      if (request.method === 'GET' && (request.path === '/' || request.path === '')) return this.versions(request)
      this.authenticate(request)
      let pathMatched = false
      for (const route of this.routes) {
        const match = route.pattern.exec(request.path)
        if (!match) continue
        pathMatched = true
        if (route.method !== request.method) continue
        return await route.handler(request, match.slice(1).map(decodeURIComponent))
      }
      throw new WebobError(pathMatched ? 405 : 404, pathMatched ? 'The method is not allowed for this resource.' : '')
    } catch (error) {
      if (error instanceof WebobError) return webobErrorResponse(error.status, error.detail, asJson)
      // An unhandled server exception is a 500 with an empty body (§1.6).
      return {status: 500, headers: {'content-type': 'text/plain'}, body: ''}
    }
  }

  private versions(request: LabRequest): LabResponse {
    const host = request.headers.host ?? 'localhost'
    const href = `${request.headers['x-forwarded-proto'] ?? 'http'}://${host}/dcmanager/v1.0/`
    return json({versions: [{status: 'CURRENT', links: [{rel: 'self', href}], id: 'v1.0', updated: '2017-10-2'}]})
  }

  private authenticate(request: LabRequest): void {
    const header = request.headers['x-auth-token']
    const token = Array.isArray(header) ? header[0] : header
    if (!token) throw new WebobError(401, 'Failed to validate access token: Authentication required')
    const valid = this.options.keystone.validate(token)
    if (!valid) throw new WebobError(401, `Failed to validate access token: Auth token is invalid: ${token}`)
    request.token = valid
  }

  // ---- subclouds ----

  private subcloudOr404(ref: string): SubcloudRecord {
    const record = this.options.store.findSubcloud(ref)
    if (!record) throw new WebobError(404, 'Subcloud not found')
    return record
  }

  private listSubclouds(): LabResponse {
    const subclouds = this.options.store.subclouds.map((record) => ({
      ...this.toApi(record),
      sync_status: aggregateSync(record),
      endpoint_sync_status: endpointSyncList(record),
    }))
    return json({subclouds})
  }

  private show(ref: string, detail: boolean): LabResponse {
    const record = this.subcloudOr404(ref)
    const body: Record<string, unknown> = {...this.toApi(record), endpoint_sync_status: endpointSyncList(record)}
    if (detail) {
      const online = record.availabilityStatus === 'online'
      body.oam_floating_ip = online ? record.oamFloatingAddress : 'unavailable'
      body.deploy_config_sync_status = online ? 'Deployment: configurations up-to-date' : 'unknown'
      body.region_name = record.regionName
    }
    return json(body)
  }

  /** GET and PATCH bodies carry the failure hint in error-description (§2.1). */
  private toApi(record: SubcloudRecord): Record<string, unknown> {
    return subcloudToApi(record, {enrichErrors: true})
  }

  /**
   * Adds run one at a time: the checks against existing subclouds (name, ranges, OAM) and the insert must not
   * interleave with another add's, or two concurrent adds could both pass and overlap.
   */
  private addSubcloud(request: LabRequest): Promise<LabResponse> {
    const result = this.addQueue.then(() => this.addSubcloudNow(request))
    this.addQueue = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }

  private addQueue: Promise<void> = Promise.resolve()

  private async addSubcloudNow(request: LabRequest): Promise<LabResponse> {
    const parts = readForm(request, false)
    const {store} = this.options
    const valid = await validateSubcloudAdd(parts, {
      store,
      systemController: this.options.systemController,
      releases: this.options.releases,
    })
    const record = newSubcloudRecord({
      id: store.allocateSubcloudId(),
      name: valid.name,
      description: valid.description,
      location: valid.location,
      softwareVersion: valid.softwareVersion,
      deployStatus: valid.secondary ? 'secondary' : 'not-deployed',
      managementSubnet: valid.managementSubnet,
      managementStartIp: valid.managementStartIp,
      managementEndIp: valid.managementEndIp,
      managementGatewayIp: valid.managementGatewayIp,
      systemcontrollerGatewayIp: valid.systemcontrollerGatewayIp,
      groupId: valid.groupId,
      bootstrapAddress: valid.bootstrapAddress,
      oamFloatingAddress: valid.oamFloatingAddress,
      managementSubnets: valid.managementSubnets,
      managementRanges: valid.managementRanges,
      dataInstall: valid.dataInstall,
      hasDeployConfig: valid.hasDeployConfig,
    })
    store.insertSubcloud(record)
    await store.persist()
    const response = json(this.toApi(record))
    if (!valid.secondary) {
      this.options.runner.start({
        subcloudId: record.id,
        withInstall: valid.dataInstall !== null,
        migrate: valid.migrate,
        request: {
          subcloudName: record.name,
          regionName: record.regionName,
          bootstrapAddress: valid.bootstrapAddress,
          bootstrapValues: valid.bootstrapValues,
          sysadminPassword: valid.sysadminPassword,
          release: valid.softwareVersion,
        },
      })
    }
    return response
  }

  private async patch(request: LabRequest, ref: string): Promise<LabResponse> {
    const record = this.subcloudOr404(ref)
    const parts = readForm(request, true)
    const field = (name: string) => parts.get(name)?.data.toString('utf8')
    const {store} = this.options

    for (const unsupported of [
      'peer_group',
      'bootstrap_values',
      'bootstrap_address',
      'install_values',
      'migrate',
      'management_subnet',
      'management_gateway_ip',
      'management_start_ip',
      'management_end_ip',
    ]) {
      if (parts.has(unsupported)) {
        throw new WebobError(422, `Updating ${unsupported} is not supported by the dcm lab System Controller`)
      }
    }

    const change: Partial<SubcloudRecord> = {}
    const newName = field('name')
    if (newName !== undefined) {
      if (record.managementState !== 'unmanaged' || record.deployStatus !== 'complete') {
        throw new WebobError(
          400,
          `Subcloud ${record.name} must be deployed and unmanaged for the subcloud rename operation.`,
        )
      }
      const busy = transientReason(record)
      if (busy) throw new WebobError(409, busy)
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(newName)) {
        throw new WebobError(
          400,
          "Invalid name: must consist of lowercase alphanumeric characters or '-', must start and end with an alphanumeric character, and may contain '.' to separate valid segments.",
        )
      }
      if (newName === record.name) {
        throw new WebobError(
          400,
          `Provided subcloud name ${newName} is the same as the current subcloud ${record.name}. A different name is required to rename the subcloud`,
        )
      }
      if (store.subcloudByName(newName) || store.subcloudByRegion(newName)) {
        throw new WebobError(422, `Subcloud with name or region name ${newName} already exist.`)
      }
      change.name = newName
    }

    const managementState = field('management-state')
    const forceText = field('force')
    let force = false
    if (managementState !== undefined && !['managed', 'unmanaged'].includes(managementState)) {
      throw new WebobError(400, 'Invalid management-state')
    }
    if (forceText !== undefined) {
      const parsed = yamlBoolean(forceText)
      if (parsed === undefined) throw new WebobError(400, 'Invalid force value')
      if (parsed && managementState !== 'managed') throw new WebobError(400, 'Invalid option: force')
      force = parsed
    }

    const groupRef = field('group_id')
    if (groupRef !== undefined) {
      const group = store.findGroup(groupRef)
      if (!group) throw new WebobError(400, 'Invalid group')
      change.groupId = group.id
    }
    const description = field('description')
    if (description !== undefined) change.description = description
    const location = field('location')
    if (location !== undefined) change.location = location

    if (managementState !== undefined) {
      if (managementState === 'unmanaged') {
        if (record.managementState === 'unmanaged') {
          throw new WebobError(422, `Bad subcloud request: Subcloud ${record.name} already unmanaged`)
        }
      } else {
        if (record.managementState === 'managed') {
          throw new WebobError(422, `Bad subcloud request: Subcloud ${record.name} already managed`)
        }
        if (!force) {
          if (record.deployStatus === 'rehome-pending') change.deployStatus = 'complete'
          else if (record.deployStatus !== 'complete') {
            throw new WebobError(
              422,
              `Bad subcloud request: Unable to manage ${record.name}: its deploy_status must be either 'complete' or 'rehome-pending'`,
            )
          } else if (record.availabilityStatus !== 'online') {
            throw new WebobError(422, 'Subcloud is not online.')
          }
        }
      }
      change.managementState = managementState as SubcloudRecord['managementState']
    }

    if (Object.keys(change).length === 0 && parts.size === 0) throw new WebobError(400, 'Body required')
    const updated = store.updateSubcloud(record.id, change)
    await store.persist()
    return json(this.toApi(updated))
  }

  private async updateStatus(request: LabRequest, ref: string): Promise<LabResponse> {
    const record = this.subcloudOr404(ref)
    const body = parseJsonBody(request)
    if (body.endpoint !== 'dc-cert') throw new WebobError(400, 'Invalid endpoint')
    if (!['in-sync', 'out-of-sync', 'unknown'].includes(String(body.status)))
      throw new WebobError(400, 'Invalid status')
    this.options.store.updateSubcloud(record.id, {
      endpointSyncStatus: {...record.endpointSyncStatus, 'dc-cert': body.status as 'in-sync'},
    })
    await this.options.store.persist()
    return json({result: 'OK'})
  }

  private removedVerb(verb: string): LabResponse {
    const replacement: Record<string, string> = {
      restore: 'This API is deprecated. Please use /v1.0/subcloud-backup/restore',
      reconfigure: 'This API is deprecated. Please use /v1.0/phased-subcloud-deploy/{subcloud}/configure',
      reinstall: 'This API is deprecated. Please use /v1.0/subclouds/{subcloud}/redeploy',
    }
    throw new WebobError(410, replacement[verb])
  }

  private async deleteSubcloud(ref: string): Promise<LabResponse> {
    const record = this.subcloudOr404(ref)
    if (record.managementState === 'managed') {
      throw new WebobError(400, "Cannot delete a subcloud that is 'managed' status")
    }
    if (ACTIVE_DEPLOY_STATES.has(record.deployStatus)) {
      throw new WebobError(400, 'Cannot delete a subcloud during an active operation.')
    }
    if (record.availabilityStatus === 'online') {
      throw new WebobError(422, 'Subcloud must be powered down to perform this operation.')
    }
    // A deploy between two phases (e.g. still `not-deployed`) is stopped first, so nothing writes after the delete.
    await this.options.runner.cancel(record.id)
    this.options.store.deleteSubcloud(record.id)
    await this.options.store.persist()
    return json(null)
  }

  private async abortDeploy(ref: string): Promise<LabResponse> {
    const record = this.subcloudOr404(ref)
    if (!['installing', 'bootstrapping', 'configuring'].includes(record.deployStatus)) {
      throw new WebobError(
        400,
        'Subcloud deploy status must be in one of the following states: installing, bootstrapping, configuring',
      )
    }
    if (!this.options.runner.abort(record.id)) {
      throw new WebobError(400, 'The subcloud can only be aborted during initial deployment.')
    }
    // The answer shows `aborting-<phase>` (local-bootstrap.md §5.3), even if the phase stops at once.
    const answer = json(this.toApi(record))
    await this.options.store.persist()
    return answer
  }

  // ---- groups ----

  private groupOr404(ref: string): SubcloudGroupRecord {
    const group = this.options.store.findGroup(ref)
    if (!group) throw new WebobError(404, 'Subcloud Group not found')
    return group
  }

  private listGroups(): LabResponse {
    const counts = new Map<number, number>()
    for (const record of this.options.store.subclouds) counts.set(record.groupId, (counts.get(record.groupId) ?? 0) + 1)
    return json({
      subcloud_groups: this.options.store.groups.map((group) => ({
        ...groupToApi(group),
        subcloud_count: counts.get(group.id) ?? 0,
      })),
    })
  }

  private showGroup(ref: string): LabResponse {
    return json(groupToApi(this.groupOr404(ref)))
  }

  private groupSubclouds(ref: string): LabResponse {
    const group = this.groupOr404(ref)
    const subclouds = this.options.store.subclouds
      .filter((record) => record.groupId === group.id)
      .map((r) => this.toApi(r))
    return json({subclouds})
  }

  private async addGroup(request: LabRequest): Promise<LabResponse> {
    const body = parseJsonBody(request)
    validateGroupName(body.name)
    validateGroupDescription(body.description)
    validateApplyType(body.update_apply_type)
    const maxParallel = validateMaxParallel(body.max_parallel_subclouds)
    if (this.options.store.groups.some((group) => group.name === body.name)) {
      throw new WebobError(400, 'A subcloud group with this name already exists')
    }
    const group = this.options.store.insertGroup({
      name: String(body.name),
      description: String(body.description),
      updateApplyType: String(body.update_apply_type),
      maxParallelSubclouds: maxParallel,
    })
    await this.options.store.persist()
    return json(groupToApi(group))
  }

  private async patchGroup(request: LabRequest, ref: string): Promise<LabResponse> {
    const group = this.groupOr404(ref)
    const body = parseJsonBody(request)
    const keys = ['name', 'description', 'update_apply_type', 'max_parallel_subclouds'].filter((key) => key in body)
    if (keys.length === 0) throw new WebobError(400, 'nothing to update')
    const change: Partial<SubcloudGroupRecord> = {}
    if ('name' in body) {
      if (group.id === 1 && body.name !== group.name) throw new WebobError(400, 'Default group name cannot be changed')
      if (body.name !== group.name) {
        validateGroupName(body.name)
        if (this.options.store.groups.some((other) => other.name === body.name)) {
          throw new WebobError(400, 'A subcloud group with this name already exists')
        }
      }
      change.name = String(body.name)
    }
    if ('description' in body) {
      validateGroupDescription(body.description)
      change.description = String(body.description)
    }
    if ('update_apply_type' in body) {
      validateApplyType(body.update_apply_type)
      change.updateApplyType = String(body.update_apply_type)
    }
    if ('max_parallel_subclouds' in body) change.maxParallelSubclouds = validateMaxParallel(body.max_parallel_subclouds)
    const updated = this.options.store.updateGroup(group.id, change)
    await this.options.store.persist()
    return json(groupToApi(updated))
  }

  private async deleteGroup(ref: string): Promise<LabResponse> {
    const group = this.groupOr404(ref)
    if (group.id === 1) throw new WebobError(400, 'Default Subcloud Group may not be deleted')
    if (this.options.store.subclouds.some((record) => record.groupId === group.id)) {
      throw new WebobError(400, 'Subcloud Group not empty')
    }
    this.options.store.deleteGroup(group.id)
    await this.options.store.persist()
    return json(null)
  }

  // ---- alarms ----

  private alarms(): LabResponse {
    const alarm_summary = this.options.store.subclouds.map((record) => {
      // The lab raises no alarms: a managed, online subcloud reports zero of each; others are not audited.
      const audited = record.managementState === 'managed' && record.availabilityStatus === 'online'
      const count = audited ? 0 : -1
      return {
        region_name: record.name,
        uuid: uuidOf(record.regionName),
        critical_alarms: count,
        major_alarms: count,
        minor_alarms: count,
        warnings: count,
        cloud_status: audited ? 'OK' : 'disabled',
      }
    })
    return json({alarm_summary})
  }
}

export function groupToApi(group: SubcloudGroupRecord): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    update_apply_type: group.updateApplyType,
    max_parallel_subclouds: group.maxParallelSubclouds,
    'created-at': group.createdAt,
    'updated-at': group.updatedAt,
  }
}

/** §3.3: the reason a subcloud is busy, or undefined. */
export function transientReason(record: SubcloudRecord): string | undefined {
  const transitionalBackup = ['validating', 'pre-backup', 'backing-up', 'deleting-backup']
  let what: string | undefined
  if (record.prestageStatus === 'prestaging') what = `prestage_status is '${record.prestageStatus}'`
  else if (record.backupStatus && transitionalBackup.includes(record.backupStatus)) {
    what = `backup_status is '${record.backupStatus}'`
  } else if (TRANSITORY_DEPLOY_STATES[record.deployStatus]) what = `deploy_status is '${record.deployStatus}'`
  return what
    ? `Subcloud ${record.name} current ${what}. Please wait until it finishes before running this operation.`
    : undefined
}

function readForm(request: LabRequest, patch: boolean): Map<string, FormPart> {
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

function parseJsonBody(request: LabRequest): Record<string, unknown> {
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

function validateGroupName(name: unknown): void {
  const text = typeof name === 'string' ? name : ''
  if (
    text === '' ||
    /^\d+$/.test(text) ||
    text.length > 255 ||
    /[.*+?|()[\]{}^$]/.test(text) ||
    text.toLowerCase() === 'default'
  ) {
    throw new WebobError(400, 'Invalid group name')
  }
}

function validateGroupDescription(description: unknown): void {
  if (typeof description !== 'string' || description === '' || description.length >= 255) {
    throw new WebobError(400, 'Invalid group description')
  }
}

function validateApplyType(value: unknown): void {
  if (value !== 'parallel' && value !== 'serial') throw new WebobError(400, 'Invalid group update_apply_type')
}

function validateMaxParallel(value: unknown): number {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN
  if (!Number.isInteger(number) || number < 1 || number > 5000) {
    throw new WebobError(400, 'Invalid group max_parallel_subclouds')
  }
  return number
}

/** PyYAML's booleans (the server YAML-parses `force`). */
function yamlBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase()
  if (['true', 'yes', 'on', 'y'].includes(value)) return true
  if (['false', 'no', 'off', 'n'].includes(value)) return false
  return undefined
}

function uuidOf(hex32: string): string {
  return `${hex32.slice(0, 8)}-${hex32.slice(8, 12)}-${hex32.slice(12, 16)}-${hex32.slice(16, 20)}-${hex32.slice(20, 32)}`
}
