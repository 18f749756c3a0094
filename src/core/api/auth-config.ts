import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {UsageError} from '../errors.js'
import {yamlProblem} from '../overrides/yaml-messages.js'
import {registerSecret} from '../secrets.js'
import {type EndpointInterface, normaliseInterface} from './catalog.js'
import type {KeystoneCredentials} from './keystone.js'

/**
 * Where the connection settings come from, in order: explicit flags, the `--os-cloud` entry of
 * clouds.yaml, the OS_* environment as `source /etc/platform/openrc` sets it (dcmanager-api.md §1.1,
 * "first non-empty variable wins"), then defaults. Pure apart from reading clouds.yaml: no network.
 */
export interface AuthInput {
  authUrl?: string
  username?: string
  password?: string
  authToken?: string
  projectName?: string
  projectId?: string
  userDomainName?: string
  userDomainId?: string
  projectDomainName?: string
  projectDomainId?: string
  regionName?: string
  interface?: string
  cacert?: string
  insecure?: boolean
  dcmanagerUrl?: string
  cloud?: string
  noCache?: boolean
  /** Ignore a cached token and write a fresh one (`--refresh-cache`). */
  refreshCache?: boolean
  /** Seconds. */
  connectTimeout?: number
  /** Seconds. */
  requestTimeout?: number
}

export interface AuthConfig {
  credentials: KeystoneCredentials
  interface: EndpointInterface
  regionName?: string
  cacert?: string
  insecure: boolean
  dcmanagerUrl?: string
  noCache: boolean
  refreshCache: boolean
  connectTimeoutMs: number
  requestTimeoutMs: number
  /** Largest response body accepted (DCM_MAX_RESPONSE_MB); undefined = the transport's default. */
  maxResponseBytes?: number
}

type Field = Exclude<
  keyof AuthInput,
  'insecure' | 'noCache' | 'refreshCache' | 'connectTimeout' | 'requestTimeout' | 'cloud'
>

/** Environment variables per setting, first non-empty wins (the upstream env() helper). */
const ENVIRONMENT: Record<Field, string[]> = {
  authUrl: ['OS_AUTH_URL'],
  username: ['OS_USERNAME'],
  password: ['OS_PASSWORD'],
  authToken: ['OS_AUTH_TOKEN'],
  projectName: ['OS_TENANT_NAME', 'OS_PROJECT_NAME'],
  projectId: ['OS_TENANT_ID', 'OS_PROJECT_ID'],
  userDomainName: ['OS_USER_DOMAIN_NAME'],
  userDomainId: ['OS_USER_DOMAIN_ID'],
  projectDomainName: ['OS_PROJECT_DOMAIN_NAME'],
  projectDomainId: ['OS_PROJECT_DOMAIN_ID'],
  regionName: ['OS_REGION_NAME'],
  interface: ['OS_INTERFACE', 'OS_ENDPOINT_TYPE'],
  cacert: ['OS_CACERT'],
  dcmanagerUrl: ['DCMANAGER_URL'],
}

export async function resolveAuthConfig(input: AuthInput, env: NodeJS.ProcessEnv = process.env): Promise<AuthConfig> {
  const cloudName = input.cloud || env.OS_CLOUD || undefined
  const cloud = cloudName ? await loadCloud(cloudName, env) : {}
  const pick = (field: Field): string | undefined => {
    const explicit = input[field]
    if (typeof explicit === 'string' && explicit !== '') return explicit
    const fromCloud = cloud[field]
    if (typeof fromCloud === 'string' && fromCloud !== '') return fromCloud
    for (const name of ENVIRONMENT[field]) if (env[name]) return env[name]
    return undefined
  }

  const interfaceText = pick('interface')
  const endpointInterface = interfaceText === undefined ? 'internal' : normaliseInterface(interfaceText)
  if (!endpointInterface) {
    throw new UsageError(`invalid endpoint interface '${interfaceText}'`, {
      hint: 'use public, internal or admin (publicURL, internalURL, adminURL are accepted too)',
    })
  }

  const credentials: KeystoneCredentials = {
    authUrl: pick('authUrl') ?? '',
    username: pick('username') ?? 'admin',
    password: pick('password'),
    token: pick('authToken'),
    projectName: pick('projectName'),
    projectId: pick('projectId'),
    userDomainId: pick('userDomainId'),
    projectDomainId: pick('projectDomainId'),
    // openrc always names the domains; without them Keystone cannot resolve a user or project name.
    userDomainName: pick('userDomainName') ?? (pick('userDomainId') ? undefined : 'Default'),
    projectDomainName: pick('projectDomainName') ?? (pick('projectDomainId') ? undefined : 'Default'),
  }
  registerSecret(credentials.password)
  registerSecret(credentials.token)
  registerUrlUserinfo(credentials.authUrl)
  const given = (['authUrl', 'password', 'authToken', 'projectName', 'projectId', 'username'] as const).some(pick)
  if (!cloudName && !given) {
    // Nothing at all: "You must provide a project name" would name the first of many missing things.
    throw new UsageError('No OpenStack credentials found: no OS_* variables, --os-* flags or --os-cloud', {
      hint: NO_CREDENTIALS_HINT,
    })
  }
  checkCredentials(credentials)

  const seconds = (value: number | undefined, fallback: number, flag: string) => {
    const result = value ?? fallback
    if (!Number.isFinite(result) || result <= 0) throw new UsageError(`${flag} must be a positive number of seconds`)
    return Math.round(result * 1000)
  }
  return {
    credentials,
    interface: endpointInterface,
    regionName: pick('regionName'),
    cacert: pick('cacert'),
    insecure: Boolean(input.insecure || cloud.insecure),
    dcmanagerUrl: pick('dcmanagerUrl')?.replace(/\/+$/, ''),
    noCache: Boolean(input.noCache),
    refreshCache: Boolean(input.refreshCache),
    connectTimeoutMs: seconds(input.connectTimeout, 10, '--connect-timeout'),
    requestTimeoutMs: seconds(input.requestTimeout, 60, '--request-timeout'),
    maxResponseBytes: maxResponseBytes(env.DCM_MAX_RESPONSE_MB),
  }
}

