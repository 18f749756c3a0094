import {type SubcloudRecord, TRANSITORY_DEPLOY_STATES} from './subcloud-model.js'

/** §3.3: the reason a subcloud is busy, or undefined. */
export function transientReason(record: SubcloudRecord): string | undefined {
  const transitionalBackup = ['validating', 'pre-backup', 'backing-up', 'deleting-backup']
  let what: string | undefined
  if (record.prestageStatus === 'prestaging') what = `prestage_status is '${record.prestageStatus}'`
  else if (record.backupStatus && transitionalBackup.includes(record.backupStatus)) {
    what = `backup_status is '${record.backupStatus}'`
  } else if (TRANSITORY_DEPLOY_STATES[record.deployStatus]) what = `deploy_status is '${record.deployStatus}'`
  return what
    ? `Subcloud ${record.name} current ${what}. Please wait until it finishes before running this operation.`
    : undefined
}
