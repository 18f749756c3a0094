/**
 * Turn ajv's errors into one finding per parameter, with the upstream text where upstream has one
 * (bootstrap-overrides.md §4, §8). ajv reports every failed branch of an anyOf; an operator needs one line that
 * says what is wrong with the value, so errors are grouped by parameter and explained from the value itself.
 */
import type {ErrorObject} from 'ajv'

import {checkAddressSyntax, checkNetworkText} from './network-values.js'
import {isAddressKey, isSecretKey, isSubnetKey} from './parameters.js'
import {FILE_KEY} from './findings.js'
import {positionOf} from './positions.js'
import type {Finding, LoadedOverrides} from './types.js'

const REGISTRY_SHORT: Record<string, string> = {
  'k8s.gcr.io': 'k8s',
  'gcr.io': 'gcr',
  'quay.io': 'quay',
  'docker.io': 'docker',
  'docker.elastic.co': 'elastic',
  'ghcr.io': 'ghcr',
  'registry.k8s.io': 'registryk8s',
  'icr.io': 'icr',
  defaults: 'defaults',
}

const REGISTRY_KEYS =
  'quay.io, gcr.io, k8s.gcr.io, docker.io, docker.elastic.co, ghcr.io, registry.k8s.io, icr.io, defaults'

const BOOLEAN_TEXT: Record<string, string> = {
  virtual_system: "virtual_system is misconfigured. Valid value is either 'True' or 'False'.",
  management_dynamic_address_allocation:
    "management_dynamic_address_allocation is misconfigured. Valid value is either 'True' or 'False'.",
  cluster_host_dynamic_address_allocation:
    "cluster_host_dynamic_address_allocation is misconfigured. Valid value is either 'True' or 'False'.",
}

const OIDC_TEXT =
  'If OpenID Connect parameters are specified, you must specify all 3 apiserver_oidc: client_id, issuer_url, username_claim or apiserver_oidc: groups_claim in addition to the previous 3.'

const VOLUME_TEXT = (name: unknown) =>
  `Attribute is missing in extra volume ${typeof name === 'string' ? name : ''}. Or readOnly attribute's value is not 'false' or 'true' Or pathType attribute's value is not 'File' or 'DirectoryOrCreate'`

/** One finding per parameter that failed the schema. */
export function schemaFindings(loaded: LoadedOverrides, errors: readonly ErrorObject[]): Finding[] {
  const values = loaded.values
  const findings: Finding[] = []
  const add = (path: (string | number)[], message: string, target: 'key' | 'value' = 'value', rule = 'schema') => {
    const {line, column} = positionOf(loaded, path, target)
    findings.push({severity: 'error', rule, key: path.join('.') || FILE_KEY, message, file: loaded.file, line, column})
  }

  const byKey = new Map<string, ErrorObject[]>()
  const rootRules = new Set<string>()
  for (const error of errors) {
    const segments = pointerSegments(error.instancePath)
    // Errors inside the key-group rules (the root allOf) are explained from the values as a whole, whatever
    // property ajv blames (a failed `system_mode: const simplex` branch is not a system_mode error).
    const rootGroup = /^#\/allOf\/(\d+)/.exec(error.schemaPath)?.[1]
    if (rootGroup !== undefined) {
      rootRules.add(rootGroup)
      continue
    }
    if (segments.length === 0) {
      if (error.keyword === 'required' && error.schemaPath === '#/required')
        byKey.set(`required:${error.params.missingProperty}`, [error])
      else {
        const group = /^#\/allOf\/(\d+)/.exec(error.schemaPath)?.[1]
        if (group !== undefined) rootRules.add(group)
        else if (error.keyword === 'required') byKey.set(`required:${error.params.missingProperty}`, [error])
      }
      continue
    }
    const top = segments[0]
    byKey.set(top, [...(byKey.get(top) ?? []), error])
  }

  for (const [group, list] of byKey) {
    if (group.startsWith('required:')) {
      const missing = group.slice('required:'.length)
      add([missing], `${missing} required`, 'key')
      continue
    }
    const message = explain(group, list, values)
    add(message.path, message.text, message.atKey ? 'key' : 'value', message.rule)
  }

  for (const group of [...rootRules].sort()) {
    for (const {key, text} of explainRootRule(group, values)) add([key], text, 'key')
  }
  return findings
}

interface Explained {
  path: (string | number)[]
  text: string
  rule?: string
  atKey?: boolean
}

