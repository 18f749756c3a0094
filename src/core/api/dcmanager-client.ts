import {AlarmManager} from './alarm-manager.js'
import {DcmanagerRequest, type DcmanagerRequestOptions} from './dcmanager-request.js'
import {DeployFilesManager} from './deploy-files-manager.js'
import type {KeystoneSession} from './keystone.js'
import {PhasedDeployManager} from './phased-deploy-manager.js'
import {SubcloudBackupManager} from './subcloud-backup-manager.js'
import {PeerGroupAssociationManager} from './peer-group-association-manager.js'
import {SubcloudGroupManager} from './subcloud-group-manager.js'
import {SubcloudPeerGroupManager} from './subcloud-peer-group-manager.js'
import {SystemPeerManager} from './system-peer-manager.js'
import {StrategyManager} from './strategies/strategy-manager.js'
import {StrategyOptionsManager} from './strategies/options-manager.js'
import {StrategyStepManager} from './strategies/step-manager.js'
import {SubcloudManager} from './subcloud-manager.js'

/**
 * The dcmanager REST client, shaped like the upstream python client: one manager per resource
 * (`client.subclouds.list()`, `client.subcloudGroups.get(ref)`, `client.alarms.summary()`), all over one
 * shared request layer. Managers return plain typed values and throw one-line errors carrying the
 * server's message. A new resource is a new `*-manager.ts` plus one field here (see docs/design.md).
 */
export type DcmanagerClientOptions = DcmanagerRequestOptions

export class DcmanagerClient {
  readonly http: DcmanagerRequest
  readonly subclouds: SubcloudManager
  readonly subcloudGroups: SubcloudGroupManager
  readonly subcloudBackups: SubcloudBackupManager
  readonly alarms: AlarmManager
  readonly strategySteps: StrategyStepManager
  readonly strategyOptions: StrategyOptionsManager
  readonly phasedDeploy: PhasedDeployManager
  readonly deployFiles: DeployFilesManager
  readonly systemPeers: SystemPeerManager
  readonly subcloudPeerGroups: SubcloudPeerGroupManager
  readonly peerGroupAssociations: PeerGroupAssociationManager

  constructor(
    readonly session: KeystoneSession,
    options: DcmanagerClientOptions = {},
  ) {
    this.http = new DcmanagerRequest(session, options)
    this.subclouds = new SubcloudManager(this.http)
    this.subcloudGroups = new SubcloudGroupManager(this.http)
    this.subcloudBackups = new SubcloudBackupManager(this.http)
    this.alarms = new AlarmManager(this.http)
    this.strategySteps = new StrategyStepManager(this.http)
    this.strategyOptions = new StrategyOptionsManager(this.http)
    this.phasedDeploy = new PhasedDeployManager(this.http)
    this.deployFiles = new DeployFilesManager(this.http)
    this.systemPeers = new SystemPeerManager(this.http)
    this.subcloudPeerGroups = new SubcloudPeerGroupManager(this.http)
    this.peerGroupAssociations = new PeerGroupAssociationManager(this.http)
  }

  /** `/sw-update-strategy` for one type (`client.strategy('sw-deploy').apply()`); no type: the one that exists. */
  strategy(type?: string): StrategyManager {
    return new StrategyManager(this.http, type)
  }

  /** The base URL every path is appended to (already ending in `/v1.0`). */
  baseUrl(): Promise<string> {
    return this.http.baseUrl()
  }
}
