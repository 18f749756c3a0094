import {UsageError} from '../../errors.js'
import type {Cell} from '../../output/types.js'
import {strategyDeclaration} from '../../orchestration/strategy-types.js'
import {clientDeclaration, type CreateValues} from './declaration.js'

/**
 * `sw-deploy-strategy` (orchestration.md §2.3, §2.4): the deprecated --with-delete/--delete-only are merged
 * into --delete/--cleanup after a notice on stdout; seven checks in upstream order; the password only with
 * --with-prestage (asked after the checks); the six booleans and kube_upgrade are always sent.
 */
const deleteOf = (v: CreateValues) => Boolean(v.delete || v['with-delete'])
const cleanupOf = (v: CreateValues) => Boolean(v.cleanup || v['delete-only'])

function notice(flag: string, replacement: string): string {
  return `\n    ### DEPRECATION NOTICE: ${flag} ###\n\n    This option is deprecated and will be removed in a future release. Please use ${replacement} instead.\n    \n`
}

function check(v: CreateValues): void {
  const rollback = Boolean(v.rollback)
  const cleanup = cleanupOf(v)
  const withPrestage = Boolean(v['with-prestage'])
  const kubeUpgrade = Boolean(v['kube-upgrade'])
  if ((v['sysadmin-password'] || v['sysadmin-password-stdin']) && !withPrestage)
    throw new UsageError('--sysadmin-password can only be used with --with-prestage')
  if (!v['release-id'] && !rollback && !cleanup)
    throw new UsageError('The --release-id is required to create a deploy strategy.')
  if (v.snapshot && (rollback || cleanup))
    throw new UsageError('Option --snapshot cannot be used with any of the following options: --rollback or --cleanup.')
  if (deleteOf(v) && (rollback || cleanup))
    throw new UsageError('Option --delete cannot be used with any of the following options: --rollback or --cleanup.')
  if (rollback && (v['release-id'] || cleanup || withPrestage || kubeUpgrade))
    throw new UsageError(
      'Option --rollback cannot be used with any of the following options: --release-id, --cleanup, --with-prestage or --kube-upgrade.',
    )
  if (cleanup && (v['release-id'] || withPrestage || kubeUpgrade))
    throw new UsageError(
      'Option --cleanup cannot be used with any of the following options: --release-id, --with-prestage or --kube-upgrade.',
    )
}

function showRows(extra: Record<string, unknown> | null): Array<[string, Cell]> {
  if (!extra)
    return [
      ['release_id', ''],
      ['snapshot', false],
      ['rollback', false],
      ['delete_option', null],
      ['with_prestage', null],
      ['kube_upgrade', null],
    ]
  const cell = (value: unknown): Cell => (value === undefined ? null : (value as Cell))
  return [
    ['release_id', cell(extra.release_id)],
    ['snapshot', cell(extra.snapshot)],
    ['rollback', cell(extra.rollback)],
    ['delete_option', extra.delete ? 'delete' : extra.cleanup ? 'cleanup' : null],
    ['with_prestage', extra.with_prestage ? 'with_prestage' : null],
    ['kube_upgrade', extra.kube_upgrade === undefined ? '' : cell(extra.kube_upgrade)],
  ]
}

export const swDeploy = clientDeclaration(strategyDeclaration('sw-deploy'), {
  subject: 'software deployment',
  options: [
    {name: 'release-id', kind: 'string', description: 'The release to be deployed.'},
    {name: 'snapshot', kind: 'boolean', description: 'Create an ostree snapshot before the deployment.'},
    {name: 'rollback', kind: 'boolean', description: 'Rollback the deployment in progress.'},
    {name: 'delete', kind: 'boolean', description: 'Delete the release after the deployment completes.'},
    {name: 'cleanup', kind: 'boolean', description: 'Clean up a completed deployment.'},
    {name: 'with-delete', kind: 'boolean', description: 'Deprecated: use --delete.', deprecatedFor: '--delete'},
    {name: 'delete-only', kind: 'boolean', description: 'Deprecated: use --cleanup.', deprecatedFor: '--cleanup'},
    {name: 'with-prestage', kind: 'boolean', description: 'Prestage the release before deploying it.'},
    {name: 'kube-upgrade', kind: 'string', description: 'Upgrade Kubernetes to this version after the deployment.'},
  ],
  password: {
    needed: (v) => Boolean(v['with-prestage']),
    beforeChecks: false,
    description:
      'sysadmin password of the subclouds, only with --with-prestage; prompted if not provided [env: DCM_SYSADMIN_PASSWORD]',
  },
  notices: (v) => [
    ...(v['with-delete'] ? [notice('--with-delete', '--delete')] : []),
    ...(v['delete-only'] ? [notice('--delete-only', '--cleanup')] : []),
  ],
  check,
  body: (v, password) => ({
    ...(v['release-id'] ? {release_id: v['release-id']} : {}),
    ...(v['with-prestage'] ? {sysadmin_password: password} : {}),
    snapshot: Boolean(v.snapshot),
    rollback: Boolean(v.rollback),
    delete: deleteOf(v),
    cleanup: cleanupOf(v),
    with_prestage: Boolean(v['with-prestage']),
    kube_upgrade: v['kube-upgrade'] ? v['kube-upgrade'] : null,
  }),
  showRows,
})
