import type {LabService} from './http-types.js'
import type {KeystoneService} from '../keystone/keystone-service.js'
import type {LabSystemController} from '../lab-config.js'
import type {LabStore} from '../lab-store.js'

/**
 * Extension point of the lab server: services other parts of dcm add to the lab (the sysinv API of each
 * subcloud, lab-host administration) register a factory here. Each factory is called once per started lab.
 */
export interface LabMountContext {
  store: LabStore
  keystone: KeystoneService
  systemController: LabSystemController
  dataDir: string
  /** The lab's base URL (scheme://127.0.0.1:port), known once the server listens. */
  baseUrl: () => string
}

export interface LabMount {
  /** Path prefix, e.g. `/sysinv`; the service sees the path below it. */
  prefix: string
  service: LabService
  /**
   * Validate the request's X-Auth-Token with the lab's Keystone and set `request.token` (left undefined
   * when missing or invalid: the service answers with its own 401 body).
   */
  authenticate?: boolean
  /** Called when the lab stops (close servers, timers). */
  close?: () => Promise<void>
}

export type LabMountFactory = (context: LabMountContext) => LabMount | Promise<LabMount>

export const labMountFactories: LabMountFactory[] = []
