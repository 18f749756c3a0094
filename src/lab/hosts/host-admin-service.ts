import {DcmError} from '../../core/errors.js'
import type {LabRequest, LabResponse} from '../http/http-types.js'
import type {LabMount, LabMountContext} from '../http/lab-mounts.js'
import {routedService} from '../http/routed-service.js'
import {closeLabHostRegistry, labHostRegistry, type LabHostInfo, type LabHostRegistry} from './ssh-host-registry.js'

/**
 * The lab-admin API `dcm lab host add|list|remove` talks to: the running lab owns the hosts (it serves
 * their SSH ports), so the command asks it over its own HTTP server, authenticated with a token from the
 * lab's Keystone (admin), like every other lab API.
 *
 *   GET    /lab/hosts          -> 200 {"hosts": [host...]}
 *   POST   /lab/hosts          {"name", "bootstrap_address", "password", "fail_at"?, "duration"?, "release"?}
 *                              -> 201 {"host": host} | 400/409 {"error": {"message", "hint"?}}
 *   GET    /lab/hosts/<name>   -> 200 {"host": host} | 404
 *   DELETE /lab/hosts/<name>   -> 200 {"host": host} | 404
 *
 * A host in a response: name, bootstrap_address, port, release, fail_at, duration, bootstrapped,
 * fingerprint, plus the ssh_config and known_hosts paths clients use to reach it.
 */
export const HOSTS_MOUNT_PREFIX = '/lab/hosts'

export function hostAdminMount(context: LabMountContext): LabMount {
  const registry = labHostRegistry(context.dataDir)
  // Serve the data dir's hosts from the moment the lab starts, not from the first request.
  registry.catch(() => undefined)
  return {
    prefix: HOSTS_MOUNT_PREFIX,
    service: routedService({
      // `/` is the collection; everything else, slashes included, is a host name.
      segments: (path) => {
        const name = path.replace(/^\/+|\/+$/g, '')
        return name ? [name] : []
      },
      decodeParams: true,
      guard: (request) => {
        const header = request.headers['x-auth-token']
        const token = context.keystone.validate(Array.isArray(header) ? header[0] : header)
        return token ? undefined : error(401, 'The request you have made requires authentication.')
      },
      routes: [
        {method: 'GET', path: '/', handler: async () => listHosts(await registry)},
        {method: 'POST', path: '/', handler: async (request) => addHost(await registry, request)},
        {method: 'GET', path: '/:name', handler: async (request, {name}) => showHost(await registry, name)},
        {method: 'DELETE', path: '/:name', handler: async (request, {name}) => removeHost(await registry, name)},
      ],
      // Every path is the collection or a host name, so only the method can be wrong.
      notFound: (request) => error(405, `${request.method} is not allowed here`),
      methodNotAllowed: (request) => error(405, `${request.method} is not allowed here`),
    }),
    close: () => closeLabHostRegistry(context.dataDir),
  }
}

const filesOf = (registry: LabHostRegistry) => ({
  ssh_config: registry.sshConfigPath,
  known_hosts: registry.knownHostsPath,
})

function listHosts(registry: LabHostRegistry): LabResponse {
  return {status: 200, body: {hosts: registry.list().map(wire), ...filesOf(registry)}}
}

async function addHost(registry: LabHostRegistry, request: LabRequest): Promise<LabResponse> {
  let body: Record<string, unknown>
  try {
    body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>
  } catch {
    return error(400, 'The request body is not valid JSON.')
  }
  const host = await refusalOf(
    registry.add({
      name: String(body.name ?? ''),
      bootstrapAddress: String(body.bootstrap_address ?? ''),
      password: typeof body.password === 'string' ? body.password : '',
      failAt: typeof body.fail_at === 'string' && body.fail_at !== '' ? body.fail_at : undefined,
      durationSeconds: typeof body.duration === 'number' ? body.duration : undefined,
      release: typeof body.release === 'string' && body.release !== '' ? body.release : undefined,
    }),
  )
  if ('status' in host) return host
  return {status: 201, body: {host: wire(host), ...filesOf(registry)}}
}

function showHost(registry: LabHostRegistry, name: string): LabResponse {
  const host = registry.get(name)
  return host ? {status: 200, body: {host: wire(host), ...filesOf(registry)}} : error(404, `no lab host named ${name}`)
}

async function removeHost(registry: LabHostRegistry, name: string): Promise<LabResponse> {
  if (!registry.get(name)) return error(404, `no lab host named ${name}`)
  const host = await refusalOf(registry.remove(name))
  if ('status' in host) return host
  return {status: 200, body: {host: wire(host), ...filesOf(registry)}}
}

/** The registry's refusals (bad input, a name or address taken) as 400/409 with its message and hint. */
async function refusalOf(change: Promise<LabHostInfo>): Promise<LabHostInfo | LabResponse> {
  try {
    return await change
  } catch (caught) {
    if (caught instanceof DcmError)
      return error(/already/.test(caught.message) ? 409 : 400, caught.message, caught.hint)
    throw caught
  }
}

function wire(host: LabHostInfo) {
  return {
    name: host.name,
    bootstrap_address: host.bootstrapAddress,
    port: host.port,
    release: host.release,
    fail_at: host.failAt ?? null,
    duration: host.durationSeconds,
    bootstrapped: host.bootstrapped,
    fingerprint: host.fingerprint,
  }
}

function error(status: number, message: string, hint?: string): LabResponse {
  return {status, body: {error: {message, ...(hint ? {hint} : {})}}}
}
