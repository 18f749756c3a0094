import type {DcmanagerClient} from '../api/dcmanager-client.js'
import type {Subcloud} from '../api/dcmanager-types.js'
import type {Finding} from '../overrides/types.js'
import {
  buildPhaseForm,
  checkPhaseFiles,
  PHASES,
  type PhaseCommand,
  type PhaseRequest,
  type PhaseSecrets,
  validatePhaseFiles,
} from '../subclouds/phased-deploy.js'
import type {DeployProgress} from './wait-for-deploy.js'
import {waitForPhase} from './wait-for-phase.js'
import type {WaitTiming} from './wait-for-state.js'

/**
 * One phase of a phased deploy, the single flow behind `subcloud deploy create|install|bootstrap|config|
 * complete|abort|resume|enroll`: the client's file checks and dcm's offline validation (exit 2, nothing sent)
 * -> secrets -> [--wait: read the record first] -> the request -> [--wait: follow the phase to its end].
 */
export interface DeployPhaseOptions {
  client: DcmanagerClient
  command: PhaseCommand
  /** The subcloud (every phase but create). */
  ref?: string
  request: PhaseRequest
  /** Asked only once the files passed. */
  secrets: () => Promise<PhaseSecrets>
  wait?: Omit<WaitTiming<DeployProgress>, 'now'>
  /** The caller already ran checkDeployPhase (before resolving passwords): skip it here. */
  checked?: boolean
  /** The files passed; warnings only. */
  onValidated?: (warnings: Finding[]) => void
}

/** The client-side part alone (the command runs it before Keystone hears any password). */
export async function checkDeployPhase(command: PhaseCommand, request: PhaseRequest): Promise<Finding[]> {
  await checkPhaseFiles(command, request)
  return validatePhaseFiles(request)
}

export async function runDeployPhase(options: DeployPhaseOptions): Promise<Subcloud> {
  const {client, command, request} = options
  if (!options.checked) options.onValidated?.(await checkDeployPhase(command, request))
  // The server takes only a group id on create, as on add (upstream quirk Q7): resolve a name first, as add does.
  const group =
    command === 'create' && request.group && !/^\d+$/.test(request.group)
      ? String((await client.subcloudGroups.get(request.group)).id)
      : request.group
  const fields = await buildPhaseForm(command, {...request, group}, await options.secrets())
  const ref = options.ref ?? ''
  const before = options.wait && command !== 'create' ? await client.subclouds.get(ref) : undefined
  const facts = PHASES[command]
  const answered = facts.verb
    ? await client.phasedDeploy.phase(ref, facts.verb, fields, facts.context(ref))
    : await client.phasedDeploy.create(fields)
  if (!options.wait) return answered
  // Follow the subcloud as the operator named it (create: by the id it was given).
  return waitForPhase(client, command, options.ref ?? String(answered.id), {
    ...options.wait,
    before: before ?? answered,
  })
}
