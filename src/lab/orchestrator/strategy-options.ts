import {pythonTimestamp} from '../dcmanager/python-time.js'
import {WebobError} from '../http/webob-error.js'
import type {LabStore} from '../lab-store.js'
import {dbTimestamp, type OptionsRow, type OrchestrationTables} from './orchestration-tables.js'

/**
 * /sw-update-options (orchestration.md §6, api §2.8): the defaults row (`all clouds default`, built-in until
 * saved) and per-subcloud rows; `SystemController` and `RegionOne` address the defaults.
 */
export const DEFAULTS_NAME = 'all clouds default'
const DEFAULTS_REFS = new Set(['SystemController', 'RegionOne'])
const FIELDS = [
  'storage-apply-type',
  'worker-apply-type',
  'max-parallel-workers',
  'alarm-restriction-type',
  'default-instance-action',
] as const

/** The built-in defaults (`vim.SW_UPDATE_OPTS_CONST_DEFAULT`): no id, no subcloud-id, null timestamps. */
function builtInDefaults(): Record<string, unknown> {
  return {
    name: DEFAULTS_NAME,
    'storage-apply-type': 'parallel',
    'worker-apply-type': 'parallel',
    'max-parallel-workers': 10,
    'default-instance-action': 'migrate',
    'alarm-restriction-type': 'relaxed',
    'created-at': null,
    'updated-at': null,
  }
}

function rowToApi(row: OptionsRow, name: string): Record<string, unknown> {
  return {
    id: row.id,
    name,
    'subcloud-id': row.subcloudId,
    'storage-apply-type': row.storageApplyType,
    'worker-apply-type': row.workerApplyType,
    'max-parallel-workers': row.maxParallelWorkers,
    'alarm-restriction-type': row.alarmRestrictionType,
    'default-instance-action': row.defaultInstanceAction,
    'created-at': dbTimestamp(row.createdAt),
    'updated-at': dbTimestamp(row.updatedAt),
  }
}

export class StrategyOptions {
  constructor(
    private readonly store: LabStore,
    private readonly tables: () => OrchestrationTables,
  ) {}

  private rowOf(subcloudId: number): OptionsRow | undefined {
    return this.tables().options.find((row) => row.subcloudId === subcloudId)
  }

  private defaults(): Record<string, unknown> {
    const saved = this.rowOf(0)
    return saved ? rowToApi(saved, DEFAULTS_NAME) : builtInDefaults()
  }

  /** A subcloud by `{subcloud}` ref (digits = id), else 404 `Subcloud not found`. */
  private subcloud(ref: string) {
    const subcloud = this.store.findSubcloud(ref)
    if (!subcloud) throw new WebobError(404, 'Subcloud not found')
    return subcloud
  }

  list(): Record<string, unknown> {
    const rows = this.tables()
      .options.filter((row) => row.subcloudId !== 0)
      .map((row) => ({row, subcloud: this.store.subcloudById(row.subcloudId)}))
      .filter((entry) => entry.subcloud)
      .sort((a, b) => a.row.subcloudId - b.row.subcloudId)
    return {'sw-update-options': [this.defaults(), ...rows.map(({row, subcloud}) => rowToApi(row, subcloud!.name))]}
  }

  show(ref: string): Record<string, unknown> {
    if (DEFAULTS_REFS.has(ref)) return this.defaults()
    const subcloud = this.subcloud(ref)
    const row = this.rowOf(subcloud.id)
    if (!row) throw new WebobError(404, `No options found for Subcloud with id ${subcloud.id}, defaults will be used.`)
    return rowToApi(row, subcloud.name)
  }

  async update(ref: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (Object.keys(body).length === 0) throw new WebobError(400, 'Body required')
    let subcloudId = 0
    let name = DEFAULTS_NAME
    if (!DEFAULTS_REFS.has(ref)) {
      const subcloud = this.subcloud(ref)
      subcloudId = subcloud.id
      // The name echoes the ref as typed, unless it was an id.
      name = /^\d+$/.test(ref) ? subcloud.name : ref
    }
    // A missing key is a KeyError upstream: a 500 with an empty body.
    if (FIELDS.some((field) => !(field in body))) throw new Error('missing strategy option')
    const fields = {
      storageApplyType: body['storage-apply-type'] as string,
      workerApplyType: body['worker-apply-type'] as string,
      maxParallelWorkers: body['max-parallel-workers'] as number,
      alarmRestrictionType: body['alarm-restriction-type'] as string,
      defaultInstanceAction: body['default-instance-action'] as string,
    }
    const tables = this.tables()
    let row = this.rowOf(subcloudId)
    if (row) Object.assign(row, fields, {updatedAt: pythonTimestamp()})
    else {
      row = {id: tables.nextOptionsId++, subcloudId, ...fields, createdAt: pythonTimestamp(), updatedAt: null}
      tables.options.push(row)
    }
    await this.store.persist()
    return rowToApi(row, name)
  }

  async delete(ref: string): Promise<void> {
    const tables = this.tables()
    if (DEFAULTS_REFS.has(ref)) {
      tables.options = tables.options.filter((row) => row.subcloudId !== 0)
    } else {
      const subcloud = this.subcloud(ref)
      if (!this.rowOf(subcloud.id)) throw new WebobError(404, 'Subcloud patch options not found')
      tables.options = tables.options.filter((row) => row.subcloudId !== subcloud.id)
    }
    await this.store.persist()
  }
}