function explain(key: string, errors: readonly ErrorObject[], values: Record<string, unknown>): Explained {
  const value = values[key]
  if (errors.some((error) => error.keyword === 'false schema'))
    return {
      path: [key],
      text: `${key} is set by dcmanager and must not be in the bootstrap values file`,
      rule: 'SEM-KEYS-1',
      atKey: true,
    }
  if (isSubnetKey(key) || isAddressKey(key)) return {path: [key], text: explainNetworkValue(key, value)}

  // The most specific error: the deepest path, and a concrete keyword rather than an anyOf/oneOf summary.
  const concrete = errors.filter((error) => !['anyOf', 'oneOf', 'if'].includes(error.keyword))
  const error = [...(concrete.length > 0 ? concrete : errors)].sort(
    (a, b) => pointerSegments(b.instancePath).length - pointerSegments(a.instancePath).length,
  )[0]
  const path = pointerSegments(error.instancePath).map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment))
  const at = valueAt(values, path)
  const name = path.join('.')
  const secret = path.some((segment) => typeof segment === 'string' && isSecretKey(segment))

  switch (key) {
    case 'name':
      // An unquoted all-digit name is read as a number: the same mistake as a string of digits.
      if (typeof value === 'number') return {path, text: 'name must contain alphabetic characters'}
      if (error.keyword === 'not') return {path, text: 'name cannot be RegionOne or SystemController'}
      if (error.keyword === 'pattern') return {path, text: 'name must contain alphabetic characters'}
      break
    case 'system_mode':
      return {path, text: 'Invalid system mode. Valid values are: simplex, duplex or duplex-direct.'}
    case 'distributed_cloud_role':
      return {path, text: 'Invalid distributed cloud role. Valid values are: none, systemcontroller, or subcloud.'}
    case 'timezone':
      if (typeof at === 'string') return {path, text: `The provided timezone ${at} is invalid.`}
      break
    case 'dns_servers':
      if (Array.isArray(value) && value.length > 3)
        return {path, text: 'The number of DNS servers exceeds maximum allowable number of 3.'}
      if (Array.isArray(value) && value.length === 0) return {path, text: 'dns_servers must list 1 to 3 servers'}
      if (path.length === 2) return {path, text: `dns_servers: ${show(at)} is not a valid IP address`}
      break
    case 'docker_http_proxy':
    case 'docker_https_proxy':
      if (typeof at === 'string') return {path, text: `${at} is an invalid URL.`}
      break
    case 'docker_no_proxy':
      if (path.length === 2 && typeof at === 'string') return {path, text: `Invalid addresses: ['${at}']`}
      break
    case 'docker_registries':
      return explainRegistry(error, path, at, value)
    case 'apiserver_oidc':
      return {path: [key], text: OIDC_TEXT}
    case 'apiserver_extra_volumes':
    case 'controllermanager_extra_volumes':
    case 'scheduler_extra_volumes':
      if (path.length >= 2) {
        const volume = valueAt(values, path.slice(0, 2)) as {name?: unknown} | undefined
        return {path: path.slice(0, 2), text: VOLUME_TEXT(volume?.name)}
      }
      break
    case 'calico_encapsulation':
      return {
        path,
        text: `Invalid calico_encapsulation '${String(at)}'. Valid values: ${allowed(error)}.`,
      }
    case 'calico_mtu':
      return {path, text: 'Must be an integer between 576 and 9216.'}
    case 'calico_kubelet_volume_plugin_path':
      if (typeof at === 'string') return {path, text: `Invalid ${key} '${at}'. Must be an absolute path.`}
      break
    case 'applications':
      return {
        path,
        text: `Malformed application yaml: ${name} must be a list of single-key mappings {<tarball>: {overrides: [...]}}`,
      }
  }
  if (key.startsWith('calico_') && error.keyword === 'enum')
    return {path, text: `Invalid ${key} '${String(at)}'. Valid values are: ${allowed(error)}.`}
  if (error.keyword === 'type' && BOOLEAN_TEXT[name]) return {path, text: BOOLEAN_TEXT[name]}
  return {path, text: genericText(name, error, at, secret)}
}

function explainRegistry(error: ErrorObject, path: (string | number)[], at: unknown, registries: unknown): Explained {
  if (error.keyword === 'propertyNames' || (error.keyword === 'enum' && error.propertyName !== undefined)) {
    const unknown = Object.keys((registries as Record<string, unknown>) ?? {}).find((k) => !(k in REGISTRY_SHORT))
    return {
      path: unknown ? ['docker_registries', unknown] : path,
      text: `Unknown registry key: '${unknown ?? ''}'. Acceptable keys are ${REGISTRY_KEYS} `,
      atKey: true,
    }
  }
  const registry = String(path[1] ?? '')
  if (error.keyword === 'dependentRequired')
    return {
      path: path.slice(0, 2),
      text: `${REGISTRY_SHORT[registry] ?? registry} registry username and password must both be specified or not at all`,
    }
  const field = path[2]
  if (field === 'type')
    return {path, text: `Registry type for ${registry} is not supported. Valid value is either 'docker' or 'aws-ecr'.`}
  if (field === 'secure')
    return {
      path,
      text: `'secure' parameter of registry ${registry} is misconfigured. Valid value is either 'True' or 'False'.`,
    }
  if (field === 'url' && typeof at === 'string') return {path, text: `Invalid addresses: ['${at}']`}
  return {path, text: genericText(path.join('.'), error, at, path.includes('password'))}
}

