import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {OperationError} from '../../../src/core/errors.js'
import {STATE_FILE} from '../../../src/lab/lab-store.js'
import {subcloudShellEnvironment} from '../../../src/lab/sysinv/sysinv-env.js'

let dataDir: string
const scEnv = {OS_AUTH_URL: 'http://127.0.0.1:4567/identity/v3', OS_REGION_NAME: 'RegionOne', OS_USERNAME: 'admin'}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-sysinv-env-'))
  const subclouds = [{name: 'subcloud1', regionName: '2ec93dfb654846909efe61d1b39dd2ce'}]
  await fs.writeFile(path.join(dataDir, STATE_FILE), JSON.stringify({subclouds}))
})

afterAll(async () => {
  await fs.rm(dataDir, {recursive: true, force: true})
})

describe('subcloudShellEnvironment (dcm lab env --subcloud)', () => {
  it("keeps the lab's Keystone and switches to the subcloud's region and sysinv", async () => {
    const shell = await subcloudShellEnvironment(dataDir, 'http://127.0.0.1:4567/', scEnv, 'subcloud1')
    expect(shell).toEqual({
      env: {...scEnv, OS_REGION_NAME: '2ec93dfb654846909efe61d1b39dd2ce'},
      regionName: '2ec93dfb654846909efe61d1b39dd2ce',
      sysinvUrl: 'http://127.0.0.1:4567/sysinv/2ec93dfb654846909efe61d1b39dd2ce/v1',
    })
  })

  it('names the subclouds the lab has when the name is unknown', async () => {
    const attempt = subcloudShellEnvironment(dataDir, 'http://127.0.0.1:4567', scEnv, 'subcloud9')
    await expect(attempt).rejects.toThrow(OperationError)
    await expect(attempt).rejects.toThrow('Subcloud subcloud9 not found in the lab in ' + dataDir)
    await expect(attempt).rejects.toMatchObject({hint: 'the lab has: subcloud1'})
  })
})
