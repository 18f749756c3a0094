import {promises as fs} from 'node:fs'

import {base64Password, type FormField} from '../api/multipart.js'
import {UsageError} from '../errors.js'

/**
 * `subcloud-backup create | delete | restore` before anything is sent: the upstream client's checks in its order
 * and words (dcmanager-api.md §5.4, subcloud-lifecycle.md §5), the values files checked offline, and the multipart
 * forms of §2.5 (booleans always sent as "true"/"false", passwords base64).
 */
export interface BackupTarget {
  subcloud?: string
  group?: string
}

export interface BackupCreateRequest extends BackupTarget {
  localOnly?: boolean
  registryImages?: boolean
  backupValues?: string
}

export interface BackupDeleteRequest extends BackupTarget {
  release: string
  localOnly?: boolean
}

export interface BackupRestoreRequest extends BackupTarget {
  withInstall?: boolean
  release?: string
  localOnly?: boolean
  registryImages?: boolean
  restoreValues?: string
  auto?: boolean
  factory?: boolean
}

const given = (value: string | undefined): value is string => value !== undefined && value.trim() !== ''

/** Upstream tests `if not parsed_args.subcloud`: an empty name counts as none. `both` differs by verb. */
function checkTarget(target: BackupTarget, both: 'The' | 'This'): void {
  if (!given(target.subcloud) && !given(target.group))
    throw new UsageError('Please provide the subcloud or subcloud group name or id.')
  if (given(target.subcloud) && given(target.group))
    throw new UsageError(`${both} command only applies to a single subcloud or a subcloud group, not both.`)
}

export async function checkCreateRequest(request: BackupCreateRequest): Promise<void> {
  checkTarget(request, 'The')
  if (request.registryImages && !request.localOnly)
    throw new UsageError('Option --registry-images can not be used without --local-only option.')
  if (request.backupValues !== undefined) {
    await mustExist(request.backupValues, 'Backup-values file does not exist')
    await throwOnFindings(request.backupValues, 'backup_values')
  }
}

export function checkDeleteRequest(request: BackupDeleteRequest): void {
  if (request.release.trim() === '') throw new UsageError('Release version required')
  checkTarget(request, 'This')
}

export async function checkRestoreRequest(request: BackupRestoreRequest): Promise<void> {
  checkTarget(request, 'The')
  if (request.registryImages && !request.localOnly)
    throw new UsageError('Option --registry-images cannot be used without --local-only option.')
  if (request.release !== undefined && !(request.withInstall || request.factory))
    throw new UsageError('Option --release cannot be used without --with-install or --factory option.')
  if (request.restoreValues !== undefined) {
    await mustExist(request.restoreValues, 'restore_values file does not exist')
    await throwOnFindings(request.restoreValues, 'restore_values')
  }
}

/** The delete sends a password only when given, or (prompted) with --local-only: it runs on the subcloud then. */
export function deleteNeedsPassword(request: BackupDeleteRequest): boolean {
  return Boolean(request.localOnly)
}

/** The YAML parser loads only when a values file is given (startup time is a feature). */
async function throwOnFindings(file: string, kind: 'backup_values' | 'restore_values'): Promise<void> {
  const {validateBackupValuesFile} = await import('../overrides/backup-values.js')
  const {findingsError} = await import('../overrides/findings.js')
  const error = findingsError(validateBackupValuesFile(file, kind))
  if (error) throw error
}

async function mustExist(file: string, message: string): Promise<void> {
  const ok = await fs.stat(file).then(
    (stat) => stat.isFile(),
    () => false,
  )
  if (!ok) throw new UsageError(`${message}: ${file}`)
}

const bool = (value: boolean | undefined) => (value ? 'true' : 'false')

function targetFields(target: BackupTarget): FormField[] {
  return given(target.subcloud) ? [{name: 'subcloud', value: target.subcloud}] : [{name: 'group', value: target.group!}]
}

async function fileField(name: string, file: string | undefined): Promise<FormField[]> {
  return file === undefined ? [] : [{name, filename: file, value: await fs.readFile(file)}]
}

/** Files first, then the fields in the upstream client's order. */
export async function buildCreateForm(request: BackupCreateRequest, sysadminPassword: string): Promise<FormField[]> {
  return [
    ...(await fileField('backup_values', request.backupValues)),
    ...targetFields(request),
    {name: 'local_only', value: bool(request.localOnly)},
    {name: 'registry_images', value: bool(request.registryImages)},
    {name: 'sysadmin_password', value: base64Password(sysadminPassword)},
  ]
}

export function buildDeleteForm(request: BackupDeleteRequest, sysadminPassword?: string): FormField[] {
  const fields: FormField[] = [
    {name: 'release', value: request.release},
    ...targetFields(request),
    {name: 'local_only', value: bool(request.localOnly)},
  ]
  if (sysadminPassword !== undefined) fields.push({name: 'sysadmin_password', value: base64Password(sysadminPassword)})
  return fields
}

export async function buildRestoreForm(request: BackupRestoreRequest, sysadminPassword: string): Promise<FormField[]> {
  const fields: FormField[] = [...(await fileField('restore_values', request.restoreValues)), ...targetFields(request)]
  if (request.release !== undefined) fields.push({name: 'release', value: request.release})
  fields.push(
    {name: 'with_install', value: bool(request.withInstall)},
    {name: 'local_only', value: bool(request.localOnly)},
    {name: 'registry_images', value: bool(request.registryImages)},
    {name: 'auto', value: bool(request.auto)},
    {name: 'factory', value: bool(request.factory)},
    {name: 'sysadmin_password', value: base64Password(sysadminPassword)},
  )
  return fields
}
