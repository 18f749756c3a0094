import {parseAddress} from '../../core/net/cidr.js'
import {TRANSITORY_BACKUP_STATES} from '../../core/subclouds/transient-state.js'
import type {LabRequest, LabResponse} from '../http/http-types.js'
import {isMultipart} from '../http/multipart.js'
import {WebobError} from '../http/webob-error.js'
import {sleep} from '../deploy/simulated-deployer.js'
import {playbookFailure, takeDeployFault} from '../deploy/deploy-phases.js'
import type {LabStore} from '../lab-store.js'
import {type DcmanagerContext, type DcmanagerFamily, json, readForm, toApi} from './dcmanager-http.js'
import {decodePassword} from './subcloud-add-fields.js'
import {loadYamlPart} from './subcloud-add-validation.js'
import {NO_ERRORS, type SubcloudRecord} from './subcloud-model.js'
import {transientReason} from './subcloud-update.js'
import {pythonTimestamp} from './python-time.js'
import {supportedRelease} from './release-check.js'

/**
 * `/v1.0/subcloud-backup` (dcmanager-api.md §2.5, subcloud-lifecycle.md §5): create, delete and restore for a
 * subcloud or a group, with upstream's request parsing, member checks and texts in its order. The lab keeps a
 * backup record per subcloud and release (central and/or local, with its time); the playbooks are timed.
 */
const PARAMS: Record<string, Record<string, 'str' | 'dict'>> = {
  create: {
    subcloud: 'str',
    group: 'str',
    local_only: 'str',
    registry_images: 'str',
    backup_values: 'dict',
    sysadmin_password: 'str',
  },
  delete: {release: 'str', subcloud: 'str', group: 'str', local_only: 'str', sysadmin_password: 'str'},
  restore: {
    with_install: 'str',
    release: 'str',
    local_only: 'str',
    registry_images: 'str',
    sysadmin_password: 'str',
    restore_values: 'dict',
    subcloud: 'str',
    group: 'str',
    auto: 'str',
    factory: 'str',
    on_site: 'str',
  },
}
/** §5.4 rule 2: deploy states a restore is refused in. */
const RESTORE_BUSY = new Set([
  'creating',
  'pre-install',
  'installing',
  'pre-bootstrap',
  'bootstrapping',
  'pre-config',
  'configuring',
  'pre-rehome',
  'rehoming',
  'pre-restore',
  'restoring',
  'onsite-restoring',
  'pre-init-enroll',
  'initiating-enroll',
  'pre-enroll',
  'enrolling',
])

type Payload = Record<string, unknown>

export const subcloudBackupRoutes: DcmanagerFamily = (context) => [
  {method: 'POST', path: '/v1.0/subcloud-backup', handler: (request) => createBackup(context, request)},
  {
    method: 'PATCH',
    path: '/v1.0/subcloud-backup/delete',
    handler: async (request) => {
      await payloadOf(request, 'delete')
      throw new WebobError(400, 'Release version required')
    },
  },
  {
    method: 'PATCH',
    path: '/v1.0/subcloud-backup/delete/:release',
    handler: (request, {release}) => deleteBackups(context, request, release),
  },
  {method: 'PATCH', path: '/v1.0/subcloud-backup/restore', handler: (request) => restoreBackups(context, request)},
  {
    method: 'PATCH',
    path: '/v1.0/subcloud-backup/:verb',
    handler: async (): Promise<LabResponse> => {
      throw new WebobError(400, 'Unexpected verb received')
    },
  },
]

// ---- request parsing (both bodies) ----

async function payloadOf(request: LabRequest, verb: string): Promise<Payload> {
  const expected = PARAMS[verb]
  let payload: Payload
  if (isMultipart(request.headers['content-type'])) {
    const parts = readForm(request, false)
    payload = {}
    for (const name of ['backup_values', 'restore_values']) {
      if (parts.has(name)) payload[name] = await loadYamlPart(parts.get(name), name)
    }
    for (const [name, part] of parts) {
      if (!(name in payload)) payload[name] = part.data.toString('utf8')
    }
  } else {
    try {
      payload = JSON.parse(request.body.toString('utf8')) as Payload
    } catch {
      throw new WebobError(400, 'Request body is malformed.')
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new WebobError(400, 'Invalid request body format')
    }
  }
  if (!Object.keys(payload).every((key) => key in expected)) throw new WebobError(400, 'Unexpected parameter received')
  return payload
}

/** Python's truthiness of a payload value (upstream tests `payload.get(...)` as strings before converting). */
const truthy = (value: unknown): boolean => value !== undefined && value !== null && value !== '' && value !== false

function password(payload: Payload): string {
  const value = payload.sysadmin_password
  if (!truthy(value)) throw new WebobError(400, 'subcloud sysadmin_password required')
  return decodePassword(String(value), 'sysadmin')
}

