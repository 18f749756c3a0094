import {createServer as createHttpServer, type Server} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import type {AddressInfo} from 'node:net'

import {OperationError} from '../core/errors.js'
import {runAudit} from './dcmanager/audit.js'
import {dcmanagerMount} from './dcmanager/dcmanager-service.js'
import type {Deployer} from './deploy/deployer.js'
import {createDeployer} from './deploy/deployers.js'
import {DeployRunner} from './deploy/deploy-runner.js'
import {withRequestId} from './http/request-id.js'
import {labRequestHandler, type RequestRecord} from './http/lab-dispatch.js'
import {type LabMount, type LabMountContext, labMountFactories, type LabMountFactory} from './http/lab-mounts.js'
import {KeystoneService} from './keystone/keystone-service.js'
import {DEFAULT_SYSTEM_CONTROLLER, type LabSystemController} from './lab-config.js'
import {acquireDataDirLock, ensureLabDataDir} from './lab-files.js'
import {labStatusMount} from './lab-status.js'
import {LabStore} from './lab-store.js'
import {LabOrchestrator} from './orchestrator/lab-orchestrator.js'
import {orchestratorTiming, type OrchestratorTiming} from './orchestrator/orchestrator-engine.js'
import {strategyMounts} from './orchestrator/strategy-service.js'
import {subcloudFaultMount} from './orchestrator/subcloud-fault-service.js'
import {sysinvMount} from './sysinv/sysinv-mount.js'
import {GeoSite, type GeoTiming} from './geo/geo-site.js'

export type {RequestRecord} from './http/lab-dispatch.js'

/**
 * The embedded System Controller: one node:http(s) server on 127.0.0.1 serving Keystone (`/identity`), the
 * dcmanager API (`/dcmanager`), sysinv (`/sysinv/<region>/v1`), the lab's own endpoints (`/lab`) and whatever
 * other services are mounted, over the state of one data dir. Loopback only: the lab never listens on another
 * address. Every service is a `LabMount` (http/lab-mounts.ts); the catalog is what the mounts declare.
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
  /** The name a new site's system gets (`dcm lab start --site NAME`; default SystemController). */
  siteName?: string
  /** Geo-redundancy timings (default: derived from `timeScale`: heartbeat seconds are `timeScale` s). */
  geo?: Partial<GeoTiming>
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
  /** Geo-redundancy: the site's identity, peers, heartbeats, syncs and migrations. */
  geo: GeoSite
  systemController: LabSystemController
  /** Every request received (method, full path), oldest first: tests assert what was (not) sent. */
  requests: RequestRecord[]
  /** Run the availability audit now. */
  audit(): void
  stop(): Promise<void>
}

/** The lab's own services, in catalog order (identity, dcmanager, platform). */
const BUILTIN_MOUNTS: LabMountFactory[] = [
  ({keystone}) => ({prefix: '/identity', service: keystone.service, catalog: (baseUrl) => keystone.catalog(baseUrl)}),
  dcmanagerMount,
  labStatusMount,
  sysinvMount,
]

