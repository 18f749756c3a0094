import {promises as fs} from 'node:fs'
import path from 'node:path'
import {crc32, deflateRawSync} from 'node:zlib'

import type {DeployFiles} from '../api/dcmanager-types.js'
import type {FormField} from '../api/multipart.js'
import {UsageError} from '../errors.js'
import type {Cell} from '../output/types.js'

/**
 * `subcloud deploy upload|show|delete` (dcmanager-api.md §2.3, §5.4): the files' checks and form, and the
 * DEPLOY_FILES table. A deploy playbook with a `roles/` directory beside it is sent as one zip of both, as the
 * upstream client does.
 */
export const DEPLOY_FILES = [
  'deploy_playbook',
  'deploy_overrides',
  'deploy_chart',
  'prestage_images',
  'software_version',
]

export type DeployFileOption = 'deploy_playbook' | 'deploy_overrides' | 'deploy_chart' | 'prestage_images'

export const DEPLOY_FILE_OPTIONS: readonly DeployFileOption[] = [
  'deploy_playbook',
  'deploy_overrides',
  'deploy_chart',
  'prestage_images',
]

export interface UploadRequest {
  files: Partial<Record<DeployFileOption, string>>
  release?: string
}

/**
 * The client's `<option> file does not exist: <path>` in option order, then (dcm, before sending) the server's
 * rule that the playbook and chart go together unless only the prestage image list is uploaded.
 */
export async function checkUploadRequest(request: UploadRequest): Promise<void> {
  for (const option of DEPLOY_FILE_OPTIONS) {
    const file = request.files[option]
    if (file === undefined) continue
    const stat = await fs.stat(file).catch(() => undefined)
    if (!stat?.isFile()) throw new UsageError(`${option} file does not exist: ${file}`)
  }
  const given = DEPLOY_FILE_OPTIONS.filter((option) => request.files[option] !== undefined)
  const onlyPrestage = given.length === 1 && given[0] === 'prestage_images'
  const missing = (['deploy_playbook', 'deploy_chart'] as const).filter((option) => !request.files[option])
  if (!onlyPrestage && missing.length > 0)
    throw new UsageError(
      `${missing.map((option) => `--${option.replace(/_/g, '-')}`).join(' and ')} required: the System Controller takes the deploy playbook and chart together (only --prestage-images may go alone)`,
    )
}

export async function buildUploadForm(request: UploadRequest): Promise<FormField[]> {
  const fields: FormField[] = []
  for (const option of DEPLOY_FILE_OPTIONS) {
    const file = request.files[option]
    if (file === undefined) continue
    if (option === 'deploy_playbook') {
      const zipped = await playbookWithRoles(file)
      fields.push(
        zipped
          ? {name: option, filename: file, value: zipped, contentType: 'application/zip'}
          : {name: option, filename: file, value: await fs.readFile(file)},
      )
    } else fields.push({name: option, filename: file, value: await fs.readFile(file)})
  }
  if (request.release !== undefined) fields.push({name: 'release', value: request.release})
  return fields
}

/** The DEPLOY_FILES row of an answer (upload answers only the keys uploaded; the rest print None). */
export function deployFilesRow(files: Partial<DeployFiles>): Cell[] {
  return DEPLOY_FILES.map((key) => (files as Record<string, Cell | undefined>)[key] ?? null)
}

/** The playbook and the `roles/` tree beside it as one zip (paths relative to the playbook's directory). */
async function playbookWithRoles(playbook: string): Promise<Buffer | undefined> {
  const base = path.dirname(playbook)
  const roles = path.join(base, 'roles')
  const stat = await fs.stat(roles).catch(() => undefined)
  if (!stat?.isDirectory()) return undefined
  const entries: {name: string; data: Buffer}[] = [{name: path.basename(playbook), data: await fs.readFile(playbook)}]
  for (const file of await walk(roles))
    entries.push({name: path.relative(base, file).split(path.sep).join('/'), data: await fs.readFile(file)})
  return zip(entries)
}

async function walk(dir: string): Promise<string[]> {
  const files: string[] = []
  for (const entry of (await fs.readdir(dir, {withFileTypes: true})).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await walk(full)))
    else if (entry.isFile()) files.push(full)
  }
  return files
}

/** A minimal deflate zip (local headers, central directory, end record): what python's ZIP_DEFLATED writes. */
function zip(entries: {name: string; data: Buffer}[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8')
    const packed = deflateRawSync(entry.data)
    const crc = crc32(entry.data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(8, 8) // deflate
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(entry.data.length, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(entry.data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, packed)
    centrals.push(central, name)
    offset += local.length + name.length + packed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}
