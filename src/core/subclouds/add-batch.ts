import type {DcmanagerClient} from '../api/dcmanager-client.js'
import type {Subcloud} from '../api/dcmanager-types.js'
import type {BootstrapTarget} from '../bootstrap/batch.js'
import type {PreflightCheck} from '../bootstrap/preflight.js'
import {ExitCode, isDcmError} from '../errors.js'
import type {SshTargetOptions} from '../ssh/types.js'
import type {Finding, SystemControllerNetwork} from '../overrides/types.js'
import type {AddStage} from '../flows/add-subcloud.js'
import type {DeployProgress} from '../flows/wait-for-deploy.js'
import {type AddRequest, existingFrom} from './add.js'

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

/**
 * One subcloud of the batch through the single add flow (src/core/flows/add-subcloud.ts), its files
 * already validated with the others: pre-flight, POST, and with `wait` its deploy status to a resting
 * state. Never throws: the result says where it stopped.
 */
export async function addTarget(target: BootstrapTarget, options: AddTargetOptions): Promise<AddBatchResult> {
  const {addSubcloud} = await import('../flows/add-subcloud.js')
  const base = {subcloudName: target.name, bootstrapAddress: target.address}
  let stage: AddStage = 'preflight'
  let failedCheck: PreflightCheck | undefined
  let lastStatus = ''
  try {
    const result = await addSubcloud({
      client: options.client,
      request: {...options.request, bootstrapAddress: target.address, bootstrapValues: target.file},
      validated: {loaded: target.loaded},
      secrets: async () => ({sysadminPassword: options.sysadminPassword}),
      preflight: options.preflightTarget?.(target.address),
      wait: options.wait,
      reporter: {
        stage: (next) => (stage = next),
        preflightCheck: (check) => options.onPreflightCheck?.(target, check),
        preflightFailed: (check) => (failedCheck = check),
        added: (subcloud) => (lastStatus = subcloud['deploy-status']),
        deployProgress: (progress) => {
          lastStatus = progress.status
          options.onProgress?.(target, progress)
        },
      },
    })
    const outcome = result.kind === 'deployed' ? 'complete' : 'added'
    return {...base, outcome, deployStatus: lastStatus, exitCode: ExitCode.ok, detail: ''}
  } catch (error) {
    if (stage === 'preflight') {
      const prefix = failedCheck ? `pre-flight "${failedCheck.title}" failed: ` : 'pre-flight: '
      return failure(base, 'not-started', '', error, prefix)
    }
    return failure(base, 'failed', stage === 'wait' ? lastStatus : '', error)
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
