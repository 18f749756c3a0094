import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {startTestLab, type TestLab} from '../helpers/lab.js'
import {labFixture, postSubcloud} from '../helpers/lab-requests.js'

/**
 * The lab's disk fills up (a 1 MiB tmpfs as its data dir): a change the lab cannot write is not made. The API
 * answers failure, the in-memory state is rolled back (not listed now, not present after a restart), the cause is
 * reported (for lab.log), and once there is space again the same change works.
 */
const skip = process.getuid?.() !== 0 ? 'not root: mounting a small tmpfs needs root' : undefined

describe('lab on a full disk', () => {
  let mountPoint: string
  let lab: TestLab
  const failures: string[] = []
  const filler = () => path.join(mountPoint, 'filler')

  beforeAll(async () => {
    if (skip) return
    mountPoint = mkdtempSync(path.join(os.tmpdir(), 'dcm-faults-full-'))
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', mountPoint])
    lab = await startTestLab({dataDir: mountPoint})
    lab.store.on('persist-failed', (error: Error) => failures.push(error.message))
  })
  afterAll(async () => {
    if (skip) return
    await lab?.stop()
    execFileSync('umount', [mountPoint])
    rmSync(mountPoint, {recursive: true, force: true})
  })

  const fill = () => {
    // dd stops at ENOSPC (exit 1): the disk is then full to the last block.
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler()}`, 'bs=4k'], {stdio: 'ignore'})
    } catch {
      // expected: No space left on device
    }
  }
  const createGroup = (name: string) =>
    lab.api('/dcmanager/v1.0/subcloud-groups', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({name, description: name, update_apply_type: 'parallel', max_parallel_subclouds: 2}),
    })
  const groupNames = async () =>
    (
      (await (await lab.api('/dcmanager/v1.0/subcloud-groups')).json()) as {subcloud_groups: {name: string}[]}
    ).subcloud_groups.map((group) => group.name)
  const subcloudNames = async () =>
    ((await (await lab.api('/dcmanager/v1.0/subclouds')).json()) as {subclouds: {name: string}[]}).subclouds.map(
      (subcloud) => subcloud.name,
    )

  it('a change the disk refuses is answered as failed and not made; the cause is reported', async () => {
    if (skip) return console.log(`skipped: ${skip}`)
    expect((await createGroup('before')).status).toBe(200)
    fill()
    const group = await createGroup('lost-group')
    expect(group.status).toBeGreaterThanOrEqual(500)
    const subcloud = await postSubcloud(lab, labFixture('valid-simplex-ipv4'))
    expect(subcloud.status).toBeGreaterThanOrEqual(500)
    expect(await groupNames()).toEqual(['Default', 'before'])
    expect(await subcloudNames()).toEqual([])
    expect(failures.length).toBeGreaterThanOrEqual(2)
    expect(failures[0]).toBe(
      `cannot save the lab state ${path.join(mountPoint, 'state.json')} (ENOSPC): the change was not made`,
    )
  })

  it('after a restart the refused changes are absent; with space again the same change works', async () => {
    if (skip) return console.log(`skipped: ${skip}`)
    rmSync(filler())
    await lab.stop()
    lab = await startTestLab({dataDir: mountPoint})
    expect(await groupNames()).toEqual(['Default', 'before'])
    expect(await subcloudNames()).toEqual([])
    expect((await createGroup('lost-group')).status).toBe(200)
    expect(await groupNames()).toEqual(['Default', 'before', 'lost-group'])
  })
})
