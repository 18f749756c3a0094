import {promises as fs} from 'node:fs'

import type {Subcloud} from '../api/dcmanager-types.js'
import {base64Password, type FormField} from '../api/multipart.js'
import {UsageError} from '../errors.js'
import type {Cell} from '../output/types.js'
import type {ExistingSubcloud, Finding, LoadedOverrides, SystemControllerNetwork} from '../overrides/types.js'
import type {AddPath} from './deploy-status.js'

/**
 * `subcloud add` before anything is sent: the client-side checks of python-dcmanagerclient (exact
 * messages, dcmanager-api.md §5.4), the local validation of the bootstrap values against the live
 * subclouds (so an overlapping management range is caught with the file's line, not by the server),
 * and the multipart form of §2.1.1.
 */
export interface AddRequest {
  bootstrapAddress: string
  bootstrapValues: string
  installValues?: string
  deployConfig?: string
  group?: string
  release?: string
  migrate?: boolean
  name?: string
  /** `--enroll`: enrol an installed subcloud instead of installing and bootstrapping it. */
  enroll?: boolean
  /** `--cloud-init-config`: a tar archive of cloud-init data for the enrolment (needs enroll). */
  cloudInitConfig?: string
  /** Keep unknown parameters as warnings (upstream's leniency) instead of refusing them. */
  allowUnknownKeys?: boolean
}

/** Flag combinations and file existence, in the upstream client's wording and order. No network, no prompts. */
export async function checkAddRequest(request: AddRequest): Promise<void> {
  if (!request.bootstrapAddress.trim()) throw new UsageError('--bootstrap-address must not be empty')
  if (request.installValues) await mustExist(request.installValues, 'install-values')
  await mustExist(request.bootstrapValues, 'bootstrap-values')
  if (request.deployConfig) {
    if (request.migrate) throw new UsageError('migrate with deploy-config is not allowed')
    await mustExist(request.deployConfig, 'deploy-config')
  }
  if (request.migrate && request.enroll) throw new UsageError('cannot run --migrate and --enroll options together')
  if (request.enroll && !request.installValues) throw new UsageError('install-values is required for --enroll option')
  if (request.cloudInitConfig !== undefined) {
    if (!request.enroll) throw new UsageError('cloud-init-config is only valid with --enroll option')
    await checkCloudInitConfig(request.cloudInitConfig)
  }
  if (request.name !== undefined && !request.migrate)
    throw new UsageError('The --name option can only be used with --migrate option.')
}

/** Upstream's `validate_cloud_init_config`: the file exists and is a tar archive. */
export async function checkCloudInitConfig(file: string): Promise<void> {
  await mustExist(file, 'cloud-init-config')
  const {isTarArchive} = await import('./tar-archive.js')
  if (!(await isTarArchive(file))) throw new UsageError(`cloud-init-config is not a valid .tar archive: ${file}`)
}

/** `<label> does not exist: <file>` unless `file` is a regular file (the client's os.path.isfile). */
export async function mustExist(file: string, label: string): Promise<void> {
  try {
    const stat = await fs.stat(file)
    if (stat.isFile()) return
  } catch {
    // reported below with the client's message
  }
  throw new UsageError(`${label} does not exist: ${file}`)
}

/** What the System Controller already has, in the validator's terms (stored management fields). */
export function existingFrom(subclouds: Subcloud[]): ExistingSubcloud[] {
  return subclouds.map((subcloud) => ({
    name: subcloud.name,
    management_subnet: subcloud['management-subnet'],
    management_start_ip: subcloud['management-start-ip'],
    management_end_ip: subcloud['management-end-ip'],
  }))
}

export interface LocalValidation {
  loaded: LoadedOverrides
  /** Warnings only: errors were thrown as a UsageError (exit 2). */
  warnings: Finding[]
  name: string
}

/**
 * Validate the bootstrap values (schema + network rules + overlap with `existing`) and that the install
 * values file is a readable YAML mapping. The validator is loaded lazily (ajv).
 */
export async function validateAddFiles(
  request: AddRequest,
  existing: Subcloud[],
  systemControllers?: SystemControllerNetwork[],
): Promise<LocalValidation> {
  const overrides = await import('../overrides/index.js')
  const {findingsError, refuseUnknownKeys} = await import('../overrides/findings.js')
  const loaded = overrides.loadOverrideFile(request.bootstrapValues)
  const findings: Finding[] = await overrides.validateSubcloudOverrides(loaded, {
    systemControllers,
    existingSubclouds: existingFrom(existing),
    bootstrapAddress: request.bootstrapAddress,
  })
  // The validator's findings already include the loader's (duplicate keys).
  const all = refuseUnknownKeys(findings, request.allowUnknownKeys)
  const error = findingsError(all)
  if (error) throw error
  if (request.installValues) {
    const {requireValidInstallValues} = await import('../overrides/install-values-file.js')
    const oam = loaded.values.external_oam_subnet
    const installWarnings = await requireValidInstallValues(request.installValues, {
      release: request.release,
      bootstrapAddress: request.bootstrapAddress,
      externalOamSubnet: typeof oam === 'string' ? oam : undefined,
    })
    all.push(...installWarnings)
  }
  const name = typeof loaded.values.name === 'string' ? loaded.values.name : String(loaded.values.name ?? '')
  return {loaded, warnings: all.filter((finding) => finding.severity === 'warning'), name}
}

export interface AddSecrets {
  sysadminPassword?: string
  bmcPassword?: string
}

/** The multipart fields of POST /subclouds: files first, then strings, as the upstream client orders them. */
export async function buildAddForm(request: AddRequest, secrets: AddSecrets): Promise<FormField[]> {
  const fields: FormField[] = []
  const file = async (name: string, path: string | undefined) => {
    if (path) fields.push({name, filename: path, value: await fs.readFile(path)})
  }
  await file('bootstrap_values', request.bootstrapValues)
  await file('install_values', request.installValues)
  await file('deploy_config', request.deployConfig)
  if (request.enroll) await file('cloud_init_config', request.cloudInitConfig)
  fields.push({name: 'bootstrap-address', value: request.bootstrapAddress})
  if (secrets.sysadminPassword !== undefined)
    fields.push({name: 'sysadmin_password', value: base64Password(secrets.sysadminPassword)})
  if (secrets.bmcPassword !== undefined) fields.push({name: 'bmc_password', value: base64Password(secrets.bmcPassword)})
  if (request.group) fields.push({name: 'group_id', value: request.group})
  if (request.release) fields.push({name: 'release', value: request.release})
  if (request.migrate) fields.push({name: 'migrate', value: 'true'})
  if (request.enroll) fields.push({name: 'enroll', value: 'true'})
  if (request.migrate && request.name) fields.push({name: 'name', value: request.name})
  return fields
}

export function addPath(request: AddRequest): AddPath {
  return {
    installValues: Boolean(request.installValues),
    deployConfig: Boolean(request.deployConfig),
    migrate: request.migrate,
    enroll: request.enroll,
  }
}

/**
 * `--dry-run`: what would be sent, one row per form field. Files show their name and size, passwords
 * are never shown (not even base64: that is the password).
 */
export function describeForm(method: string, url: string, fields: FormField[]): {fields: string[]; values: Cell[]} {
  const names = ['request']
  const values: Cell[] = [`${method} ${url}`]
  for (const field of fields) {
    names.push(field.name)
    if (/password/i.test(field.name)) values.push('<redacted>')
    else if (field.filename !== undefined) values.push(`file ${field.filename} (${field.value.length} bytes)`)
    else values.push(field.value.toString())
  }
  return {fields: names, values}
}
