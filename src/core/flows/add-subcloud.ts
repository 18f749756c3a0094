import type {DcmanagerClient} from '../api/dcmanager-client.js'
import type {Subcloud} from '../api/dcmanager-types.js'
import type {PreflightCheck} from '../bootstrap/preflight.js'
import {OperationError} from '../errors.js'
import type {Cell} from '../output/types.js'
import type {LoadedOverrides, SystemControllerNetwork} from '../overrides/types.js'
import type {SshTargetOptions} from '../ssh/types.js'
import {
  type AddRequest,
  type AddSecrets,
  addPath,
  buildAddForm,
  describeForm,
  type LocalValidation,
  validateAddFiles,
} from '../subclouds/add.js'
import {type DeployProgress, waitForDeploy} from './wait-for-deploy.js'
import type {WaitTiming} from './wait-for-state.js'

/**
 * Adding one subcloud, the single flow behind `dcm subcloud add`, each subcloud of `subcloud add` with
 * several files, and `dcm lab demo`:
 *   validate (schema, network rules, overlap with the live subclouds; a group name resolved to its id)
 *   -> [--dry-run: the form that would be sent, stop] -> secrets -> SSH pre-flight -> POST -> [wait].
 * It returns values and throws the typed errors of each stage (exit 2 invalid, 3 unreachable, 1 refused
 * or failed, 4 timed out, 130 interrupted); what happens along the way goes to the reporter, never to a
 * stream.
 */
export type AddStage = 'validate' | 'preflight' | 'add' | 'wait'

export interface AddSubcloudReporter {
  /** A stage starts (the batch uses it to say where a subcloud stopped). */
  stage?(stage: AddStage): void
  /** The files passed; warnings only (errors were thrown). */
  validated?(validation: LocalValidation): void
  preflightCheck?(check: PreflightCheck): void
  /** The pre-flight check that stopped the add, before its error is thrown. */
  preflightFailed?(check: PreflightCheck | undefined): void
  /** The System Controller accepted the POST. */
  added?(subcloud: Subcloud): void
  deployProgress?(progress: DeployProgress): void
}

export interface AddSubcloudOptions {
  client: DcmanagerClient
  request: AddRequest
  /**
   * Asked only once the files passed and something will be sent (no prompt for an invalid file or a
   * dry run).
   */
  secrets: () => Promise<AddSecrets>
  systemControllers?: SystemControllerNetwork[]
  /**
   * The caller already validated the files against the live subclouds and each other (a batch) and
   * resolved the group to its id: skip the validate stage, use these values for the pre-flight.
   */
  validated?: {loaded: LoadedOverrides}
  /** Print what would be sent instead of sending it. */
  dryRun?: boolean
  /** SSH options for the pre-flight of the bootstrap address; undefined skips it (`--no-preflight`). */
  preflight?: SshTargetOptions
  /** Follow the deploy status to a resting state. */
  wait?: Omit<WaitTiming<DeployProgress>, 'onProgress' | 'now'>
  reporter?: AddSubcloudReporter
}

export type AddSubcloudResult =
  | {kind: 'dry-run'; fields: string[]; values: Cell[]}
  | {kind: 'added'; subcloud: Subcloud}
  | {kind: 'deployed'; subcloud: Subcloud}

export async function addSubcloud(options: AddSubcloudOptions): Promise<AddSubcloudResult> {
  const {client, reporter = {}} = options
  const request = {...options.request}
  let loaded = options.validated?.loaded
  if (!loaded) {
    reporter.stage?.('validate')
    // The live subclouds make the overlap rules meaningful: a range taken on the System Controller is an error here.
    const existing = await client.subclouds.list()
    // The server takes only a group id on add (upstream quirk Q7); resolve a name here, before anything is sent.
    if (request.group && !/^\d+$/.test(request.group))
      request.group = String((await client.subcloudGroups.get(request.group)).id)
    const validation = await validateAddFiles(request, existing, options.systemControllers)
    reporter.validated?.(validation)
    loaded = validation.loaded
  }

  if (options.dryRun) {
    const fields = await buildAddForm(request, {
      sysadminPassword: '',
      bmcPassword: request.installValues ? '' : undefined,
    })
    return {kind: 'dry-run', ...describeForm('POST', `${await client.baseUrl()}/subclouds/`, fields)}
  }

  const secrets = await options.secrets()
  if (options.preflight) {
    reporter.stage?.('preflight')
    // Before anything is sent, check over SSH that the bootstrap address answers, takes this sysadmin
    // password and is not bootstrapped yet (src/core/bootstrap/preflight.ts).
    const {runPreflight} = await import('../bootstrap/preflight.js')
    const report = await runPreflight({
      target: options.preflight,
      password: secrets.sysadminPassword ?? '',
      bootstrapAddress: request.bootstrapAddress,
      overrides: loaded.values,
      release: request.release,
      onCheck: (check) => reporter.preflightCheck?.(check),
    })
    if (!report.ok) {
      reporter.preflightFailed?.(report.failed)
      throw report.error ?? new OperationError(`pre-flight check failed: ${report.failed?.detail}`)
    }
  }

  reporter.stage?.('add')
  const added = await client.subclouds.add(await buildAddForm(request, secrets))
  reporter.added?.(added)
  if (!options.wait) return {kind: 'added', subcloud: added}

  reporter.stage?.('wait')
  const deployed = await waitForDeploy(client, String(added.id), {
    ...options.wait,
    path: addPath(request),
    onProgress: (progress) => reporter.deployProgress?.(progress),
  })
  return {kind: 'deployed', subcloud: deployed}
}
