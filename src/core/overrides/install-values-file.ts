/**
 * Offline validation of an install-values file (`dcm subcloud validate --install-values`, and before any request
 * that sends one: `subcloud add`, `subcloud deploy create|install|resume|enroll`). Two passes, like the bootstrap
 * values: the JSON Schema (schemas/install-values.schema.json: types, ranges, enums), then upstream's own checks
 * (`checkInstallValues`, install-values.ts: mandatory keys, BMC address family, software version against the
 * release...) with upstream's texts, each finding at the file's line and column. Never throws on a parsed mapping.
 */
import type {ErrorObject} from 'ajv'

import {UsageError} from '../errors.js'
import {FILE_KEY, findingsError, sortFindings} from './findings.js'
import {checkInstallValues, pythonRepr} from './install-values.js'
import {positionOf} from './positions.js'
import {schemaValidators} from './schema.js'
import {unknownKeyMessage} from './unknown-keys.js'
import type {Finding, LoadedOverrides} from './types.js'
import {loadOverrideFile} from './load.js'

export interface InstallValuesFileOptions {
  /** `--release`: the software_version in the file must match it (upstream's text). */
  release?: string
  /** The `bootstrap-address` form field, which upstream uses when the file has no bootstrap_address. */
  bootstrapAddress?: string
  /** The subcloud's external_oam_subnet (from its bootstrap values), for the BMC address family rule. */
  externalOamSubnet?: string
  /** Enrolment on site: only bootstrap_interface is mandatory, no BMC. */
  onSite?: boolean
}

/**
 * The BMC password is never in the file: it is the form field dcm builds from --bmc-password, DCM_BMC_PASSWORD or
 * the prompt, always valid base64. Offline, a stand-in lets upstream's checks run past their first (password) step.
 */
const BMC_PASSWORD_STAND_IN = Buffer.from('bmc-password').toString('base64')

export async function validateInstallValuesFile(
  loaded: LoadedOverrides,
  options: InstallValuesFileOptions = {},
): Promise<Finding[]> {
  const validator = (await schemaValidators())['install-values']
  const findings = schemaFindings(loaded, validator.validate(loaded.values))
  const known = new Set(Object.keys((validator.schema.properties as Record<string, unknown>) ?? {}))
  const at = (key: string, target: 'key' | 'value' = 'value') =>
    positionOf(loaded, key in loaded.values ? [key] : [], target)
  const finding = (rule: string, key: string, message: string, severity: Finding['severity'] = 'error'): Finding => ({
    severity,
    rule,
    key,
    message,
    file: loaded.file,
    ...at(key),
  })

  const result = checkInstallValues(loaded.values, {
    bmcPassword: options.onSite ? undefined : BMC_PASSWORD_STAND_IN,
    onSite: options.onSite,
    softwareVersion: options.release,
    bootstrapAddress: options.bootstrapAddress,
    externalOamSubnet: options.externalOamSubnet,
  })
  if (!result.ok) {
    // Upstream's text wins over the schema's for the same key: it is what the System Controller would answer.
    const key = result.failure.key
    const rest = findings.filter((other) => other.key !== key)
    findings.length = 0
    findings.push(...rest, finding('IV-UPSTREAM', key, result.failure.message))
  }

  if ('image' in loaded.values)
    findings.push(
      finding(
        'IV-IMAGE',
        'image',
        "image is replaced by the System Controller with the ISO of the subcloud's release; the value in the file is not used",
        'warning',
      ),
    )
  for (const key of Object.keys(loaded.values)) {
    const message = unknownKeyMessage(key, known)
    if (message)
      findings.push({
        ...finding('IV-KEYS', key, message.replace('passed to Ansible', 'passed to the install playbook'), 'warning'),
        ...at(key, 'key'),
      })
  }
  return sortFindings([...loaded.loadFindings, ...findings])
}

/**
 * Before a request that sends `file`: load and validate it; the first error is a UsageError (exit 2, nothing sent)
 * at its line and column. Returns the warnings (unknown keys, a given image), which never stop anything.
 */
export async function requireValidInstallValues(
  file: string,
  options: InstallValuesFileOptions = {},
): Promise<Finding[]> {
  const findings = await validateInstallValuesFile(loadOverrideFile(file, {field: 'install_values'}), options)
  const error = findingsError(findings)
  if (error) {
    const more = findings.filter((each) => each.severity === 'error').length - 1
    throw new UsageError(error.message, {
      hint:
        more > 0 ? `${more} more: run 'dcm subcloud validate --install-values ${file}' to list them all.` : undefined,
    })
  }
  return findings.filter((each) => each.severity === 'warning')
}

/** One finding per key the schema refused, in dcm's words (upstream has no text for these). */
function schemaFindings(loaded: LoadedOverrides, errors: readonly ErrorObject[]): Finding[] {
  const byKey = new Map<string, ErrorObject[]>()
  for (const error of errors) {
    const key = decodePointer(error.instancePath.split('/')[1] ?? '') || FILE_KEY
    byKey.set(key, [...(byKey.get(key) ?? []), error])
  }
  return [...byKey].map(([key, list]) => {
    const {line, column} = positionOf(loaded, key === FILE_KEY ? [] : [key])
    return {
      severity: 'error',
      rule: 'schema',
      key,
      message: explain(key, list, loaded.values[key]),
      file: loaded.file,
      line,
      column,
    }
  })
}

function explain(key: string, errors: readonly ErrorObject[], value: unknown): string {
  const concrete = errors.filter((error) => !['anyOf', 'oneOf'].includes(error.keyword))
  const error = concrete.find((candidate) => candidate.keyword !== 'type') ?? concrete[0] ?? errors[0]
  const shown = typeof value === 'string' ? pythonRepr(value) : (JSON.stringify(value) ?? 'None')
  switch (error.keyword) {
    case 'enum':
      return `${key} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}, not ${shown}`
    case 'minimum':
    case 'maximum':
      return `${key} must be ${error.keyword === 'minimum' ? '>=' : '<='} ${String(error.params.limit)}, not ${shown}`
    case 'minLength':
      return `${key} must not be empty`
    case 'pattern':
      return `${key} must be a prefix length or a dotted netmask, not ${shown}`
    case 'type': {
      const types = concrete.filter((each) => each.keyword === 'type').map((each) => String(each.params.type))
      return `${key} must be ${[...new Set(types.flatMap((type) => type.split(',')))].map(article).join(' or ')}, not ${describe(value)}`
    }
    default:
      return `${key} ${error.message ?? 'is invalid'}`
  }
}

function article(type: string): string {
  return type === 'integer' ? 'an integer' : `a ${type}`
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') return `the text ${pythonRepr(value)}`
  return `${typeof value} ${String(value)}`
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~')
}
