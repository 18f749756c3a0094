import path from 'node:path'

import {ConnectionError, OperationError, UsageError} from '../../core/errors.js'
import {registerSecret} from '../../core/secrets.js'
import {labEnvironment, processAlive, readAdminPassword, readInstance} from '../lab-files.js'
import type {SubcloudFaults} from './subcloud-fault-service.js'

/**
 * Client of `/lab/subclouds` (subcloud-fault-service.ts) for `dcm lab subcloud set`: finds the lab running in
 * a data dir, authenticates to its Keystone with the data dir's admin password through dcm's own session
 * (the one every command uses), and maps error answers to typed errors (400 -> exit 2, 404 -> 1, no lab -> 3).
 */
export interface SubcloudFaultChange {
  failStrategyAt?: string | null
  failReason?: string
  /** A one-shot deploy, backup, restore or prestage failure in this state (null clears). */
  failDeployAt?: string | null
  sync?: Record<string, string>
  /** The reason the subcloud's next rehome at this site fails; null clears. */
  failRehome?: string | null
}

export async function setSubcloudFaults(
  dataDir: string,
  name: string,
  change: SubcloudFaultChange,
): Promise<SubcloudFaults> {
  const found = await readInstance(dataDir)
  const instance = found && processAlive(found.pid) ? found : undefined
  const password = await readAdminPassword(dataDir)
  if (!instance || !password)
    throw new ConnectionError(`no lab is running in ${dataDir}`, {hint: `dcm lab start --detach --data-dir ${dataDir}`})
  registerSecret(password)
  const {resolveAuthConfig} = await import('../../core/api/auth-config.js')
  const {openSession} = await import('../../core/api/connect.js')
  const config = await resolveAuthConfig({}, labEnvironment(instance, password))
  const session = openSession(config, {cacheDir: path.join(dataDir, 'client-cache')})
  try {
    const body: Record<string, unknown> = {}
    if (change.failStrategyAt !== undefined) body.fail_strategy_at = change.failStrategyAt
    if (change.failReason !== undefined) body.fail_reason = change.failReason
    if (change.failDeployAt !== undefined) body.fail_deploy_at = change.failDeployAt
    if (change.sync) body.sync = change.sync
    if (change.failRehome !== undefined) body.fail_rehome = change.failRehome
    const response = await session.request({
      method: 'POST',
      url: `${instance.url}/lab/subclouds/${encodeURIComponent(name)}`,
      headers: {'content-type': 'application/json', accept: 'application/json'},
      body: JSON.stringify(body),
    })
    let payload: {subcloud?: SubcloudFaults; error?: {message?: string; hint?: string}} | undefined
    try {
      payload = response.json()
    } catch {
      // A lab without this API answers something else: reported by status below.
    }
    if (response.status === 200 && payload?.subcloud) return payload.subcloud
    const message = payload?.error?.message ?? `the lab answered HTTP ${response.status}`
    const options = payload?.error?.hint ? {hint: payload.error.hint} : {}
    if (response.status === 400) throw new UsageError(message, options)
    if (response.status === 401) throw new ConnectionError(message, options)
    throw new OperationError(message, options)
  } finally {
    await session.transport.close()
  }
}
