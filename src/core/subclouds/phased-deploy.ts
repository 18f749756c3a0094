import {promises as fs} from 'node:fs'

import type {DeployVerb} from '../api/phased-deploy-manager.js'
import {base64Password, type FormField} from '../api/multipart.js'
import {UsageError} from '../errors.js'
import type {Finding} from '../overrides/types.js'
import {checkCloudInitConfig, mustExist} from './add.js'

/**
 * `subcloud deploy create|install|bootstrap|config|complete|abort|resume|enroll` before anything is sent: what each
 * phase takes (subcloud-lifecycle.md §2.3, §2.6), the upstream client's file checks in its order and words, the
 * local validation dcm adds (bootstrap and install values as on `subcloud add`, a deploy config must be a YAML
 * mapping), and the multipart form.
 */
export type PhaseCommand = 'create' | 'install' | 'bootstrap' | 'config' | 'complete' | 'abort' | 'resume' | 'enroll'

export interface PhaseRequest {
  bootstrapAddress?: string
  bootstrapValues?: string
  installValues?: string
  deployConfig?: string
  cloudInitConfig?: string
  group?: string
  release?: string
  allowUnknownKeys?: boolean
}

export interface PhaseSecrets {
  sysadminPassword?: string
  bmcPassword?: string
}

interface PhaseFacts {
  /** The PATCH verb (create is the POST). */
  verb?: DeployVerb
  /** The upstream client's error prefix; empty where it has none (create, bootstrap, resume). */
  context: (ref: string) => string
  /** The sysadmin password is sent (and asked for when absent). */
  sysadmin: boolean
  /** The BMC password is sent with --install-values. */
  bmc: boolean
  /** The flags this phase takes, in the upstream client's file-check order. */
  files: readonly (keyof PhaseRequest)[]
}

export const PHASES: Record<PhaseCommand, PhaseFacts> = {
  create: {
    context: () => '',
    sysadmin: false,
    bmc: true,
    files: ['bootstrapValues', 'deployConfig', 'installValues'],
  },
  install: {
    verb: 'install',
    context: (ref) => `Unable to install subcloud ${ref}`,
    sysadmin: true,
    bmc: true,
    files: ['installValues'],
  },
  bootstrap: {verb: 'bootstrap', context: () => '', sysadmin: true, bmc: false, files: ['bootstrapValues']},
  config: {
    verb: 'configure',
    context: (ref) => `Unable to configure subcloud ${ref}`,
    sysadmin: true,
    bmc: false,
    files: ['deployConfig'],
  },
  complete: {
    verb: 'complete',
    context: (ref) => `Unable to complete the deployment of subcloud ${ref}`,
    sysadmin: false,
    bmc: false,
    files: [],
  },
  abort: {
    verb: 'abort',
    context: (ref) => `Unable to abort subcloud deploy ${ref}`,
    sysadmin: false,
    bmc: false,
    files: [],
  },
  resume: {
    verb: 'resume',
    context: () => '',
    sysadmin: true,
    bmc: true,
    files: ['bootstrapValues', 'installValues', 'deployConfig'],
  },
  enroll: {
    verb: 'enroll',
    context: (ref) => `Unable to enroll subcloud ${ref}`,
    sysadmin: true,
    bmc: true,
    files: ['bootstrapValues', 'installValues', 'cloudInitConfig'],
  },
}

const FILE_LABELS: Partial<Record<keyof PhaseRequest, string>> = {
  bootstrapValues: 'bootstrap-values',
  installValues: 'install-values',
  deployConfig: 'deploy-config',
}

