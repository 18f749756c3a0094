import {readFileSync} from 'node:fs'
import path from 'node:path'

import {buildMultipart} from '../../src/lab/http/multipart.js'
import {repoRoot} from './cli.js'
import type {TestLab} from './lab.js'

/** Fixture bootstrap-values files (copies of test/fixtures/examples/bootstrap). */
export function labFixture(name: string): string {
  return readFileSync(path.join(repoRoot, 'test', 'fixtures', 'lab', `${name}.yaml`), 'utf8')
}

export interface FormField {
  name: string
  value: string | Buffer
  filename?: string
}

/** POST /v1.0/subclouds as the python client sends it: files first, then string fields. */
export async function postSubcloud(
  lab: TestLab,
  bootstrapValues: string | undefined,
  extra: FormField[] = [],
  options: {password?: string | null; accept?: string; address?: string | null} = {},
): Promise<Response> {
  const fields: FormField[] = []
  if (bootstrapValues !== undefined)
    fields.push({name: 'bootstrap_values', value: bootstrapValues, filename: 'sc.yaml'})
  fields.push(...extra.filter((field) => field.filename !== undefined))
  if (options.address !== null) fields.push({name: 'bootstrap-address', value: options.address ?? '10.10.10.12'})
  if (options.password !== null) {
    fields.push({name: 'sysadmin_password', value: Buffer.from(options.password ?? 'St8rlingX*').toString('base64')})
  }
  fields.push(...extra.filter((field) => field.filename === undefined))
  const form = buildMultipart(fields)
  return lab.api('/dcmanager/v1.0/subclouds/', {
    method: 'POST',
    body: form.body,
    headers: {'content-type': form.contentType, accept: options.accept ?? 'application/json'},
  })
}

/** PATCH /v1.0/subclouds/{ref} with multipart string fields. */
export async function patchSubcloud(lab: TestLab, ref: string, fields: Record<string, string>): Promise<Response> {
  const form = buildMultipart(Object.entries(fields).map(([name, value]) => ({name, value})))
  return lab.api(`/dcmanager/v1.0/subclouds/${ref}`, {
    method: 'PATCH',
    body: form.body,
    headers: {'content-type': form.contentType},
  })
}

/** The dcmanager detail of a JSON error body. */
export async function errorOf(response: Response): Promise<{status: number; description: string}> {
  const body = (await response.json()) as {description: string}
  return {status: response.status, description: body.description}
}
