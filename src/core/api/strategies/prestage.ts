import {UsageError} from '../../errors.js'
import {strategyDeclaration} from '../../orchestration/strategy-types.js'
import {clientDeclaration} from './declaration.js'

/**
 * `prestage-strategy` (orchestration.md §2.3): the sysadmin password is asked first, before the
 * --for-install/--for-sw-deploy check; for-install is the default.
 */
export const prestage = clientDeclaration(strategyDeclaration('prestage'), {
  subject: 'subcloud prestage',
  options: [
    {
      name: 'release',
      kind: 'string',
      description:
        'Name of the subcloud release to prestage. Format: YY.MM or YY.MM.nn. Defaults to the system controller release.',
    },
    {name: 'for-install', kind: 'boolean', description: 'Prestage for installation (the default).'},
    {name: 'for-sw-deploy', kind: 'boolean', description: 'Prestage for software deploy.'},
    {name: 'force', kind: 'boolean', description: 'Skip checking the subcloud for management affecting alarms.'},
  ],
  password: {
    needed: () => true,
    beforeChecks: true,
    description: 'sysadmin password of the subclouds, will be prompted if not provided [env: DCM_SYSADMIN_PASSWORD]',
  },
  check(values) {
    if (values['for-install'] && values['for-sw-deploy'])
      throw new UsageError('Options --for-install and --for-sw-deploy cannot be combined')
  },
  body: (values, password) => ({
    sysadmin_password: password,
    ...(values.release ? {release: values.release} : {}),
    ...(values['for-sw-deploy'] ? {for_sw_deploy: 'true'} : {for_install: 'true'}),
    ...(values.force ? {force: 'true'} : {}),
  }),
  showRows: (extra) =>
    extra?.['prestage-software-version']
      ? [['prestage software version', String(extra['prestage-software-version'])]]
      : [],
})
