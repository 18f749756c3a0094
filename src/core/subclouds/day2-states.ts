import type {SubcloudWatch} from '../flows/wait-for-subclouds.js'
import {deployOutcome} from './deploy-status.js'

/**
 * What the fields of a subcloud mean to someone following a day-2 operation (subcloud-lifecycle.md §3-5,
 * dcmanager-api.md §3.2): which values end it, well or badly. Anything else is still moving.
 */
const BACKUP_DONE = new Set(['complete-central', 'complete-local'])
const BACKUP_FAILED = new Set(['failed', 'validate-failed', 'backup-prep-failed'])

/**
 * backup-status after `subcloud-backup create`. The answer lists the subclouds as stored before the request, so a
 * `complete-central` from last week must not end the wait: a final value counts once the subcloud was seen
 * validating or backing up, or when the value or the backup time differs from the answer's.
 */
export const backupCreateWatch: SubcloudWatch = {
  operation: 'backup',
  field: 'backup-status',
  outcome: (value) =>
    value && BACKUP_DONE.has(value) ? 'done' : value && BACKUP_FAILED.has(value) ? 'failed' : undefined,
  isNewResult: (before, now) =>
    now['backup-status'] !== before['backup-status'] || now['backup-datetime'] !== before['backup-datetime'],
}

/**
 * deploy-status after `subcloud-backup restore`: `complete` (factory: `factory-restore-complete`) or a failure
 * (`restore-prep-failed`, `restore-failed`, `pre-install-failed`, `install-failed`). The answer shows `pre-restore`
 * without storing it (the record is otherwise as stored before), so a final value counts once the subcloud was seen
 * restoring, or once the record was written since (a restore quicker than one poll, as in a fast lab).
 */
export const restoreWatch: SubcloudWatch = {
  operation: 'restore',
  field: 'deploy-status',
  outcome: (value) =>
    value === 'factory-restore-complete'
      ? 'done'
      : value
        ? ({complete: 'done', failed: 'failed', 'in-progress': undefined} as const)[deployOutcome(value)]
        : undefined,
  isNewResult: (before, now) => now['updated-at'] !== before['updated-at'],
}

/** deploy-status after `subcloud redeploy`: its answer already stored `pre-install`; it ends in `complete`. */
export const redeployWatch: SubcloudWatch = {
  operation: 'redeploy',
  field: 'deploy-status',
  outcome: (value) =>
    value ? ({complete: 'done', failed: 'failed', 'in-progress': undefined} as const)[deployOutcome(value)] : undefined,
}

/** prestage-status after `subcloud prestage`: its answer already stored `prestaging`; `complete` or `failed`. */
export const prestageWatch: SubcloudWatch = {
  operation: 'prestage',
  field: 'prestage-status',
  outcome: (value) => (value === 'complete' ? 'done' : value === 'failed' ? 'failed' : undefined),
}