function maxResponseBytes(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN
  if (!Number.isSafeInteger(value) || value < 1 || value > 4096)
    throw new UsageError(`DCM_MAX_RESPONSE_MB must be a whole number of MiB from 1 to 4096, not '${text}'`)
  return value * 1024 * 1024
}

/** `http://user:pw@host/v3`: the password in the URL is a secret like OS_PASSWORD (redact() also masks userinfo). */
function registerUrlUserinfo(url: string): void {
  try {
    const parsed = new URL(url)
    registerSecret(decodeURIComponent(parsed.password))
    registerSecret(parsed.password)
  } catch {
    // not a URL: checkCredentials reports it
  }
}

/** The client's pre-flight checks (§1.1), in its order, before anything is sent. */
const NO_CREDENTIALS_HINT = 'source /etc/platform/openrc (or `eval "$(dcm lab env)"`), or pass --os-cloud'

function checkCredentials(c: KeystoneCredentials): void {
  const hint = NO_CREDENTIALS_HINT
  if (!c.token) {
    if (!c.projectName && !c.projectId)
      throw new UsageError('You must provide a project name via --os-project-name or env[OS_PROJECT_NAME]', {hint})
    if (!c.username && !c.userId)
      throw new UsageError('You must provide a username via --os-username env[OS_USERNAME]', {hint})
    if (!c.password) throw new UsageError('You must provide a password via --os-password env[OS_PASSWORD]', {hint})
  }
  if (!c.authUrl)
    throw new UsageError('You must provide an auth url via either --os-auth-url or env[OS_AUTH_URL]', {hint})
  let url: URL
  try {
    url = new URL(c.authUrl)
  } catch {
    throw new UsageError(`invalid auth URL '${c.authUrl}'`, {hint: 'e.g. OS_AUTH_URL=http://192.168.204.1:5000/v3'})
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`invalid auth URL '${c.authUrl}': only http and https are supported`)
}

type CloudSettings = Partial<Record<Field, string>> & {insecure?: boolean}

/** clouds.yaml locations of openstacksdk, first existing file wins; secure.yaml beside it is merged in. */
export function cloudsYamlCandidates(env: NodeJS.ProcessEnv): string[] {
  const configHome = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config')
  return [
    ...(env.OS_CLIENT_CONFIG_FILE ? [env.OS_CLIENT_CONFIG_FILE] : []),
    path.join(process.cwd(), 'clouds.yaml'),
    path.join(configHome, 'openstack', 'clouds.yaml'),
    '/etc/openstack/clouds.yaml',
  ]
}

async function loadCloud(name: string, env: NodeJS.ProcessEnv): Promise<CloudSettings> {
  const {parse} = await import('yaml')
  for (const file of cloudsYamlCandidates(env)) {
    let text: string
    try {
      text = await fs.readFile(file, 'utf8')
    } catch {
      continue
    }
    let document: {clouds?: Record<string, unknown>}
    try {
      document = (parse(text) ?? {}) as {clouds?: Record<string, unknown>}
    } catch (error) {
      throw new UsageError(`${file}: not valid YAML: ${yamlProblem(error)}`)
    }
    const entry = document.clouds?.[name] as Record<string, unknown> | undefined
    if (!entry) throw new UsageError(`cloud '${name}' not found in ${file}`, {hint: 'check --os-cloud / OS_CLOUD'})
    const secure = await loadSecure(path.join(path.dirname(file), 'secure.yaml'), name)
    return cloudSettings(deepMerge(entry, secure), file)
  }
  throw new UsageError(`cloud '${name}' requested but no clouds.yaml found`, {
    hint: `looked in ${cloudsYamlCandidates(env).join(', ')}`,
  })
}

async function loadSecure(file: string, name: string): Promise<Record<string, unknown>> {
  try {
    const {parse} = await import('yaml')
    const document = parse(await fs.readFile(file, 'utf8')) as {clouds?: Record<string, Record<string, unknown>>}
    return document?.clouds?.[name] ?? {}
  } catch {
    return {}
  }
}

function cloudSettings(entry: Record<string, unknown>, file: string): CloudSettings {
  const auth = (entry.auth ?? {}) as Record<string, unknown>
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined)
  const settings: CloudSettings = {
    authUrl: text(auth.auth_url),
    username: text(auth.username),
    password: text(auth.password),
    authToken: text(auth.token),
    projectName: text(auth.project_name ?? auth.tenant_name),
    projectId: text(auth.project_id ?? auth.tenant_id),
    userDomainName: text(auth.user_domain_name ?? auth.domain_name),
    userDomainId: text(auth.user_domain_id ?? auth.domain_id),
    projectDomainName: text(auth.project_domain_name ?? auth.domain_name),
    projectDomainId: text(auth.project_domain_id ?? auth.domain_id),
    regionName: text(entry.region_name),
    interface: text(entry.interface ?? entry.endpoint_type),
    cacert: text(entry.cacert),
  }
  if (entry.verify === false) settings.insecure = true
  else if (typeof entry.verify === 'string') settings.cacert ??= entry.verify
  if (settings.cacert && !path.isAbsolute(settings.cacert))
    settings.cacert = path.resolve(path.dirname(file), settings.cacert)
  return settings
}

function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {...base}
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key]
    out[key] =
      value && typeof value === 'object' && current && typeof current === 'object' && !Array.isArray(value)
        ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value
  }
  return out
}