function toBooleans(payload: Payload, names: string[]): Record<string, boolean> {
  const flags: Record<string, boolean> = {}
  for (const name of names) {
    const value = payload[name]
    if (!truthy(value)) flags[name] = false
    else if (String(value).toLowerCase() === 'true') flags[name] = true
    else if (String(value).toLowerCase() === 'false') flags[name] = false
    else throw new WebobError(400, `Invalid ${name} value, should be boolean`)
  }
  return flags
}

interface Entity {
  type: 'subcloud' | 'group'
  ref: string
  subclouds: SubcloudRecord[]
}

function entityOf(store: LabStore, payload: Payload): Entity {
  const subcloud = payload.subcloud
  const group = payload.group
  if (truthy(subcloud)) {
    if (truthy(group))
      throw new WebobError(400, "'subcloud' and 'group' parameters should not be given at the same time")
    const record = store.findSubcloud(String(subcloud))
    if (!record) throw new WebobError(400, 'Subcloud not found')
    return {type: 'subcloud', ref: String(subcloud), subclouds: [record]}
  }
  if (truthy(group)) {
    const found = store.findGroup(String(group))
    if (!found) throw new WebobError(404, 'Group not found')
    const members = store.subclouds.filter((record) => record.groupId === found.id)
    if (members.length === 0) throw new WebobError(400, 'No subclouds present in group')
    return {type: 'group', ref: String(group), subclouds: members}
  }
  throw new WebobError(400, "'subcloud' or 'group' parameter is required")
}

/**
 * upstream's `_validate_subclouds`: the valid members; none valid is a 400 (a single subcloud's own message,
 * a group's summary). A group's invalid members ride along (the manager sorts them out).
 */
function validMembers(entity: Entity, operation: string, check: (record: SubcloudRecord) => string | undefined) {
  let message = `Subcloud(s) must be in a valid state for backup ${operation}.`
  const valid: SubcloudRecord[] = []
  for (const record of entity.subclouds) {
    const problem = check(record)
    if (problem) message = problem
    else valid.push(record)
  }
  if (valid.length === 0) {
    throw new WebobError(
      400,
      entity.type === 'group'
        ? `None of the subclouds in group ${entity.ref} are in a valid state for subcloud-backup ${operation}`
        : message,
    )
  }
  return valid
}

function createProblem(record: SubcloudRecord): string | undefined {
  if (
    record.availabilityStatus !== 'online' ||
    record.managementState !== 'managed' ||
    record.deployStatus !== 'complete'
  ) {
    return `Subcloud ${record.name} must be deployed, online and managed for the subcloud-backup create operation.`
  }
  const busy = transientReason(record)
  return busy ? `Cannot perform subcloud-backup create operation: ${busy}` : undefined
}

// ---- create ----

async function createBackup(context: DcmanagerContext, request: LabRequest): Promise<LabResponse> {
  const payload = await payloadOf(request, 'create')
  password(payload)
  if (!truthy(payload.local_only) && truthy(payload.registry_images)) {
    throw new WebobError(400, 'Option registry_images can not be used without local_only option.')
  }
  const entity = entityOf(context.store, payload)
  validMembers(entity, 'create', createProblem)
  const {local_only: localOnly} = toBooleans(payload, ['local_only', 'registry_images'])
  // The answer: every member as stored before the request (the manager has not started).
  const answer = json({subclouds: entity.subclouds.map((record) => toApi(record))})
  void context.runner.background((signal) => runBackups(context, entity.subclouds, localOnly, signal))
  return answer
}

/** The manager's backup of each member (§5.2): validating, then pre-backup -> backing-up -> complete-*. */
async function runBackups(
  {store, runner}: DcmanagerContext,
  members: SubcloudRecord[],
  localOnly: boolean,
  signal: AbortSignal,
): Promise<void> {
  const ids = members
    .filter((record) => !TRANSITORY_BACKUP_STATES.has(record.backupStatus ?? ''))
    .map((record) => record.id)
  const valid = new Set(ids.filter((id) => !createProblem(store.subcloudById(id)!)))
  for (const id of ids) store.updateSubcloud(id, {backupStatus: 'validating'})
  await store.persist()
  await sleep(runner.stepMs, signal)
  await Promise.all(
    ids.map(async (id) => {
      const set = async (change: Partial<SubcloudRecord>) => {
        if (signal.aborted || !store.subcloudById(id)) return false
        store.updateSubcloud(id, change)
        await store.persist()
        return true
      }
      if (!valid.has(id)) return set({backupStatus: 'validate-failed'})
      const fault = takeDeployFault(store, id, ['backing-up'])
      if (!(await set({backupStatus: 'pre-backup', errorDescription: NO_ERRORS}))) return
      await sleep(runner.stepMs, signal)
      if (!(await set({backupStatus: 'backing-up'}))) return
      await sleep(runner.stepMs * 3, signal)
      const record = store.subcloudById(id)
      if (signal.aborted || !record) return
      if (fault) {
        return set({backupStatus: 'failed', errorDescription: playbookFailure('backing-up', record.name, fault.reason)})
      }
      const now = pythonTimestamp()
      store.setBackup(id, record.softwareVersion, {
        ...store.backupOf(id, record.softwareVersion),
        [localOnly ? 'local' : 'central']: now,
      })
      // A backup leaves the inventory flag false (§1.4): deploy install/abort/resume refuse afterwards.
      return set({
        backupStatus: localOnly ? 'complete-local' : 'complete-central',
        backupDatetime: now,
        initialDeployment: false,
      })
    }),
  )
}

