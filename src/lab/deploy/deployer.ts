/**
 * How the lab's dcmanager deploys a subcloud once `POST /v1.0/subclouds` has been accepted. The state
 * machine (dcmanager-api.md §3, local-bootstrap.md §5) lives in the dcmanager service; a Deployer only
 * does the work of one phase and reports transitions through `progress`.
 */
export interface DeployRequest {
  subcloudName: string
  regionName: string
  bootstrapAddress: string
  /** The bootstrap-values file as the operator sent it (YAML text). */
  bootstrapValues: string
  /** Held in memory only, never written to the lab's state. */
  sysadminPassword: string
  release?: string
  /** Lab fault injection: the bootstrap fails at this task (`role : task`), once. */
  failTask?: string
}

export interface DeployProgress {
  /** Move the subcloud's deploy-status (e.g. 'pre-bootstrap', 'bootstrapping'). */
  setDeployStatus(status: string): void
}

export type DeployOutcome = {ok: true} | {ok: false; deployStatus: string; errorDescription: string}

export interface Deployer {
  /** The kind of deployer, shown by `dcm lab status` so nobody mistakes a simulation for a real run. */
  readonly kind: string
  deploy(request: DeployRequest, progress: DeployProgress, signal: AbortSignal): Promise<DeployOutcome>
}
