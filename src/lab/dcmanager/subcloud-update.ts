import type {LabRequest, LabResponse} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import {type DcmanagerContext, json, readForm, subcloudOr404, toApi, yamlBoolean} from './dcmanager-http.js'
import {type SubcloudRecord, TRANSITORY_DEPLOY_STATES} from './subcloud-model.js'
import {
  afterGeoUpdate,
  applyRehomeData,
  checkManagementLock,
  checkMigrate,
  checkPeerGroupRules,
  fromPeer,
} from '../geo/subcloud-geo-rules.js'

/**
 * `PATCH /v1.0/subclouds/{subcloud}` (dcmanager-api.md §2.1.2, §3): rename, management state (manage needs
 * `complete` and `online` unless forced), group, description and location, with upstream's checks in order.
 * Fields the lab cannot honour (networks, install values) are refused with 422. Peer groups, bootstrap values and
 * address and `migrate` follow geo-redundancy's rules (src/lab/geo/subcloud-geo-rules.ts).
 */
/** Served by the geo rules when the lab has geo-redundancy (every started lab does). */
const GEO_FIELDS = new Set(['peer_group', 'bootstrap_values', 'bootstrap_address', 'migrate'])

const UNSUPPORTED_FIELDS = [
  'peer_group',
  'bootstrap_values',
  'bootstrap_address',
  'install_values',
  'migrate',
  'management_subnet',
  'management_gateway_ip',
  'management_start_ip',
  'management_end_ip',
]

export async function updateSubcloud(
  {store, geo}: DcmanagerContext,
  request: LabRequest,
  ref: string,
): Promise<LabResponse> {
  // A peer site names subclouds by region name (upstream's lookup for its User-Agent).
  const record = fromPeer(request) && !/^\d+$/.test(ref) ? store.subcloudByRegion(ref) : subcloudOr404(store, ref)
  if (!record) throw new WebobError(404, 'Subcloud not found')
  const parts = readForm(request, true)
  const field = (name: string) => parts.get(name)?.data.toString('utf8')
  const plan = geo ? checkPeerGroupRules(geo, request, record, parts) : undefined

  for (const unsupported of UNSUPPORTED_FIELDS) {
    if (plan && GEO_FIELDS.has(unsupported)) continue
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
  if (plan && field('migrate') === 'true' && record.deployStatus !== 'rehome-pending') {
    checkMigrate(request, record, managementState, plan)
  }
  if (managementState !== undefined && !['managed', 'unmanaged'].includes(managementState)) {
    throw new WebobError(400, 'Invalid management-state')
  }
  if (plan && managementState) checkManagementLock(request, record)
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

  if (plan) {
    applyRehomeData(record, parts, plan)
    Object.assign(change, plan.change)
  }
  if (Object.keys(change).length === 0 && parts.size === 0) throw new WebobError(400, 'Body required')
  const updated = store.updateSubcloud(record.id, change)
  await store.persist()
  const body = toApi(updated)
  const infoMessage = plan && geo ? await afterGeoUpdate(geo, plan) : undefined
  if (infoMessage) body.info_message = infoMessage
  return json(body)
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
