import {afterAll, describe, expect, it} from '@jest/globals'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type {Subcloud} from '../../../src/core/api/dcmanager-types.js'
import {encodeMultipart} from '../../../src/core/api/multipart.js'
import {redactBody} from '../../../src/core/api/transport.js'
import {UsageError} from '../../../src/core/errors.js'
import {buildAddForm, checkAddRequest, describeForm} from '../../../src/core/subclouds/add.js'
import {alarmRow, SUBCLOUD_LIST_DETAIL, subcloudShow} from '../../../src/core/subclouds/columns.js'
import {addSteps, deployOutcome, stepOf} from '../../../src/core/subclouds/deploy-status.js'
import {buildUpdateForm, checkUpdateRequest, manageForm, unmanageForm} from '../../../src/core/subclouds/update.js'

describe('multipart encoding (dcmanager-api.md §1.5)', () => {
  it('string parts carry only Content-Disposition; files add the typed filename', () => {
    const {body, contentType} = encodeMultipart(
      [
        {name: 'bootstrap_values', filename: 'dir/sc1.yml', value: Buffer.from('name: sc1\n')},
        {name: 'bootstrap-address', value: '10.10.10.12'},
      ],
      'BOUNDARY',
    )
    expect(contentType).toBe('multipart/form-data; boundary=BOUNDARY')
    expect(body.toString()).toBe(
      '--BOUNDARY\r\nContent-Disposition: form-data; name="bootstrap_values"; filename="dir/sc1.yml"\r\n\r\nname: sc1\n\r\n' +
        '--BOUNDARY\r\nContent-Disposition: form-data; name="bootstrap-address"\r\n\r\n10.10.10.12\r\n--BOUNDARY--\r\n',
    )
  })

  it('debug redaction hides password fields of JSON and multipart bodies by key', () => {
    expect(redactBody('{"auth": {"password": "p@ss\\"x", "name": "admin"}}')).toBe(
      '{"auth": {"password": "<redacted>", "name": "admin"}}',
    )
    const form = encodeMultipart([{name: 'sysadmin_password', value: 'c2VjcmV0'}], 'B').body.toString()
    expect(redactBody(form, 'multipart/form-data; boundary=B')).not.toContain('c2VjcmV0')
  })
})

describe('subcloud add preparation', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-addlib-'))
  const values = path.join(dir, 'v.yml')
  writeFileSync(values, 'name: sc1\n')
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('upstream client checks and messages', async () => {
    const base = {bootstrapAddress: '10.10.10.12', bootstrapValues: values}
    await expect(checkAddRequest(base)).resolves.toBeUndefined()
    await expect(checkAddRequest({...base, installValues: path.join(dir, 'none.yml')})).rejects.toThrow(
      `install-values does not exist: ${path.join(dir, 'none.yml')}`,
    )
    await expect(checkAddRequest({...base, bootstrapValues: dir})).rejects.toThrow(
      `bootstrap-values does not exist: ${dir}`,
    )
    await expect(checkAddRequest({...base, migrate: true, deployConfig: values})).rejects.toThrow(
      'migrate with deploy-config is not allowed',
    )
    await expect(checkAddRequest({...base, name: 'x'})).rejects.toBeInstanceOf(UsageError)
  })

  it('form: files first, then strings; passwords base64; name only with migrate', async () => {
    const fields = await buildAddForm(
      {
        bootstrapAddress: '10.10.10.12',
        bootstrapValues: values,
        group: '2',
        release: '24.09',
        migrate: true,
        name: 'sc1',
      },
      {sysadminPassword: 'pw'},
    )
    expect(fields.map((f) => [f.name, f.filename ?? f.value.toString()])).toEqual([
      ['bootstrap_values', values],
      ['bootstrap-address', '10.10.10.12'],
      ['sysadmin_password', 'cHc='],
      ['group_id', '2'],
      ['release', '24.09'],
      ['migrate', 'true'],
      ['name', 'sc1'],
    ])
    const shown = describeForm('POST', 'http://x/v1.0/subclouds/', fields)
    expect(shown.values[shown.fields.indexOf('sysadmin_password')]).toBe('<redacted>')
  })
})

