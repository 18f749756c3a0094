import type {LabRequest, LabResponse} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import type {LabStore, SubcloudGroupRecord} from '../lab-store.js'
import {type DcmanagerFamily, json, parseJsonBody, pythonTruthy, revisionCache, toApi} from './dcmanager-http.js'

/**
 * `/v1.0/subcloud-groups` (dcmanager-api.md §2.2): list with subcloud counts, show, the group's subclouds,
 * add, update and delete, with the Default group (id 1) protected.
 */
export const subcloudGroupRoutes: DcmanagerFamily = ({store}) => {
  const cached = revisionCache(store)
  return [
    {method: 'GET', path: '/v1.0/subcloud-groups', handler: () => listGroups(store)},
    {method: 'POST', path: '/v1.0/subcloud-groups', handler: (request) => addGroup(store, request)},
    {
      method: 'GET',
      path: '/v1.0/subcloud-groups/:group/subclouds',
      handler: (request, {group}) => {
        const found = groupOr404(store, group)
        return cached(`subclouds of ${found.id}`, () => groupSubclouds(store, found))
      },
    },
    {
      method: 'GET',
      path: '/v1.0/subcloud-groups/:group',
      handler: (request, {group}) => json(groupToApi(groupOr404(store, group))),
    },
    {
      method: 'PATCH',
      path: '/v1.0/subcloud-groups/:group',
      handler: (request, {group}) => patchGroup(store, request, group),
    },
    {method: 'DELETE', path: '/v1.0/subcloud-groups/:group', handler: (request, {group}) => deleteGroup(store, group)},
  ]
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

function groupOr404(store: LabStore, ref: string): SubcloudGroupRecord {
  const group = store.findGroup(ref)
  if (!group) throw new WebobError(404, 'Subcloud Group not found')
  return group
}

function listGroups(store: LabStore): LabResponse {
  const counts = new Map<number, number>()
  for (const record of store.subclouds) counts.set(record.groupId, (counts.get(record.groupId) ?? 0) + 1)
  return json({
    subcloud_groups: store.groups.map((group) => ({
      ...groupToApi(group),
      subcloud_count: counts.get(group.id) ?? 0,
    })),
  })
}

function groupSubclouds(store: LabStore, group: SubcloudGroupRecord): {subclouds: Array<Record<string, unknown>>} {
  return {subclouds: store.subclouds.filter((record) => record.groupId === group.id).map((r) => toApi(r))}
}

async function addGroup(store: LabStore, request: LabRequest): Promise<LabResponse> {
  const body = parseJsonBody(request)
  validateGroupName(body.name)
  validateGroupDescription(body.description)
  validateApplyType(body.update_apply_type)
  const maxParallel = validateMaxParallel(body.max_parallel_subclouds)
  if (store.groups.some((group) => group.name === body.name)) {
    throw new WebobError(400, 'A subcloud group with this name already exists')
  }
  const group = store.insertGroup({
    name: String(body.name),
    description: String(body.description),
    updateApplyType: String(body.update_apply_type),
    maxParallelSubclouds: maxParallel,
  })
  await store.persist()
  return json(groupToApi(group))
}

async function patchGroup(store: LabStore, request: LabRequest, ref: string): Promise<LabResponse> {
  // Upstream's order (SubcloudGroupsController.patch): the body, then the group, then each truthy field.
  const body = groupBody(request)
  const group = groupOr404(store, ref)
  const {name, description, update_apply_type: applyType, max_parallel_subclouds: maxParallel} = body
  if (![name, description, applyType, maxParallel].some(pythonTruthy)) throw new WebobError(400, 'nothing to update')
  const change: Partial<SubcloudGroupRecord> = {}
  if (pythonTruthy(name)) {
    // `Default` (any case) is refused before the Default group's own rule, even as its current name.
    validateGroupName(name)
    if (group.id === 1) throw new WebobError(400, 'Default group name cannot be changed')
    // The name column is unique: upstream's update fails in the database, answered as any other failure.
    if (store.groups.some((other) => other.id !== group.id && other.name === name)) {
      throw new WebobError(500, 'Unable to update subcloud group')
    }
    change.name = String(name)
  }
  if (pythonTruthy(description)) {
    validateGroupDescription(description)
    change.description = String(description)
  }
  if (pythonTruthy(applyType)) {
    validateApplyType(applyType)
    change.updateApplyType = String(applyType)
  }
  if (pythonTruthy(maxParallel)) change.maxParallelSubclouds = validateMaxParallel(maxParallel)
  const updated = store.updateGroup(group.id, change)
  await store.persist()
  return json(groupToApi(updated))
}

/** `json.loads(request.body)`, where anything unreadable or empty is `Body required` (groups say no more). */
function groupBody(request: LabRequest): Record<string, unknown> {
  try {
    return parseJsonBody(request)
  } catch {
    throw new WebobError(400, 'Body required')
  }
}

async function deleteGroup(store: LabStore, ref: string): Promise<LabResponse> {
  const group = groupOr404(store, ref)
  if (group.id === 1) throw new WebobError(400, 'Default Subcloud Group may not be deleted')
  if (store.subclouds.some((record) => record.groupId === group.id)) {
    throw new WebobError(400, 'Subcloud Group not empty')
  }
  store.deleteGroup(group.id)
  await store.persist()
  return json(null)
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
