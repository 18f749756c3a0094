import {promises as fs} from 'node:fs'

import {base64Password, type FormField} from '../api/multipart.js'
import {UsageError} from '../errors.js'

/**
 * `subcloud redeploy` before anything is sent (subcloud-lifecycle.md §3.2, dcmanager-api.md §2.1.4, §5.4): the
 * upstream client's file checks in its order and words, the bootstrap values read as a YAML mapping (a deploy config
 * is stored as it is, often several YAML documents, so it is not parsed), install values
 * through upstream's own rules (checkInstallValues) with file:line:col, and the multipart form.
 */
export interface RedeployRequest {
  installValues?: string
  bootstrapValues?: string
  deployConfig?: string
  release?: string
}

export async function checkRedeployRequest(request: RedeployRequest): Promise<void> {
  if (request.installValues !== undefined) await mustExist(request.installValues, 'install-values')
  if (request.bootstrapValues !== undefined) await mustExist(request.bootstrapValues, 'bootstrap-values')
  if (request.deployConfig !== undefined) await mustExist(request.deployConfig, 'deploy-config')
  if (request.bootstrapValues === undefined && request.installValues === undefined) return
  // The YAML parser loads only when there is a file to read (startup time is a feature).
  const {loadOverrideFile} = await import('../overrides/load.js')
  if (request.bootstrapValues !== undefined) loadOverrideFile(request.bootstrapValues)
  if (request.installValues !== undefined) await checkInstallValuesFile(request.installValues, request.release)
}

/**
 * Upstream's install-values rules on the file alone. The BMC password travels as its own form field (always sent
 * with install values), so a stand-in fills it here; a missing `bootstrap_address` is left to the server, which
 * takes the stored one.
 */
async function checkInstallValuesFile(file: string, release: string | undefined): Promise<void> {
  const {loadOverrideFile} = await import('../overrides/load.js')
  const {checkInstallValues} = await import('../overrides/install-values.js')
  const {positionOf} = await import('../overrides/positions.js')
  const {findingsError} = await import('../overrides/findings.js')
  const loaded = loadOverrideFile(file, {field: 'install_values'})
  const result = checkInstallValues(loaded.values, {bmcPassword: base64Password('stand-in'), softwareVersion: release})
  if (result.ok || result.failure.message === 'bootstrap_address required') return
  const {line, column} = positionOf(loaded, [result.failure.key])
  const error = findingsError([
    {
      severity: 'error',
      rule: 'install-values',
      key: result.failure.key,
      message: result.failure.message,
      file,
      line,
      column,
    },
  ])
  if (error) throw error
}

async function mustExist(file: string, label: string): Promise<void> {
  const ok = await fs.stat(file).then(
    (stat) => stat.isFile(),
    () => false,
  )
  if (!ok) throw new UsageError(`${label} does not exist: ${file}`)
}

export interface RedeploySecrets {
  sysadminPassword: string
  bmcPassword?: string
}

/** Files first (install, bootstrap, deploy config), then the passwords and the release, as upstream sends them. */
export async function buildRedeployForm(request: RedeployRequest, secrets: RedeploySecrets): Promise<FormField[]> {
  const fields: FormField[] = []
  const file = async (name: string, path: string | undefined) => {
    if (path !== undefined) fields.push({name, filename: path, value: await fs.readFile(path)})
  }
  await file('install_values', request.installValues)
  await file('bootstrap_values', request.bootstrapValues)
  await file('deploy_config', request.deployConfig)
  fields.push({name: 'sysadmin_password', value: base64Password(secrets.sysadminPassword)})
  if (secrets.bmcPassword !== undefined) fields.push({name: 'bmc_password', value: base64Password(secrets.bmcPassword)})
  if (request.release !== undefined) fields.push({name: 'release', value: request.release})
  return fields
}