/** The upstream client's checks: each given file exists (cloud-init: and is a tar), in the phase's order. */
export async function checkPhaseFiles(command: PhaseCommand, request: PhaseRequest): Promise<void> {
  if (command === 'create') {
    if (!request.bootstrapAddress?.trim()) throw new UsageError('Missing required flag bootstrap-address')
    if (!request.bootstrapValues) throw new UsageError('Missing required flag bootstrap-values')
  }
  for (const key of PHASES[command].files) {
    const file = request[key]
    if (typeof file !== 'string') continue
    if (key === 'cloudInitConfig') await checkCloudInitConfig(file)
    // `deploy config` alone says "deploy-config file does not exist" (upstream's wording).
    else if (key === 'deployConfig' && command === 'config') await mustExist(file, 'deploy-config file')
    else await mustExist(file, FILE_LABELS[key] as string)
  }
}

/**
 * dcm's offline checks of the files a phase sends (exit 2, nothing sent): bootstrap values as `subcloud validate`
 * checks them (the subcloud itself already exists, so no overlap with the live subclouds here), install values
 * (schema + dcmanager's rules, against --release and the bootstrap address), a deploy config as a YAML mapping.
 * Returns the warnings.
 */
export async function validatePhaseFiles(request: PhaseRequest): Promise<Finding[]> {
  const {loadOverrideFile, validateSubcloudOverrides} = await import('../overrides/index.js')
  const {findingsError, refuseUnknownKeys} = await import('../overrides/findings.js')
  const warnings: Finding[] = []
  let externalOamSubnet: string | undefined
  if (request.bootstrapValues) {
    const loaded = loadOverrideFile(request.bootstrapValues)
    const findings = refuseUnknownKeys(
      await validateSubcloudOverrides(loaded, {bootstrapAddress: request.bootstrapAddress}),
      request.allowUnknownKeys,
    )
    const error = findingsError(findings)
    if (error) throw error
    warnings.push(...findings)
    const oam = loaded.values.external_oam_subnet
    externalOamSubnet = typeof oam === 'string' ? oam : undefined
  }
  if (request.installValues) {
    const {requireValidInstallValues} = await import('../overrides/install-values-file.js')
    warnings.push(
      ...(await requireValidInstallValues(request.installValues, {
        release: request.release,
        bootstrapAddress: request.bootstrapAddress,
        externalOamSubnet,
      })),
    )
  }
  // Upstream stores the deploy config unread and hands it to the deploy playbook: at least it must be a mapping.
  if (request.deployConfig) loadOverrideFile(request.deployConfig, {field: 'deploy_config'})
  return warnings.filter((finding) => finding.severity === 'warning')
}

/** The multipart fields: files in the upstream client's order, then `bootstrap-address`, passwords, group, release. */
export async function buildPhaseForm(
  command: PhaseCommand,
  request: PhaseRequest,
  secrets: PhaseSecrets,
): Promise<FormField[]> {
  const fields: FormField[] = []
  const names: Partial<Record<keyof PhaseRequest, string>> = {
    bootstrapValues: 'bootstrap_values',
    installValues: 'install_values',
    deployConfig: 'deploy_config',
    cloudInitConfig: 'cloud_init_config',
  }
  for (const key of PHASES[command].files) {
    const file = request[key]
    if (typeof file === 'string')
      fields.push({name: names[key] as string, filename: file, value: await fs.readFile(file)})
  }
  if (request.bootstrapAddress && ['create', 'bootstrap', 'resume', 'enroll'].includes(command))
    fields.push({name: 'bootstrap-address', value: request.bootstrapAddress})
  if (PHASES[command].sysadmin && secrets.sysadminPassword !== undefined)
    fields.push({name: 'sysadmin_password', value: base64Password(secrets.sysadminPassword)})
  if (PHASES[command].bmc && request.installValues && secrets.bmcPassword !== undefined)
    fields.push({name: 'bmc_password', value: base64Password(secrets.bmcPassword)})
  if (command === 'create' && request.group) fields.push({name: 'group_id', value: request.group})
  if (request.release && ['create', 'install', 'resume', 'enroll'].includes(command))
    fields.push({name: 'release', value: request.release})
  return fields
}
