import {describe, expect, it} from '@jest/globals'

import {buildCreateRequest, prepareCreate} from '../../../src/core/api/strategies/create-request.js'
import {fwUpdate} from '../../../src/core/api/strategies/fw-update.js'
import {kubeRootcaUpdate} from '../../../src/core/api/strategies/kube-rootca-update.js'
import {kubeUpgrade} from '../../../src/core/api/strategies/kube-upgrade.js'
import {prestage} from '../../../src/core/api/strategies/prestage.js'
import {swDeploy} from '../../../src/core/api/strategies/sw-deploy.js'
import type {CreateValues, StrategyDeclaration} from '../../../src/core/api/strategies/declaration.js'
import {UsageError} from '../../../src/core/errors.js'
import {specBlock} from './spec-text.js'

/** Python's json.dumps of an insertion-ordered dict: what upstream's client puts on the wire. */
function pythonDumps(value: Record<string, unknown>): string {
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')}}`
}

async function body(declaration: StrategyDeclaration, values: CreateValues, password = 'pw'): Promise<string> {
  return pythonDumps(await prepareCreate(declaration, values, {password: async () => password}))
}

describe('create bodies (orchestration.md §2.2, the captured examples)', () => {
  const captured = specBlock('type-specific keys, then `"type"` last. Examples (captured):').trim().split('\n')

  it('are byte-equal to upstream for each family, keys in upstream order', async () => {
    expect(await body(fwUpdate, {'stop-on-failure': true})).toBe(captured[0])
    expect(await body(kubeUpgrade, {'to-version': '1.29.2'})).toBe(captured[1])
    expect(await body(kubeRootcaUpdate, {subject: 'C=CA CN=x', 'expiry-date': '2030-01-01', force: true})).toBe(
      captured[2],
    )
    expect(await body(prestage, {release: '25.09', 'for-install': true, force: true}, 'pw')).toBe(captured[3])
    expect(await body(swDeploy, {cloud_name: 'subcloud1', 'release-id': 'stx-25.09.1', 'with-delete': true})).toBe(
      captured[4],
    )
  })

  it('puts the common keys first and drops a max-parallel of 0, as upstream does', async () => {
    expect(
      await body(fwUpdate, {'subcloud-apply-type': 'parallel', 'max-parallel-subclouds': 5, 'stop-on-failure': true}),
    ).toBe(
      '{"subcloud-apply-type": "parallel", "max-parallel-subclouds": 5, "stop-on-failure": "true", "type": "firmware"}',
    )
    expect(await body(fwUpdate, {'max-parallel-subclouds': 0})).toBe('{"type": "firmware"}')
    expect(await body(fwUpdate, {group: '12'})).toBe('{"subcloud_group": "12", "type": "firmware"}')
  })

  it('sends prestage for-sw-deploy instead of the default for-install, and sw-deploy with prestage', async () => {
    expect(await body(prestage, {'for-sw-deploy': true})).toBe(
      '{"sysadmin_password": "cHc=", "for_sw_deploy": "true", "type": "prestage"}',
    )
    expect(await body(swDeploy, {'release-id': 'r1', 'with-prestage': true, 'kube-upgrade': 'v1.30.1'})).toBe(
      '{"release_id": "r1", "sysadmin_password": "cHc=", "snapshot": false, "rollback": false, "delete": false, "cleanup": false, "with_prestage": true, "kube_upgrade": "v1.30.1", "type": "sw-deploy"}',
    )
  })

  it('prints the deprecation notices of --with-delete and --delete-only', () => {
    const {notices} = buildCreateRequest(swDeploy, {'with-delete': true, 'delete-only': false, 'release-id': 'r'})
    expect(notices).toEqual([
      '\n    ### DEPRECATION NOTICE: --with-delete ###\n\n    This option is deprecated and will be removed in a future release. Please use --delete instead.\n    \n',
    ])
  })
})

describe('client checks (orchestration.md §2.2, §2.3), in upstream order', () => {
  const refused = async (declaration: StrategyDeclaration, values: CreateValues) => {
    const asked: string[] = []
    const error = await prepareCreate(declaration, values, {
      password: async () => {
        asked.push('password')
        return 'pw'
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(UsageError)
    return {message: (error as Error).message, asked}
  }

  it('checks --group first: cloud name, apply type, max parallel', async () => {
    expect((await refused(fwUpdate, {group: 'g', cloud_name: 'sc1', 'subcloud-apply-type': 'serial'})).message).toBe(
      'The cloud_name and group options are mutually exclusive.',
    )
    expect((await refused(fwUpdate, {group: 'g', 'subcloud-apply-type': 'serial'})).message).toBe(
      'The --subcloud-apply-type is not supported when --group option is applied.',
    )
    expect((await refused(fwUpdate, {group: 'g', 'max-parallel-subclouds': 3})).message).toBe(
      'The --max-parallel-subclouds options is not supported when --group option is applied.',
    )
  })

  it('checks sw-deploy options in order, before asking for the password', async () => {
    const cases: Array<[CreateValues, string]> = [
      [{'sysadmin-password': 'x', 'release-id': 'r'}, '--sysadmin-password can only be used with --with-prestage'],
      [{}, 'The --release-id is required to create a deploy strategy.'],
      [
        {snapshot: true, rollback: true},
        'Option --snapshot cannot be used with any of the following options: --rollback or --cleanup.',
      ],
      [
        {'with-delete': true, 'delete-only': true},
        'Option --delete cannot be used with any of the following options: --rollback or --cleanup.',
      ],
      [
        {rollback: true, 'kube-upgrade': 'v1'},
        'Option --rollback cannot be used with any of the following options: --release-id, --cleanup, --with-prestage or --kube-upgrade.',
      ],
      [
        {cleanup: true, 'with-prestage': true},
        'Option --cleanup cannot be used with any of the following options: --release-id, --with-prestage or --kube-upgrade.',
      ],
    ]
    for (const [values, message] of cases) {
      const result = await refused(swDeploy, {...values, 'with-prestage': values['with-prestage']})
      expect(result).toEqual({message, asked: []})
    }
  })

  it('asks the prestage password before the --for-install/--for-sw-deploy check, as upstream', async () => {
    expect(await refused(prestage, {'for-install': true, 'for-sw-deploy': true})).toEqual({
      message: 'Options --for-install and --for-sw-deploy cannot be combined',
      asked: ['password'],
    })
  })
})
