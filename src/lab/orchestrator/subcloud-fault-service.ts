import {
  allStepStates,
  STEP_ABORTED,
  STEP_COMPLETE,
  STEP_FAILED,
  STEP_INITIAL,
} from '../../core/orchestration/strategy-types.js'
import {ENDPOINT_TYPES, type SubcloudRecord, type SyncStatus} from '../dcmanager/subcloud-model.js'
import type {LabResponse} from '../http/http-types.js'
import type {LabMount} from '../http/lab-mounts.js'
import type {KeystoneService} from '../keystone/keystone-service.js'
import type {LabStore} from '../lab-store.js'
import {DEPLOY_FAULT_STATES} from '../deploy/deploy-phases.js'

/**
 * Lab-admin API for orchestration faults (`dcm lab subcloud set`), authenticated with a token of the lab's
 * Keystone like the other lab APIs:
 *
 *   GET  /lab/subclouds/<name>  -> 200 {"subcloud": faults} | 404
 *   POST /lab/subclouds/<name>  {"fail_strategy_at"?: state | null, "fail_reason"?: text,
 *                                "sync"?: {"<endpoint>": "in-sync" | "out-of-sync" | "unknown"},
 *                                "fail_deploy_at"?: state | null, "fail_rehome"?: reason | null}
 *                               -> 200 {"subcloud": faults} | 400/404 {"error": {"message", "hint"?}}
 *
 * `fail_strategy_at` makes the subcloud's strategy step fail in that state (null or "" clears it); `sync`
 * sets what the lab's audit reports for an endpoint while the subcloud is managed and online (`in-sync`
 * clears the override). A successful step of the endpoint's type clears it too, as a real audit would.
 * `fail_deploy_at` makes the next run of that deploy, backup, restore or prestage state fail (once; the
 * reason, if given, is the failed task the error-description names).
 */
export const SUBCLOUD_FAULTS_PREFIX = '/lab/subclouds'

const SYNC_STATUSES = new Set<SyncStatus>(['in-sync', 'out-of-sync', 'unknown'])

export interface SubcloudFaults {
  name: string
  fail_strategy_at: string | null
  fail_reason: string | null
  /** The reason the next rehome of the subcloud at this site fails (geo-redundancy's migrate), or null. */
  fail_rehome: string | null
  sync_overrides: Record<string, SyncStatus>
  endpoint_sync_status: Record<string, SyncStatus>
  fail_deploy_at: string | null
}

function wire(record: SubcloudRecord): SubcloudFaults {
  return {
    name: record.name,
    fail_strategy_at: record.strategyFault?.state ?? null,
    fail_reason: record.strategyFault?.reason ?? null,
    fail_rehome: record.rehomeFault ?? null,
    sync_overrides: {...record.syncOverrides},
    endpoint_sync_status: {...record.endpointSyncStatus},
    fail_deploy_at: record.deployFault?.state ?? null,
  }
}

function error(status: number, message: string, hint?: string): LabResponse {
  return {status, body: {error: {message, ...(hint ? {hint} : {})}}}
}

/** The states a failure can be injected at: every type's own states. */
export function injectableStates(): string[] {
  const shared = new Set([STEP_INITIAL, STEP_COMPLETE, STEP_FAILED, STEP_ABORTED])
  return [...allStepStates()].filter((state) => !shared.has(state))
}

export function subcloudFaultMount(store: LabStore, keystone: KeystoneService, audit: () => void): LabMount {
  return {
    prefix: SUBCLOUD_FAULTS_PREFIX,
    service: async (request) => {
      const header = request.headers['x-auth-token']
      if (!keystone.validate(Array.isArray(header) ? header[0] : header))
        return error(401, 'The request you have made requires authentication.')
      const name = decodeURIComponent(request.path.replace(/^\/+|\/+$/g, ''))
      const record = name ? store.subcloudByName(name) : undefined
      if (!record) return error(404, `no subcloud named ${name}`, 'see `dcm subcloud list`')
      if (request.method === 'GET') return {status: 200, body: {subcloud: wire(record)}}
      if (request.method !== 'POST') return error(405, `${request.method} is not allowed here`)
      let body: Record<string, unknown>
      try {
        body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>
      } catch {
        return error(400, 'The request body is not valid JSON.')
      }
      const change: Partial<SubcloudRecord> = {}
      if ('fail_strategy_at' in body) {
        const state = body.fail_strategy_at
        if (state === null || state === '') change.strategyFault = undefined
        else if (typeof state !== 'string' || !injectableStates().includes(state))
          return error(400, `unknown strategy state "${String(state)}"`, `one of: ${injectableStates().join(', ')}`)
        else {
          const reason = typeof body.fail_reason === 'string' && body.fail_reason !== '' ? body.fail_reason : undefined
          change.strategyFault = {state, ...(reason ? {reason} : {})}
        }
      }
      if ('fail_deploy_at' in body) {
        const state = body.fail_deploy_at
        if (state === null || state === '') change.deployFault = undefined
        else if (typeof state !== 'string' || !DEPLOY_FAULT_STATES.includes(state))
          return error(400, `unknown deploy state "${String(state)}"`, `one of: ${DEPLOY_FAULT_STATES.join(', ')}`)
        else {
          const reason = typeof body.fail_reason === 'string' && body.fail_reason !== '' ? body.fail_reason : undefined
          change.deployFault = {state, ...(reason ? {reason} : {})}
        }
      }
      if ('fail_rehome' in body) {
        const reason = body.fail_rehome
        if (reason !== null && typeof reason !== 'string') return error(400, '"fail_rehome" must be a text or null')
        change.rehomeFault = reason === null || reason === '' ? undefined : reason
      }
      if (body.sync !== undefined) {
        if (typeof body.sync !== 'object' || body.sync === null) return error(400, '"sync" must be an object')
        const overrides = {...record.syncOverrides}
        for (const [endpoint, status] of Object.entries(body.sync as Record<string, unknown>)) {
          if (!ENDPOINT_TYPES.includes(endpoint))
            return error(400, `unknown endpoint "${endpoint}"`, `one of: ${ENDPOINT_TYPES.join(', ')}`)
          if (!SYNC_STATUSES.has(status as SyncStatus))
            return error(400, `unknown sync status "${String(status)}"`, 'one of: in-sync, out-of-sync, unknown')
          if (status === 'in-sync') delete overrides[endpoint]
          else overrides[endpoint] = status as SyncStatus
        }
        change.syncOverrides = Object.keys(overrides).length > 0 ? overrides : undefined
      }
      store.updateSubcloud(record.id, change, {touch: false})
      // The audit turns the override into the endpoint status before we answer.
      audit()
      await store.persist()
      return {status: 200, body: {subcloud: wire(record)}}
    },
  }
}