export async function startLab(options: LabServerOptions): Promise<LabHandle> {
  const systemController = options.systemController ?? DEFAULT_SYSTEM_CONTROLLER
  const timeScale = options.timeScale ?? 1
  const {store, releaseLock} = await openDataDir(options.dataDir)
  const deployer = await deployerFor(options, timeScale)
  const runner = new DeployRunner(store, deployer, Math.round(300 * timeScale))
  const geo = new GeoSite({
    store,
    systemController,
    siteName: options.siteName,
    timing: {
      heartbeatUnitMs: Math.max(10, Math.round(1000 * timeScale)),
      rehomeStepMs: Math.round(300 * timeScale),
      onlineTimeoutMs: Math.max(60_000, Math.round(900_000 * timeScale)),
      ...options.geo,
    },
  })
  let baseUrl = ''
  const mounts: LabMount[] = []
  const keystone = new KeystoneService({
    userName: 'admin',
    password: options.adminPassword,
    projectName: 'admin',
    userId: store.keystoneIds.userId,
    projectId: store.keystoneIds.projectId,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    catalog: () => mounts.flatMap((mount) => mount.catalog?.(baseUrl) ?? []),
    baseUrl: () => `${baseUrl}/identity`,
  })
  const context: LabMountContext = {
    store,
    keystone,
    runner,
    systemController,
    releases: options.releases ?? [systemController.softwareVersion],
    deployerKind: deployer.kind,
    dataDir: options.dataDir,
    baseUrl: () => baseUrl,
    geo,
  }
  for (const factory of [...BUILTIN_MOUNTS, ...labMountFactories, ...(options.mounts ?? [])]) {
    mounts.push(await factory(context))
  }
  const audit = startAudit(store, systemController, options.auditIntervalMs ?? 5000)
  // Resumes a strategy the state holds (a lab restarted mid-apply).
  const orchestrator = new LabOrchestrator({
    store,
    systemControllerVersion: systemController.softwareVersion,
    releases: context.releases,
    timing: orchestratorTiming(timeScale, options.orchestrator),
  })
  // The strategy endpoints sit under the dcmanager endpoint: they carry its request ids too.
  mounts.push(
    ...strategyMounts(orchestrator, store).map((mount) => ({...mount, service: withRequestId(mount.service)})),
    subcloudFaultMount(store, keystone, () => audit.run()),
  )

  const requests: RequestRecord[] = []
  const handler = labRequestHandler({
    mounts,
    requests,
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
    validateToken: (tokenId) => keystone.validate(tokenId),
  })
  const server: Server = options.tls
    ? createHttpsServer({cert: options.tls.cert, key: options.tls.key}, handler)
    : createHttpServer(handler)
  server.keepAliveTimeout = 5000
  try {
    await listen(server, options.port)
  } catch (error) {
    audit.stop()
    orchestrator.stop()
    await geo.stop()
    await runner.stopAll()
    await releaseLock()
    throw error
  }
  const port = (server.address() as AddressInfo).port
  baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`
  // Heartbeats start once this site answers (a peer's first check of it may come at any time after).
  await geo.start()

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
    geo,
    systemController,
    requests,
    audit: audit.run,
    stop() {
      stopping ??= (async () => {
        audit.stop()
        orchestrator.stop()
        await geo.stop()
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
        await runner.stopAll()
        for (const mount of mounts) await mount.close?.()
        // A full disk must not keep the data dir locked: the state on disk is the last one written.
        try {
          await store.persist()
        } finally {
          await releaseLock()
        }
      })()
      return stopping
    },
  }
}

/** The data dir (0700), its lock (one lab per dir) and its state. */
async function openDataDir(dataDir: string): Promise<{store: LabStore; releaseLock: () => Promise<void>}> {
  // Created 0700, or refused when another user owns it or others can write it (issue 14).
  ensureLabDataDir(dataDir)
  const releaseLock = await acquireDataDirLock(dataDir)
  try {
    return {store: await LabStore.open(dataDir), releaseLock}
  } catch (error) {
    await releaseLock()
    throw error
  }
}

function deployerFor(options: LabServerOptions, timeScale: number): Deployer | Promise<Deployer> {
  if (typeof options.deployer === 'object') return options.deployer
  return createDeployer(options.deployer ?? 'simulated', {
    dataDir: options.dataDir,
    timeScale,
    failFor: options.failFor ?? [],
  })
}

/** The availability audit: after every change (coalesced), at start, and on a timer. */
function startAudit(
  store: LabStore,
  systemController: LabSystemController,
  intervalMs: number,
): {run: () => void; stop: () => void} {
  let scheduled = false
  const run = () => {
    scheduled = false
    if (runAudit(store, systemController.managementNetworks) > 0) void store.persist().catch(() => undefined)
  }
  store.on('change', () => {
    if (scheduled) return
    scheduled = true
    setImmediate(run)
  })
  run()
  const timer = setInterval(run, intervalMs)
  timer.unref()
  return {run, stop: () => clearInterval(timer)}
}

/** Listen on 127.0.0.1 only; a taken port is the operator's to change. */
async function listen(server: Server, port = 0): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new OperationError(`Port ${port} on 127.0.0.1 is already in use`, {
        hint: 'choose another --port, or 0 for any free port',
        cause: error,
      })
    }
    throw error
  }
}