// ---- delete ----

async function deleteBackups(context: DcmanagerContext, request: LabRequest, release: string): Promise<LabResponse> {
  const payload = await payloadOf(request, 'delete')
  const {local_only: localOnly} = toBooleans(payload, ['local_only'])
  if (localOnly) password(payload)
  const entity = entityOf(context.store, payload)
  const deleteProblem = (record: SubcloudRecord): string | undefined => {
    if (localOnly && (record.availabilityStatus !== 'online' || record.managementState !== 'managed')) {
      return `Subcloud ${record.name} must be online and managed for the subcloud-backup delete operation with --local-only option.`
    }
    const busy = transientReason(record)
    return busy ? `Cannot perform subcloud-backup delete operation: ${busy}` : undefined
  }
  const valid = validMembers(entity, 'delete', deleteProblem)
  const invalid = entity.subclouds.filter((record) => !valid.includes(record))
  const failed: SubcloudRecord[] = []
  const {store, runner} = context
  // An RPC call: the reply waits for every delete.
  await runner.background(async (signal) => {
    for (const record of valid) store.updateSubcloud(record.id, {backupStatus: 'deleting-backup'})
    await store.persist()
    await sleep(runner.stepMs, signal)
    for (const record of valid) {
      if (!store.subcloudById(record.id)) continue
      const kind = localOnly ? 'local' : 'central'
      const backup = store.backupOf(record.id, release)
      if (!backup?.[kind]) failed.push(record)
      else store.setBackup(record.id, release, {...backup, [kind]: undefined})
      // Deleted, or the playbook found no backup to delete: upstream stores `unknown` for both.
      store.updateSubcloud(record.id, {backupStatus: 'unknown', backupDatetime: null})
    }
    await store.persist()
  })
  if (invalid.length === 0 && failed.length === 0) return {status: 204, headers: {}, body: ''}
  if (invalid.length === 0 && failed.length === valid.length) {
    throw new WebobError(
      422,
      "Failed to run subcloud-backup delete. Please run 'dcmanager subcloud error' command for details",
    )
  }
  let message = 'Subcloud backup delete operation completed with warnings:\n'
  if (invalid.length > 0) {
    message += `The following subclouds were skipped for local backup delete operation: ${names(invalid)}.`
  }
  if (failed.length > 0) message += `The following subclouds failed during backup delete operation: ${names(failed)}.`
  // pecan's json template: the reply is a JSON string.
  return json(JSON.stringify(message), 207)
}

const names = (records: SubcloudRecord[]): string => records.map((record) => record.name).join(' ,')

// ---- restore ----

