import {buildMultipart} from '../../src/lab/http/multipart.js'
import type {TestLab} from './lab.js'
import {type FormField} from './lab-requests.js'

/**
 * Requests of the day-2 endpoints as the python client sends them: multipart, files first, then fields;
 * passwords base64.
 */
export const b64 = (text: string): string => Buffer.from(text).toString('base64')

export const SYSADMIN = {name: 'sysadmin_password', value: b64('St8rlingX*')}
export const BMC = {name: 'bmc_password', value: b64('bmc-secret')}

export function file(name: string, value: string, filename = `${name}.yaml`): FormField {
  return {name, value, filename}
}

export async function multipart(
  lab: TestLab,
  method: string,
  pathname: string,
  fields: FormField[],
): Promise<Response> {
  const ordered = [...fields.filter((f) => f.filename !== undefined), ...fields.filter((f) => f.filename === undefined)]
  if (ordered.length === 0) return lab.api(`/dcmanager/v1.0${pathname}`, {method})
  const form = buildMultipart(ordered)
  return lab.api(`/dcmanager/v1.0${pathname}`, {
    method,
    body: form.body,
    headers: {'content-type': form.contentType},
  })
}

/** PATCH /phased-subcloud-deploy/{ref}/{verb}. */
export function phase(lab: TestLab, ref: string | number, verb: string, fields: FormField[] = []): Promise<Response> {
  return multipart(lab, 'PATCH', `/phased-subcloud-deploy/${ref}/${verb}`, fields)
}

export async function jsonOf(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text()
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    throw new Error(`not JSON (${response.status}): ${text}`)
  }
}

/** Inject a one-shot deploy fault (`dcm lab subcloud set --fail-deploy-at`). */
export async function failDeployAt(lab: TestLab, name: string, state: string, reason?: string): Promise<void> {
  const response = await lab.api(`/lab/subclouds/${name}`, {
    method: 'POST',
    body: JSON.stringify({fail_deploy_at: state, ...(reason ? {fail_reason: reason} : {})}),
    headers: {'content-type': 'application/json'},
  })
  if (response.status !== 200) throw new Error(`fault not set: ${response.status} ${await response.text()}`)
}
