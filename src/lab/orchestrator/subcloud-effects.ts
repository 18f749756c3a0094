import {
  majorReleaseOf,
  PRESTAGE_PRECHECK,
  SW_DEPLOY_APPLY_VIM,
  SW_DEPLOY_CREATE_VIM,
  SW_DEPLOY_INSTALL_LICENSE,
  strategyDeclaration,
  type StrategyType,
  truthy,
} from '../../core/orchestration/strategy-types.js'
import {NO_ERRORS, type SubcloudRecord} from '../dcmanager/subcloud-model.js'
import type {LabStore} from '../lab-store.js'

/**
 * What a strategy does to its subclouds (orchestration.md §4.5, §4.8). The lab has no VIM or playbooks, so
 * a step's effects are the fields upstream's states and audits leave behind: deploy-status during the VIM
 * apply, software-version, prestage-status/versions, and the type's endpoint going in-sync.
 */
export interface StrategyRunContext {
  type: StrategyType
  extraArgs: Record<string, unknown> | null
}

type Change = Partial<SubcloudRecord>

function update(store: LabStore, subcloud: SubcloudRecord, change: Change): void {
  store.updateSubcloud(subcloud.id, change)
}

/** Create: every selected subcloud's error description is reset. */
export function onStepCreated(store: LabStore, subcloud: SubcloudRecord): void {
  if (subcloud.errorDescription !== NO_ERRORS) update(store, subcloud, {errorDescription: NO_ERRORS})
}

/** A step entered `state`. */
export function onStateEntered(
  store: LabStore,
  subcloud: SubcloudRecord,
  state: string,
  run: StrategyRunContext,
): void {
  const withPrestage = run.type === 'prestage' || truthy(run.extraArgs?.with_prestage)
  if (withPrestage && state === PRESTAGE_PRECHECK) update(store, subcloud, {prestageStatus: 'prestaging'})
  if (
    run.type === 'sw-deploy' &&
    truthy(run.extraArgs?.with_prestage) &&
    (state === SW_DEPLOY_INSTALL_LICENSE || state === SW_DEPLOY_CREATE_VIM) &&
    subcloud.prestageStatus === 'prestaging'
  )
    update(store, subcloud, {prestageStatus: 'complete', prestageVersions: prestageVersions(run)})
  if (state === SW_DEPLOY_APPLY_VIM) update(store, subcloud, {deployStatus: 'sw-deploy-in-progress'})
}

function prestageVersions(run: StrategyRunContext): string {
  const version = String(run.extraArgs?.['prestage-software-version'] ?? 'None')
  return truthy(run.extraArgs?.for_sw_deploy)
    ? `for-install: None - for-sw-deploy: ${version}`
    : `for-install: ${version} - for-sw-deploy: None`
}

/** A step reached `complete`. */
export function onStepComplete(store: LabStore, subcloud: SubcloudRecord, run: StrategyRunContext): void {
  const change: Change = {}
  if (subcloud.deployStatus !== 'complete') change.deployStatus = 'complete'
  const endpoint = strategyDeclaration(run.type).endpoint
  switch (run.type) {
    case 'prestage':
      change.prestageStatus = 'complete'
      change.prestageVersions = prestageVersions(run)
      break
    case 'sw-deploy': {
      const release = majorReleaseOf(run.extraArgs?.release_id as string | undefined)
      if (release) change.softwareVersion = release
      Object.assign(change, inSync(subcloud, endpoint))
      break
    }
    default:
      // kubernetes and kube-rootca by their audits, firmware by `finishing fw update` itself.
      Object.assign(change, inSync(subcloud, endpoint))
  }
  update(store, subcloud, change)
}

/** The endpoint in-sync, and any injected status on it cleared so the lab's audit keeps it in-sync. */
function inSync(subcloud: SubcloudRecord, endpoint: string): Change {
  const overrides = {...subcloud.syncOverrides}
  delete overrides[endpoint]
  return {
    endpointSyncStatus: {...subcloud.endpointSyncStatus, [endpoint]: 'in-sync'},
    syncOverrides: Object.keys(overrides).length > 0 ? overrides : undefined,
  }
}

/** A prestage step skipped (the subcloud failed the initial check inside `prestage-precheck`). */
export function onPrestageSkipped(store: LabStore, subcloud: SubcloudRecord): void {
  update(store, subcloud, {prestageStatus: null})
}

/** A step failed in `state` with `text` (the exception text, without the state prefix). */
export function onStepFailed(
  store: LabStore,
  subcloud: SubcloudRecord,
  state: string,
  text: string,
  run: StrategyRunContext,
): void {
  if (state.startsWith('prestag')) {
    update(store, subcloud, {
      prestageStatus: 'failed',
      ...(state === PRESTAGE_PRECHECK ? {} : {errorDescription: text}),
    })
    return
  }
  if (run.type === 'firmware') return
  if (state === 'kube upgrade pre check') {
    update(store, subcloud, {errorDescription: text})
    return
  }
  if (state === SW_DEPLOY_INSTALL_LICENSE) {
    update(store, subcloud, {errorDescription: text.slice(0, 2048)})
    return
  }
  update(store, subcloud, {
    errorDescription: text,
    deployStatus:
      state === SW_DEPLOY_CREATE_VIM || state === SW_DEPLOY_APPLY_VIM ? 'sw-deploy-apply-strategy-failed' : 'complete',
  })
}