describe('update forms and checks', () => {
  it('manage/unmanage bodies', () => {
    expect(manageForm(true)).toEqual([
      {name: 'management-state', value: 'managed'},
      {name: 'force', value: 'true'},
    ])
    expect(unmanageForm(true)).toEqual([
      {name: 'management-state', value: 'unmanaged'},
      {name: 'migrate', value: 'true'},
    ])
  })

  /** All five network reconfiguration options, valid. */
  const all = {
    managementSubnet: '192.168.110.0/24',
    managementGatewayIp: '192.168.110.1',
    managementStartIp: '192.168.110.2',
    managementEndIp: '192.168.110.50',
    bootstrapAddress: '10.10.10.12',
  }

  it('network reconfiguration needs all five options and the sysadmin password', async () => {
    await expect(checkUpdateRequest({})).rejects.toThrow('Nothing to update')
    await expect(checkUpdateRequest({managementSubnet: '192.168.110.0/24'})).rejects.toThrow(
      /all the following parameters are necessary/,
    )
    await expect(checkUpdateRequest(all)).resolves.toEqual({sysadminPassword: true, bmcPassword: false})
    await expect(checkUpdateRequest({bootstrapAddress: '10.10.10.13'})).resolves.toEqual({
      sysadminPassword: false,
      bmcPassword: false,
    })
  })

  it("checks the new network with the server's rules before sending, naming the options", async () => {
    await expect(checkUpdateRequest({...all, managementSubnet: '192.168.110.0/30'})).rejects.toThrow(
      new UsageError('--management-subnet invalid: Subnet too small - must have at least 8 addresses'),
    )
    await expect(checkUpdateRequest({...all, managementEndIp: '192.168.111.50'})).rejects.toThrow(
      new UsageError('--management-end-ip invalid: Address must be in subnet 192.168.110.0/24'),
    )
    await expect(checkUpdateRequest({...all, managementStartIp: '192.168.110.60'})).rejects.toThrow(
      new UsageError('--management-start-ip greater than --management-end-ip'),
    )
    await expect(checkUpdateRequest({...all, managementGatewayIp: '192.168.110.7'})).rejects.toThrow(
      new UsageError('--management-gateway-ip invalid, is within management pool: 192.168.110.2 - 192.168.110.50'),
    )
  })

  it("counts an empty option as not given, as the upstream client's truthiness checks", async () => {
    await expect(checkUpdateRequest({description: ''})).rejects.toThrow('Nothing to update')
    // An empty management option does not start a reconfiguration: only the bootstrap address is sent.
    await expect(checkUpdateRequest({managementSubnet: '', bootstrapAddress: '10.10.10.13'})).resolves.toEqual({
      sysadminPassword: false,
      bmcPassword: false,
    })
    const form = await buildUpdateForm({description: '', location: 'YOW'}, {})
    expect(form).toEqual([{name: 'location', value: 'YOW'}])
  })
})

describe('deploy status', () => {
  it('classifies resting and failure states', () => {
    expect(
      ['complete', 'bootstrap-failed', 'bootstrap-aborted', 'bootstrapping', 'create-complete'].map(deployOutcome),
    ).toEqual(['complete', 'failed', 'failed', 'in-progress', 'in-progress'])
  })

  it('numbers the happy path of an add (§3.2)', () => {
    expect(addSteps()).toEqual([
      'not-deployed',
      'creating',
      'create-complete',
      'pre-bootstrap',
      'bootstrapping',
      'bootstrap-complete',
      'complete',
    ])
    const full = addSteps({installValues: true, deployConfig: true})
    expect(full.length).toBe(12)
    expect(stepOf('installing', full)).toBe(5)
    expect(stepOf('rehoming', full)).toBeUndefined()
  })
})

describe('columns', () => {
  it('-d inserts sync after deploy_status (22 columns)', () => {
    expect(SUBCLOUD_LIST_DETAIL).toHaveLength(22)
    expect(SUBCLOUD_LIST_DETAIL.slice(7, 10)).toEqual(['deploy_status', 'sync', 'management_subnet'])
  })

  it('show hides oam_floating_ip "unavailable" and deploy_config_sync_status "unknown"', () => {
    const subcloud = {
      id: 3,
      name: 'x',
      'region-name': 'r',
      oam_floating_ip: 'unavailable',
      deploy_config_sync_status: 'unknown',
      endpoint_sync_status: [{endpoint_type: 'platform', sync_status: 'unknown'}],
    } as unknown as Subcloud
    // region_name is `subcloud show`'s alone (dcmanager's detail_show_format); add/manage/update print without it.
    expect(subcloudShow(subcloud).fields.slice(21)).toEqual(['platform_sync_status'])
    expect(subcloudShow(subcloud, {region: true}).fields.slice(21)).toEqual(['platform_sync_status', 'region_name'])
  })

  it('alarm counts below zero and a missing name are "-"', () => {
    expect(
      alarmRow({
        region_name: null,
        critical_alarms: -1,
        major_alarms: 0,
        minor_alarms: 2,
        warnings: -1,
        cloud_status: 'OK',
      }),
    ).toEqual(['-', '-', 0, 2, '-', 'OK'])
  })
})
