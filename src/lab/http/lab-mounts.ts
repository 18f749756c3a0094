import type {LabService} from './http-types.js'
import type {DeployRunner} from '../deploy/deploy-runner.js'
import type {CatalogService} from './catalog.js'
import type {KeystoneService} from '../keystone/keystone-service.js'
import type {LabSystemController} from '../lab-config.js'
import type {LabStore} from '../lab-store.js'
import type {LabGeo} from '../geo/lab-geo.js'

/**
 * How a service joins the lab server: a `LabMount` (a path prefix, the service that answers below it, the
 * Keystone catalog entries it adds, and what to close when the lab stops), made by a `LabMountFactory` from the
 * running lab's parts. Keystone, dcmanager, sysinv and the lab's own endpoints are mounts like any other;
 * other parts of dcm (lab-host administration) register a factory in `labMountFactories`.
 * A service is built with `routedService` (./routed-service.ts): one route table, one way to answer.
 */
export interface LabMountContext {
  store: LabStore
  keystone: KeystoneService
  runner: DeployRunner
  systemController: LabSystemController
  /** The releases subclouds may run (the lab's own first). */
  releases: string[]
  /** The kind of deployer the lab runs (`ssh`, `simulated`, ...). */
  deployerKind: string
  dataDir: string
  /** The lab's base URL (scheme://127.0.0.1:port), known once the server listens. */
  baseUrl: () => string
  /** The site's geo-redundancy (identity, system peers, peer groups, associations). */
  geo?: LabGeo
}

export interface LabMount {
  /** Path prefix, e.g. `/sysinv`; the service sees the path below it. The longest matching prefix wins. */
  prefix: string
  /**
   * Answers a request below the prefix. The server has set `request.token` when the request's X-Auth-Token
   * is a valid token of the lab's Keystone; each service decides what a missing one means.
   */
  service: LabService
  /** The service's entries in the Keystone catalog, given the lab's base URL (asked again for every token). */
  catalog?: (baseUrl: string) => CatalogService[]
  /** Called when the lab stops (close servers, timers). */
  close?: () => Promise<void>
}

export type LabMountFactory = (context: LabMountContext) => LabMount | Promise<LabMount>

/** Mounts other parts of dcm add to every lab started in this process (see hosts/host-wiring.ts). */
export const labMountFactories: LabMountFactory[] = []