async function restoreBackups(context: DcmanagerContext, request: LabRequest): Promise<LabResponse> {
  if (request.body.length === 0) throw new WebobError(400, 'Body required')
  const payload = await payloadOf(request, 'restore')
  if (Object.keys(payload).length === 0) throw new WebobError(400, 'Body required')
  const sysadminPassword = password(payload)
  const flags = toBooleans(payload, ['local_only', 'with_install', 'registry_images', 'auto', 'factory', 'on_site'])
  if (!flags.local_only && flags.registry_images) {
    throw new WebobError(400, 'Option registry_images cannot be used without local_only option.')
  }
  const release = truthy(payload.release) ? String(payload.release) : undefined
  if (release && !(flags.with_install || flags.factory)) {
    throw new WebobError(400, "Option release cannot be used without 'with_install' or 'factory' options.")
  }
  if ((flags.factory || flags.auto) && release && release < '26.03') {
    throw new WebobError(400, 'Auto-restore and factory restore are not supported for releases earlier than 26.03.')
  }
  if (flags.on_site && (flags.with_install || flags.factory || flags.auto || truthy(payload.group))) {
    throw new WebobError(
      400,
      'Option on_site cannot be used with any of the following options: with_install, factory, auto or group',
    )
  }
  const entity = entityOf(context.store, payload)
  const restoreValues = (payload.restore_values ?? {}) as Record<string, unknown>
  const addresses = restoreValues.bootstrap_address ?? {}
  if (typeof addresses !== 'object' || addresses === null || Array.isArray(addresses)) {
    throw new WebobError(400, 'The bootstrap_address provided in restore_values is in invalid format.')
  }
  if (
    flags.on_site &&
    restoreValues.restore_timeout !== undefined &&
    !Number.isFinite(Number(restoreValues.restore_timeout))
  ) {
    throw new WebobError(400, 'restore_timeout in restore_values must be a numeric value in seconds.')
  }
  const mode = flags.factory ? 'factory' : flags.auto ? 'auto' : undefined
  const valid = validMembers(entity, 'restore', (record) =>
    restoreProblem(context, record, addresses as Record<string, unknown>, mode),
  )
  const withInstall = flags.with_install || flags.auto || flags.factory
  let version: string | undefined
  if (withInstall) {
    const without = entity.subclouds.filter((record) => !record.dataInstall).map((record) => record.name)
    if (without.length > 0) {
      throw new WebobError(
        400,
        `The restore operation was requested with with_install, auto or factory, but the following subcloud(s) does not contain install values: ${without.join(', ')}`,
      )
    }
    version = supportedRelease(release, context)
  }
  const localOnly = flags.local_only || flags.factory
  const answer = json({subclouds: valid.map((record) => ({...toApi(record), 'deploy-status': 'pre-restore'}))})
  for (const record of valid) {
    // A restore leaves the inventory flag false (§1.4); with install, the subcloud takes the install's release.
    context.store.updateSubcloud(record.id, {initialDeployment: false, ...(version ? {softwareVersion: version} : {})})
    const restoreRelease = version ?? record.softwareVersion
    const address = (addresses as Record<string, unknown>)[record.name]
    context.runner.start({
      subcloudId: record.id,
      phases: withInstall ? ['pre-restore', 'install', 'restore'] : ['pre-restore', 'restore'],
      restoreEnd: flags.factory ? 'factory-restore-complete' : 'complete',
      restoreState: flags.on_site ? 'onsite-restoring' : 'restoring',
      backupFound: () => Boolean(context.store.backupOf(record.id, restoreRelease)?.[localOnly ? 'local' : 'central']),
      onSuccess: () => restored(context.store, record.id),
      request: {
        subcloudName: record.name,
        regionName: record.regionName,
        bootstrapAddress: typeof address === 'string' ? address : record.bootstrapAddress,
        bootstrapValues: context.runner.storedBootstrapValues(record.id) ?? '',
        sysadminPassword,
        release: restoreRelease,
      },
    })
  }
  return answer
}

/** §5.4 per member, first failing rule wins (the lab's BMCs always answer; no subcloud is vCSR-enrolled). */
function restoreProblem(
  context: DcmanagerContext,
  record: SubcloudRecord,
  addresses: Record<string, unknown>,
  mode: string | undefined,
): string | undefined {
  if (record.managementState !== 'unmanaged' || RESTORE_BUSY.has(record.deployStatus)) {
    return `Subcloud ${record.name} must be unmanaged and in a valid deploy state for the subcloud-backup restore operation.`
  }
  const given = addresses[record.name]
  if (given !== undefined && !parseAddress(String(given))) {
    return `Subcloud ${record.name} must have a valid bootstrap address: ${String(given)}`
  }
  if (mode && given === undefined) {
    const values = context.runner.storedBootstrapValues(record.id)
    if (values === undefined) {
      return `Bootstrap values for subcloud ${record.name} was not found, unable to determine subcloud system mode.`
    }
    const systemMode = /^system_mode:\s*["']?([\w-]+)/m.exec(values)?.[1]
    if (!systemMode) return `Unable to determine subcloud ${record.name} system mode from the bootstrap values.`
    if (systemMode !== 'simplex') {
      const title = mode === 'auto' ? 'Auto' : 'Factory'
      return `${record.name} is a ${systemMode} subcloud. ${title} restore is only supported for simplex subclouds.`
    }
  }
  const busy = transientReason(record)
  return busy ? `Cannot perform subcloud-backup restore operation: ${busy}` : undefined
}

/** After a restore: the subcloud is no longer in its initial deployment; for-sw-deploy prestage is gone (§4.2). */
function restored(store: LabStore, id: number): void {
  const record = store.subcloudById(id)
  if (!record) return
  const versions = record.prestageVersions?.replace(/for-sw-deploy: .*$/, 'for-sw-deploy: None') ?? null
  store.updateSubcloud(id, {initialDeployment: false, prestageVersions: versions})
}