/** Network values get dcmanager's own reason texts (§8.1.a/b) instead of "must match pattern". */
function explainNetworkValue(key: string, value: unknown): string {
  if (typeof value !== 'string') return `${key} invalid: must be a string, not ${describe(value, false)}`
  if (isSubnetKey(key)) {
    const checked = checkNetworkText(value)
    if (!checked.ok) return `${key} invalid: ${checked.reason}`
    if (key === 'pxeboot_subnet') return 'pxeboot_subnet subnet must always be IPv4'
    return `${key} invalid: Invalid subnet - not a valid IP subnet`
  }
  const checked = checkAddressSyntax(value)
  if (!checked.ok) return `${key} invalid: ${checked.reason}`
  // Syntactically fine but refused by the schema: an IPv6 (or dual-stack) value where only IPv4 is allowed.
  if (key.startsWith('pxeboot_')) return `${key} invalid: Invalid IP version - must match network version IPv4`
  return `${key} invalid: Invalid address - not a valid IP address`
}

/** The key-group rules at the top of the schema (allOf), explained from the values. */
function explainRootRule(group: string, values: Record<string, unknown>): {key: string; text: string}[] {
  const has = (key: string) => values[key] !== undefined && values[key] !== null
  switch (group) {
    case '0':
      return ['management_start_address', 'management_end_address']
        .filter((key) => !has(key))
        .map((key) => ({key, text: `${key} required`}))
    case '1':
      return has('management_gateway_address') && has('admin_gateway_address')
        ? [
            {
              key: 'admin_gateway_address',
              text: 'admin_gateway_address and management_gateway_address cannot be specified at the same time',
            },
          ]
        : [{key: 'management_gateway_address', text: 'management_gateway_address required'}]
    case '2': {
      const simplexFloating =
        values.system_mode === 'simplex' &&
        has('admin_floating_address') &&
        !has('admin_start_address') &&
        !has('admin_end_address')
      return ['admin_subnet', 'admin_start_address', 'admin_end_address', 'admin_gateway_address']
        .filter((key) => !has(key) && !(simplexFloating && key !== 'admin_subnet' && key !== 'admin_gateway_address'))
        .map((key) => ({key, text: `${key} required`}))
    }
    case '3':
      return [
        {
          key: has('etcd_root_ca_cert') ? 'etcd_root_ca_cert' : 'etcd_root_ca_key',
          text: 'etcd_root_ca_cert and etcd_root_ca_key must be provided as a pair',
        },
      ]
    default:
      return []
  }
}

function genericText(name: string, error: ErrorObject, value: unknown, secret: boolean): string {
  switch (error.keyword) {
    case 'type':
      return `${name} must be ${article(String(error.params.type))}, not ${describe(value, secret)}`
    case 'enum':
      return `${name} must be one of: ${allowed(error)}${secret ? '' : ` (got ${describe(value, false)})`}`
    case 'const':
      return `${name} must be ${JSON.stringify(error.params.allowedValue)}`
    case 'pattern':
    case 'format':
      return `${name} has an invalid format${secret ? '' : `: ${describe(value, false)}`}`
    case 'minLength':
      return `${name} must not be empty`
    case 'maxLength':
      return `${name} must be at most ${error.params.limit} characters long`
    case 'minimum':
    case 'maximum':
      return `${name} must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${error.params.limit}`
    case 'minItems':
      return `${name} must list at least ${error.params.limit} item${error.params.limit === 1 ? '' : 's'}`
    case 'maxItems':
      return `${name} must list at most ${error.params.limit} items`
    case 'additionalProperties':
      return `unknown key ${error.params.additionalProperty} in ${name || 'the file'}`
    case 'required':
      return `${name ? `${name}.` : ''}${error.params.missingProperty} required`
    case 'dependentRequired':
      return `${name ? `${name}: ` : ''}${error.params.property} requires ${error.params.missingProperty}`
    default:
      return `${name} ${error.message ?? 'is invalid'}`
  }
}

function allowed(error: ErrorObject): string {
  const list = (error.params.allowedValues as unknown[] | undefined) ?? []
  return list.map(String).join(', ')
}

function article(type: string): string {
  const words: Record<string, string> = {
    boolean: 'a boolean (true or false)',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    array: 'a list',
    object: 'a mapping',
    null: 'empty',
  }
  return type
    .split(',')
    .map((part) => words[part] ?? part)
    .join(' or ')
}

/** A short description of a value for messages; secrets are described by type only. */
function describe(value: unknown, secret: boolean): string {
  if (value === null || value === undefined) return 'empty'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (secret) return `a ${typeof value}`
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`
  return `the ${typeof value} ${String(value)}`
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
}

function valueAt(values: unknown, path: readonly (string | number)[]): unknown {
  let node = values
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string | number, unknown>)[step]
  }
  return node
}
