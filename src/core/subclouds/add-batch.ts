import type {DcmanagerClient} from '../api/dcmanager-client.js'
import type {Subcloud} from '../api/dcmanager-types.js'
import type {BootstrapTarget} from '../bootstrap/batch.js'
import type {PreflightCheck} from '../bootstrap/preflight.js'
import {ExitCode, isDcmError, OperationError} from '../errors.js'
import type {SshTargetOptions} from '../ssh/types.js'
import type {Finding, SystemControllerNetwork} from '../overrides/types.js'
import {type AddRequest, buildAddForm, existingFrom} from './add.js'
import {type DeployProgress, waitForDeploy} from './wait.js'

/**
 * `dcm subcloud add` over several bootstrap values files: the files are planned and validated together with
 * the bootstrap batch machinery (src/core/bootstrap/batch.ts), then each subcloud goes through the single add
 * flow (pre-flight, POST, optionally --wait) on its own, so that one failure does not stop the others.
 */
export interface AddBatchResult {
  subcloudName: string
  bootstrapAddress: string
  /** added (no --wait), complete, failed (POST refused or deploy failed), not-started (pre-flight/interrupt). */
  outcome: 'added' | 'complete' | 'failed' | 'not-started'
  /** The subcloud's last known deploy status ('' when it was never created). */
  deployStatus: string
  exitCode: number
  detail: string
  error?: Error
}

/**
 * Every file of the batch against the schema, the network rules, the live subclouds and each other.
 * Returns all findings (errors included); the caller decides (findingsError) before anything is sent.
 */
export async function validateAddBatch(
  targets: BootstrapTarget[],
  existing: Subcloud[],
  systemControllers?: SystemControllerNetwork[],
): Promise<Finding[]> {
  const {validateTargets} = await import('../bootstrap/batch.js')
  return validateTargets(targets, {existingSubclouds: existingFrom(existing), systemControllers})
}

export interface AddTargetOptions {
  client: DcmanagerClient
  /** What the files share: group id (already resolved), release. */
  request: Omit<AddRequest, 'bootstrapAddress' | 'bootstrapValues'>
  sysadminPassword: string
  /** SSH options for the pre-flight of one address; undefined = --no-preflight. */
  preflightTarget?: (address: string) => SshTargetOptions
  wait?: {timeoutMs: number; intervalMs: number; signal?: AbortSignal}
  onPreflightCheck?: (target: BootstrapTarget, check: PreflightCheck) => void
  onProgress?: (target: BootstrapTarget, progress: DeployProgress) => void
}

/** One subcloud of the batch: pre-flight, POST, and with `wait` its deploy status to a resting state. Never throws. */
export async function addTarget(target: BootstrapTarget, options: AddTargetOptions): Promise<AddBatchResult> {
  const base = {subcloudName: target.name, bootstrapAddress: target.address}
  const request: AddRequest = {...options.request, bootstrapAddress: target.address, bootstrapValues: target.file}
  if (options.preflightTarget) {
    const {runPreflight} = await import('../bootstrap/preflight.js')
    try {
      const report = await runPreflight({
        target: options.preflightTarget(target.address),
        password: options.sysadminPassword,
        bootstrapAddress: target.address,
        overrides: target.loaded.values,
        release: request.release,
        onCheck: (check) => options.onPreflightCheck?.(target, check),
      })
      if (!report.ok) {
        const error = report.error ?? new OperationError(`pre-flight check failed: ${report.failed?.detail}`)
        return failure(base, 'not-started', '', error, `pre-flight "${report.failed?.title}" failed: `)
      }
    } catch (error) {
      return failure(base, 'not-started', '', error, 'pre-flight: ')
    }
  }
  let added: Subcloud
  try {
    added = await options.client.subclouds.add(
      await buildAddForm(request, {sysadminPassword: options.sysadminPassword}),
    )
  } catch (error) {
    return failure(base, 'failed', '', error)
  }
  if (!options.wait)
    return {...base, outcome: 'added', deployStatus: added['deploy-status'], exitCode: ExitCode.ok, detail: ''}
  let lastStatus = added['deploy-status']
  try {
    const done = await waitForDeploy(options.client, String(added.id), {
      timeoutMs: options.wait.timeoutMs,
      intervalMs: options.wait.intervalMs,
      signal: options.wait.signal,
      onProgress: (progress) => {
        lastStatus = progress.status
        options.onProgress?.(target, progress)
      },
    })
    return {...base, outcome: 'complete', deployStatus: done['deploy-status'], exitCode: ExitCode.ok, detail: ''}
  } catch (error) {
    return failure(base, 'failed', lastStatus, error)
  }
}

function failure(
  base: {subcloudName: string; bootstrapAddress: string},
  outcome: AddBatchResult['outcome'],
  deployStatus: string,
  error: unknown,
  prefix = '',
): AddBatchResult {
  const err = error instanceof Error ? error : new Error(String(error))
  return {
    ...base,
    outcome,
    deployStatus,
    exitCode: isDcmError(err) ? err.exitCode : ExitCode.failed,
    detail: prefix + err.message.split('\n')[0],
    error: err,
  }
}
