import {createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import {promises as fs} from 'node:fs'
import type {AddressInfo} from 'node:net'

import {OperationError} from '../core/errors.js'
import {runAudit} from './dcmanager/audit.js'
import {DcmanagerService} from './dcmanager/dcmanager-service.js'
import type {Deployer} from './deploy/deployer.js'
import {createDeployer} from './deploy/deployers.js'
import {DeployRunner} from './deploy/deploy-runner.js'
import type {LabRequest, LabResponse, LabService} from './http/http-types.js'
import {type CatalogService, KeystoneService} from './keystone/keystone-service.js'
import {DEFAULT_SYSTEM_CONTROLLER, type LabSystemController} from './lab-config.js'
import {type LabMount, labMountFactories, type LabMountFactory} from './http/lab-mounts.js'
import {acquireDataDirLock} from './lab-files.js'
import {LabStore} from './lab-store.js'
import {LabOrchestrator} from './orchestrator/lab-orchestrator.js'
import {orchestratorTiming, type OrchestratorTiming} from './orchestrator/orchestrator-engine.js'
import {strategyMounts} from './orchestrator/strategy-service.js'
import {subcloudFaultMount} from './orchestrator/subcloud-fault-service.js'
import {createSysinvService} from './sysinv/sysinv-service.js'
import {systemControllerSysinv} from './sysinv/sysinv-system-controller.js'

/**
 * The embedded System Controller: one node:http(s) server on 127.0.0.1 serving Keystone (`/identity`), the
 * dcmanager API (`/dcmanager`), and whatever other services are mounted (sysinv at `/sysinv/<region>/v1`),
 * over the state of one data dir. Loopback only: the lab never listens on another address.
 */
export interface LabServerOptions {
  dataDir: string
  /** 0 (default) picks a free port. */
  port?: number
  /** PEM server certificate and key: serve HTTPS. */
  tls?: {cert: string | Buffer; key: string | Buffer}
  /** The admin user's password (kept in memory; `lab-files.ts` keeps it in a 0600 file). */
  adminPassword: string
  tokenLifetimeSeconds?: number
  /** A deployer instance, or a registered kind (default `simulated`). */
  deployer?: Deployer | string
  /** Scale of simulated timings (1 = a few seconds per add). */
  timeScale?: number
  /** Subcloud names whose simulated bootstrap fails. */
  failFor?: string[]
  systemController?: LabSystemController
  releases?: string[]
  /** Period of the availability audit besides running after every change, ms. */
  auditIntervalMs?: number
  /** Extra services on top of `labMountFactories`. */
  mounts?: LabMountFactory[]
  /** Largest request body accepted (bytes). */
  bodyLimit?: number
  /** The orchestrator's timings (default: derived from `timeScale`). */
  orchestrator?: Partial<OrchestratorTiming>
}

export interface RequestRecord {
  method: string
  path: string
}

export interface LabHandle {
  /** scheme://127.0.0.1:port */
  url: string
  /** OS_AUTH_URL of the lab. */
  authUrl: string
  /** The dcmanager endpoint in the catalog. */
  dcmanagerUrl: string
  port: number
  dataDir: string
  tls: boolean
  deployerKind: string
  store: LabStore
  keystone: KeystoneService
  runner: DeployRunner
  orchestrator: LabOrchestrator
  systemController: LabSystemController
  /** Every request received (method, full path), oldest first: tests assert what was (not) sent. */
  requests: RequestRecord[]
  /** Run the availability audit now. */
  audit(): void
  stop(): Promise<void>
}

export async function startLab(options: LabServerOptions): Promise<LabHandle> {
  const systemController = options.systemController ?? DEFAULT_SYSTEM_CONTROLLER
  const releases = options.releases ?? [systemController.softwareVersion]
  const timeScale = options.timeScale ?? 1
  await fs.mkdir(options.dataDir, {recursive: true, mode: 0o700})
  const releaseLock = await acquireDataDirLock(options.dataDir)
  let store: LabStore
  try {
    store = await LabStore.open(options.dataDir)
  } catch (error) {
    await releaseLock()
    throw error
  }
  const deployer =
    typeof options.deployer === 'object'
      ? options.deployer
      : await createDeployer(options.deployer ?? 'simulated', {
          dataDir: options.dataDir,
          timeScale,
          failFor: options.failFor ?? [],
        })
  const runner = new DeployRunner(store, deployer, Math.round(300 * timeScale))
  let baseUrl = ''
  const keystone = new KeystoneService({
    userName: 'admin',
    password: options.adminPassword,
    projectName: 'admin',
    userId: store.keystoneIds.userId,
    projectId: store.keystoneIds.projectId,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    catalog: () => buildCatalog(baseUrl, store),
    baseUrl: () => `${baseUrl}/identity`,
  })
  const requests: RequestRecord[] = []
  const dcmanager = new DcmanagerService({store, keystone, runner, systemController, releases})
  // Resumes a strategy the state holds (a lab restarted mid-apply).
  const orchestrator = new LabOrchestrator({
    store,
    systemControllerVersion: systemController.softwareVersion,
    releases,
    timing: orchestratorTiming(timeScale, options.orchestrator),
  })

  const mounts: LabMount[] = [
    {prefix: '/identity', service: keystone.service},
    {prefix: '/dcmanager', service: dcmanager.service},
    ...strategyMounts(orchestrator, store),
    subcloudFaultMount(store, keystone, () => audit()),
    {prefix: '/lab', service: labInfoService(() => ({deployer: deployer.kind, store, baseUrl}))},
    // Each subcloud's sysinv (host routes), the `platform` endpoints of the catalog, and RegionOne's own.
    {
      prefix: '/sysinv',
      service: createSysinvService(store, {
        mountPath: '/sysinv',
        systemController: systemControllerSysinv(systemController),
      }),
      authenticate: true,
    },
  ]
  for (const factory of [...labMountFactories, ...(options.mounts ?? [])]) {
    mounts.push(await factory({store, keystone, systemController, dataDir: options.dataDir, baseUrl: () => baseUrl}))
  }
  // Longest prefix first, so `/sysinv` never shadows a more specific mount.
  mounts.sort((a, b) => b.prefix.length - a.prefix.length)

  // The audit runs after every change (coalesced) and on a timer.
  let auditScheduled = false
  const audit = () => {
    auditScheduled = false
    if (runAudit(store, systemController.managementNetworks) > 0) void store.persist().catch(() => undefined)
  }
  store.on('change', () => {
    if (auditScheduled) return
    auditScheduled = true
    setImmediate(audit)
  })
  audit()
  const auditTimer = setInterval(audit, options.auditIntervalMs ?? 5000)
  auditTimer.unref()

  const bodyLimit = options.bodyLimit ?? 16 * 1024 * 1024
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    void handle(request, response, mounts, requests, bodyLimit, keystone)
  }
  const server: Server = options.tls
    ? createHttpsServer({cert: options.tls.cert, key: options.tls.key}, handler)
    : createHttpServer(handler)
  server.keepAliveTimeout = 5000
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    clearInterval(auditTimer)
    orchestrator.stop()
    await runner.stopAll()
    await releaseLock()
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') {
      throw new OperationError(`Port ${options.port} on 127.0.0.1 is already in use`, {
        hint: 'choose another --port, or 0 for any free port',
        cause: error,
      })
    }
    throw error
  }
  const port = (server.address() as AddressInfo).port
  baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`

  let stopping: Promise<void> | undefined
  return {
    url: baseUrl,
    authUrl: `${baseUrl}/identity/v3`,
    dcmanagerUrl: `${baseUrl}/dcmanager/v1.0`,
    port,
    dataDir: options.dataDir,
    tls: !!options.tls,
    deployerKind: deployer.kind,
    store,
    keystone,
    runner,
    orchestrator,
    systemController,
    requests,
    audit,
    stop() {
      stopping ??= (async () => {
        clearInterval(auditTimer)
        orchestrator.stop()
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
        await runner.stopAll()
        for (const mount of mounts) await mount.close?.()
        await store.persist()
        await releaseLock()
      })()
      return stopping
    },
  }
}

/**
 * The catalog a token carries: identity (RegionOne, SystemController), dcmanager in region SystemController
 * (§1.4: clients must not filter by OS_REGION_NAME), and `platform` (sysinv) for RegionOne and for each
 * subcloud's region.
 */
export function buildCatalog(baseUrl: string, store: LabStore): CatalogService[] {
  const everywhere = (region: string, url: string) =>
    (['public', 'internal', 'admin'] as const).map((kind) => ({interface: kind, region, url}))
  return [
    {
      type: 'identity',
      name: 'keystone',
      endpoints: [
        ...everywhere('RegionOne', `${baseUrl}/identity/v3`),
        ...everywhere('SystemController', `${baseUrl}/identity/v3`),
      ],
    },
    {type: 'dcmanager', name: 'dcmanager', endpoints: everywhere('SystemController', `${baseUrl}/dcmanager/v1.0`)},
    {
      type: 'platform',
      name: 'sysinv',
      endpoints: [
        ...everywhere('RegionOne', `${baseUrl}/sysinv/RegionOne/v1`),
        ...store
          .listSubcloudRegions()
          .flatMap((subcloud) => everywhere(subcloud.regionName, `${baseUrl}/sysinv/${subcloud.regionName}/v1`)),
      ],
    },
  ]
}

function labInfoService(info: () => {deployer: string; store: LabStore; baseUrl: string}): LabService {
  return async (request) => {
    if (request.method !== 'GET' || request.path.replace(/\/$/, '') !== '/status') return {status: 404, body: ''}
    const {deployer, store, baseUrl} = info()
    return {
      status: 200,
      body: {
        pid: process.pid,
        url: baseUrl,
        deployer,
        subclouds: store.subclouds.length,
        uptimeSeconds: Math.round(process.uptime()),
      },
    }
  }
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  mounts: LabMount[],
  requests: RequestRecord[],
  bodyLimit: number,
  keystone: KeystoneService,
): Promise<void> {
  try {
    const url = new URL(request.url ?? '/', 'http://lab.invalid')
    requests.push({method: request.method ?? 'GET', path: url.pathname})
    // Tests read this log; a long-running lab keeps only the recent part.
    if (requests.length > 20_000) requests.splice(0, 10_000)
    const mount = mounts.find((item) => url.pathname === item.prefix || url.pathname.startsWith(`${item.prefix}/`))
    if (!mount) return send(response, {status: 404, headers: {'content-type': 'text/plain'}, body: 'Not Found\n'})
    const body = await readBody(request, bodyLimit)
    if (!body)
      return send(response, {status: 413, headers: {'content-type': 'text/plain'}, body: 'Request body too large\n'})
    const labRequest: LabRequest = {
      method: request.method ?? 'GET',
      path: url.pathname.slice(mount.prefix.length) || '/',
      query: url.searchParams,
      headers: request.headers,
      body,
    }
    if (mount.authenticate) {
      const header = request.headers['x-auth-token']
      labRequest.token = keystone.validate(Array.isArray(header) ? header[0] : header)
    }
    send(response, await mount.service(labRequest))
  } catch {
    if (!response.headersSent) send(response, {status: 500, headers: {'content-type': 'text/plain'}, body: ''})
    else response.destroy()
  }
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) tooLarge = true
      else chunks.push(chunk)
    })
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

function send(response: ServerResponse, result: LabResponse): void {
  const headers: Record<string, string> = {...result.headers}
  let payload: Buffer
  if (result.body === undefined) payload = Buffer.alloc(0)
  else if (typeof result.body === 'string') {
    payload = Buffer.from(result.body)
    headers['content-type'] ??= 'text/plain; charset=UTF-8'
  } else if (Buffer.isBuffer(result.body)) payload = result.body
  else {
    payload = Buffer.from(JSON.stringify(result.body))
    headers['content-type'] ??= 'application/json'
  }
  if (result.status !== 204) headers['content-length'] = String(payload.length)
  response.writeHead(result.status, headers)
  response.end(result.status === 204 ? undefined : payload)
}
