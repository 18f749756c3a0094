import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {FaultServer} from '../faults/fault-server.js'
import {runDcm} from '../helpers/cli.js'

/**
 * The strategy commands' client checks (orchestration.md §2.2, §2.3) through the built CLI: upstream's text,
 * exit 2, and not one request sent (not even Keystone's), whatever the family. The fault server records every
 * request and answers none of the services: nothing here may reach it.
 */
describe('strategy create: client checks exit 2 and send nothing', () => {
  let faults: FaultServer
  const dcm = (args: string[], env: Record<string, string> = {}) => runDcm(args, {env: faults.env(env)})

  beforeAll(async () => {
    faults = await new FaultServer().start()
  })
  afterAll(async () => {
    await faults.stop()
  })

  const cases: Array<[string[], string]> = [
    [
      ['fw-update-strategy', 'create', 'sc1', '--group', 'g'],
      'The cloud_name and group options are mutually exclusive.',
    ],
    [
      ['kube-upgrade-strategy', 'create', '--group', 'g', '--subcloud-apply-type', 'serial'],
      'The --subcloud-apply-type is not supported when --group option is applied.',
    ],
    [
      ['kube-rootca-update-strategy', 'create', '--group', 'g', '--max-parallel-subclouds', '3'],
      'The --max-parallel-subclouds options is not supported when --group option is applied.',
    ],
    [['sw-deploy-strategy', 'create'], 'The --release-id is required to create a deploy strategy.'],
    [
      ['sw-deploy-strategy', 'create', '--rollback', '--release-id', 'r'],
      'Option --rollback cannot be used with any of the following options: --release-id, --cleanup, --with-prestage or --kube-upgrade.',
    ],
    [
      ['prestage-strategy', 'create', '--for-install', '--for-sw-deploy'],
      'Options --for-install and --for-sw-deploy cannot be combined',
    ],
  ]

  it.each(cases)('%j', async (args, message) => {
    const before = faults.requests.length
    const result = await dcm(args, {DCM_SYSADMIN_PASSWORD: 'Sysadmin-1'})
    expect({code: result.code, stderr: result.stderr, stdout: result.stdout}).toEqual({
      code: 2,
      stderr: `Error: ${message}\n`,
      stdout: '',
    })
    expect(faults.requests.length).toBe(before)
  })

  it('prestage without a terminal names the ways to give the password, exit 2, nothing sent', async () => {
    const before = faults.requests.length
    const result = await dcm(['prestage-strategy', 'create'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^Error: the sysadmin password is required: no terminal to prompt on\nHint: .*--sysadmin-password-stdin.*DCM_SYSADMIN_PASSWORD/,
    )
    expect(faults.requests.length).toBe(before)
  })

  it('rejects a bad --subcloud-apply-type before anything is sent', async () => {
    const before = faults.requests.length
    const result = await dcm(['fw-update-strategy', 'create', '--subcloud-apply-type', 'sideways'])
    expect(result.code).toBe(2)
    expect(faults.requests.length).toBe(before)
  })
})
