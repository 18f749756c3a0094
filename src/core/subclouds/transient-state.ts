/**
 * dcmanager's "transient state" rule (`utils.is_subcloud_in_transient_state`, dcmanager-api.md §3.3): a subcloud
 * with a prestage, backup or deploy operation under way refuses another one. Shared by the lab's API (update,
 * network reconfiguration, backup, prestage) and the orchestration rules (a prestage strategy's pre-check).
 */
/**
 * Deploy states a restarted dcmanager flips to their failure value (the server's TRANSITORY_STATES map):
 * a lab killed mid-deploy never leaves a subcloud stuck in a state nothing will advance.
 */
export const TRANSITORY_DEPLOY_STATES: Record<string, string> = {
  'not-deployed': 'create-failed',
  creating: 'create-failed',
  'pre-deploy': 'pre-config-failed',
  'pre-install': 'pre-install-failed',
  installing: 'install-failed',
  'pre-bootstrap': 'pre-bootstrap-failed',
  bootstrapping: 'bootstrap-failed',
  'pre-config': 'pre-config-failed',
  configuring: 'config-failed',
  deploying: 'config-failed',
  'aborting-install': 'install-failed',
  'aborting-bootstrap': 'bootstrap-failed',
  'aborting-config': 'config-failed',
  'pre-restore': 'restore-prep-failed',
  restoring: 'restore-failed',
  'onsite-restoring': 'restore-failed',
  'pre-rehome': 'rehome-prep-failed',
  rehoming: 'rehome-failed',
  'reconfiguring-network': 'network-reconfiguration-failed',
  'pre-init-enroll': 'pre-init-enroll-failed',
  'initiating-enroll': 'init-enroll-failed',
  'pre-enroll': 'pre-enroll-failed',
  enrolling: 'enroll-failed',
}

/** Backup states of a backup under way (`TRANSITORY_BACKUP_STATES`). */
export const TRANSITORY_BACKUP_STATES = new Set(['validating', 'pre-backup', 'backing-up', 'deleting-backup'])
/** Prestage states of a prestage under way (`TRANSITORY_PRESTAGE_STATES`). */
export const TRANSITORY_PRESTAGE_STATES = new Set(['prestaging'])

export interface SubcloudOperations {
  name: string
  prestageStatus?: string | null
  backupStatus?: string | null
  deployStatus: string
}

/** The refusal text when an operation is under way (prestage first, then backup, then deploy), or undefined. */
export function transientReason(subcloud: SubcloudOperations): string | undefined {
  let what: string | undefined
  if (subcloud.prestageStatus && TRANSITORY_PRESTAGE_STATES.has(subcloud.prestageStatus))
    what = `prestage_status is '${subcloud.prestageStatus}'`
  else if (subcloud.backupStatus && TRANSITORY_BACKUP_STATES.has(subcloud.backupStatus))
    what = `backup_status is '${subcloud.backupStatus}'`
  else if (TRANSITORY_DEPLOY_STATES[subcloud.deployStatus]) what = `deploy_status is '${subcloud.deployStatus}'`
  return what
    ? `Subcloud ${subcloud.name} current ${what}. Please wait until it finishes before running this operation.`
    : undefined
}
