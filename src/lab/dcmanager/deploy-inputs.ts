import {parseAddress} from '../../core/net/cidr.js'
import type {FormPart} from '../http/multipart.js'
import type {LabRequest} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import type {DeployPhase} from '../deploy/deploy-phases.js'
import {type DcmanagerContext, readForm} from './dcmanager-http.js'
import {decodePassword} from './subcloud-add-fields.js'
import {validateInstallValues} from './subcloud-add-install.js'
import {loadYamlPart} from './subcloud-add-validation.js'
import type {SubcloudRecord} from './subcloud-model.js'

/**
 * What the phases of a deploy take from a request or from what the subcloud has stored (subcloud-lifecycle.md
 * §1.4, §2.2): the multipart form, install values (new and validated, or stored), bootstrap values (a new file
 * replaces the stored ones), the deploy config; and starting the phases in the deploy runner. Shared by the
 * phased deploy (phased-deploy.ts) and redeploy (subcloud-redeploy.ts).
 */
const bad = (detail: string): WebobError => new WebobError(400, detail)

/** The string fields and files of a phase's multipart body. */
export class PhaseForm {
  constructor(readonly parts: Map<string, FormPart>) {}

  field(name: string): string | undefined {
    const part = this.parts.get(name)
    return part && part.filename === undefined ? part.data.toString('utf8') : undefined
  }

  has(name: string): boolean {
    return this.parts.has(name)
  }

  text(name: string): string | undefined {
    return this.parts.get(name)?.data.toString('utf8')
  }

  yaml(name: string): Promise<Record<string, unknown> | undefined> {
    return loadYamlPart(this.parts.get(name), name)
  }

  password(): string {
    return decodePassword(this.field('sysadmin_password'), 'sysadmin')
  }
}

export function readPhaseForm(request: LabRequest): PhaseForm {
  return new PhaseForm(request.body.length === 0 ? new Map() : readForm(request, true))
}

/** New install values are validated as on add (§4.5, BMC password required); else the stored ones are used. */
export function installValues(
  record: SubcloudRecord,
  install: Record<string, unknown> | undefined,
  form: PhaseForm,
  release: string,
): string {
  if (!install) {
    if (!record.dataInstall) throw bad('Failed to read data install from db')
    return record.dataInstall
  }
  return validateInstallValues(install, {
    onSite: false,
    bmcPassword: form.field('bmc_password'),
    bootstrapAddress: form.field('bootstrap-address') ?? record.bootstrapAddress,
    softwareVersion: release,
    oamFamily: parseAddress(record.oamFloatingAddress)?.family === 6 ? 6 : 4,
  })
}

export interface BootstrapValues {
  text: string
  parsed: Record<string, unknown>
  isNew: boolean
}

/** A new file replaces the stored values (no merge); without one the stored values are used (§2.2). */
export async function bootstrapValues(
  context: DcmanagerContext,
  record: SubcloudRecord,
  form: PhaseForm,
  missing = `Required bootstrap-values file was not provided and it was not previously available at /opt/dc-vault/ansible/${record.name}.yml`,
): Promise<BootstrapValues> {
  const parsed = await form.yaml('bootstrap_values')
  if (parsed) {
    const name = String(parsed.name ?? '')
    if (name !== record.name) {
      throw bad(`The bootstrap-values 'name' value (${name}) must match the current subcloud name (${record.name})`)
    }
    return {text: form.text('bootstrap_values') ?? '', parsed, isNew: true}
  }
  const stored = context.runner.storedBootstrapValues(record.id)
  if (stored === undefined) throw bad(missing)
  const {parse} = await import('yaml')
  return {text: stored, parsed: (parse(stored) as Record<string, unknown>) ?? {}, isNew: false}
}

/** The fields a bootstrap reply shows from the values it will use (admin network first, as upstream). */
export function bootstrapFields(record: SubcloudRecord, values: Record<string, unknown>): Record<string, unknown> {
  const pick = (key: string, fallback: unknown) => {
    const admin = values[`admin_${key}`]
    const management = values[`management_${key}`]
    const value = admin ?? management
    return value === undefined || value === null ? fallback : firstOf(value)
  }
  return {
    description: values.description ?? record.description,
    location: values.location ?? record.location,
    'management-subnet': pick('subnet', record.managementSubnet),
    'management-gateway-ip': pick('gateway_address', record.managementGatewayIp),
    'management-start-ip': pick('start_address', record.managementStartIp),
    'management-end-ip': pick('end_address', record.managementEndIp),
    'systemcontroller-gateway-ip': values.systemcontroller_gateway_address
      ? firstOf(values.systemcontroller_gateway_address)
      : record.systemcontrollerGatewayIp,
  }
}

/** Dual-stack values are "primary,secondary": the primary family is the first. */
function firstOf(value: unknown): string {
  return String(value).split(',')[0].trim()
}

export function applyBootstrapValues(context: DcmanagerContext, record: SubcloudRecord, values: BootstrapValues): void {
  if (!values.isNew) return
  const fields = bootstrapFields(record, values.parsed)
  context.store.updateSubcloud(record.id, {
    description: fields.description as string | null,
    location: fields.location as string | null,
    managementSubnet: String(fields['management-subnet']),
    managementGatewayIp: String(fields['management-gateway-ip']),
    managementStartIp: String(fields['management-start-ip']),
    managementEndIp: String(fields['management-end-ip']),
    systemcontrollerGatewayIp: String(fields['systemcontroller-gateway-ip']),
  })
  context.runner.rememberBootstrapValues(record.id, values.text)
}

/** The deploy config sent now (stored at once, as upstream does before its later checks) or the stored one. */
export function deployConfig(context: DcmanagerContext, record: SubcloudRecord, form: PhaseForm): string {
  const part = form.parts.get('deploy_config')
  if (part) {
    if (!part.filename) throw bad('No deploy_config file uploaded')
    context.store.updateSubcloud(record.id, {deployConfigName: part.filename, hasDeployConfig: true})
    return part.filename
  }
  if (!record.deployConfigName)
    throw bad('Required deploy_config file was not provided and it was not previously available.')
  return record.deployConfigName
}

export function startPhases(
  context: DcmanagerContext,
  record: SubcloudRecord,
  phases: DeployPhase[],
  sysadminPassword: string,
  options: {bootstrapValues?: string; address?: string} = {},
): void {
  const address = options.address ?? record.bootstrapAddress
  if (options.address) context.store.updateSubcloud(record.id, {bootstrapAddress: address})
  context.runner.start({
    subcloudId: record.id,
    phases,
    request: {
      subcloudName: record.name,
      regionName: record.regionName,
      bootstrapAddress: address,
      bootstrapValues: options.bootstrapValues ?? context.runner.storedBootstrapValues(record.id) ?? '',
      sysadminPassword,
      release: record.softwareVersion,
    },
  })
}
