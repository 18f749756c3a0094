import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'
import {bootstrapValues, fixtureDir, type FixtureDir} from '../helpers/subcloud-fixtures.js'

/**
 * `dcm subcloud add` with several bootstrap values files (issue 4, Build §3 "Batch") against a started `dcm lab`
 * whose simulated deployer fails one named subcloud: the others still reach complete, the summary lists every
 * subcloud, and the exit code is the worst one. Bad batches (a conflict between two files, an address count that
 * does not match) exit 2 before anything is sent.
 */
describe('dcm subcloud add with several bootstrap values files', () => {
  let lab: TestLab
  let files: FixtureDir
  const password = 'Lab-Sysadmin-4417'
  const dcm = (...args: string[]) => runDcm(args, {env: {...lab.env, DCM_SYSADMIN_PASSWORD: password}})
  const subcloudPosts = () => lab.requests.filter((r) => r.method === 'POST' && /\/v1\.0\/subclouds\/?$/.test(r.path))

  /** A valid simplex file whose management and OAM networks are its own (index 1..n: no overlap between them). */
  const site = (name: string, index: number) =>
    bootstrapValues(name, {
      management_subnet: `192.168.${110 + index}.0/24`,
      management_start_address: `192.168.${110 + index}.2`,
      management_end_address: `192.168.${110 + index}.50`,
      management_gateway_address: `192.168.${110 + index}.1`,
      external_oam_subnet: `10.10.${30 + index}.0/24`,
      external_oam_gateway_address: `10.10.${30 + index}.1`,
      external_oam_floating_address: `10.10.${30 + index}.12`,
    })

  beforeAll(async () => {
    lab = await startTestLab({failFor: ['batch-b']})
    files = fixtureDir()
  })
  afterAll(async () => {
    await lab.stop()
    files.cleanup()
  })

  it('3 files, --parallel 2 --wait, one deploy fails: the other two complete, all three summarised, exit 1', async () => {
    const names = ['batch-a', 'batch-b', 'batch-c']
    const args = names.flatMap((name, i) => [
      '--bootstrap-values',
      files.write(`${name}.yml`, site(name, i + 1)),
      '--bootstrap-address',
      `10.10.${31 + i}.12`,
    ])
    const result = await dcm(
      'subcloud',
      'add',
      ...args,
      '--parallel',
      '2',
      '--wait',
      '--no-preflight',
      '--poll-interval',
      '50',
      '-f',
      'json',
    )
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout)).toEqual([
      {
        name: 'batch-a',
        'bootstrap address': '10.10.31.12',
        result: 'complete',
        'deploy status': 'complete',
        detail: '',
      },
      {
        name: 'batch-b',
        'bootstrap address': '10.10.32.12',
        result: 'failed',
        'deploy status': 'bootstrap-failed',
        detail: expect.stringMatching(/^subcloud batch-b deployment failed: bootstrap-failed/),
      },
      {
        name: 'batch-c',
        'bootstrap address': '10.10.33.12',
        result: 'complete',
        'deploy status': 'complete',
        detail: '',
      },
    ])
    expect(result.stderr).toMatch(/Error: 1 of 3 subclouds were not added and deployed: batch-b\n/)
    // Progress lines start with the subcloud they are about (after the timestamp).
    const progress = result.stderr.split('\n').filter((line) => /^\d{4}-\d\d-\d\dT/.test(line))
    expect(progress.length).toBeGreaterThan(3)
    for (const line of progress) expect(line).toMatch(/^\S+ batch-[abc]: /)
    expect(subcloudPosts()).toHaveLength(3)

    // Sorted: with --parallel 2 the lab may number the subclouds in either order of arrival.
    const list = await dcm('subcloud', 'list', '-f', 'csv', '-c', 'name', '-c', 'deploy_status')
    expect(list.stdout.trim().split('\n').sort()).toEqual([
      '"batch-a","complete"',
      '"batch-b","bootstrap-failed"',
      '"batch-c","complete"',
      '"name","deploy_status"',
    ])
  })

  it('a directory with an addresses.yml map, table output; overlap with a live subcloud is exit 2, nothing sent', async () => {
    const dir = fixtureDir()
    try {
      dir.write('one.yml', site('dir-one', 4))
      dir.write('two.yml', site('dir-two', 5))
      dir.write('addresses.yml', 'dir-one: 10.10.34.12\ndir-two: 10.10.35.12\n')
      const before = subcloudPosts().length
      const added = await dcm('subcloud', 'add', '--bootstrap-values', dir.dir, '--no-preflight', '--parallel', '2')
      expect({code: added.code, stderr: added.stderr}).toEqual({code: 0, stderr: ''})
      expect(added.stdout).toMatch(/\| dir-one +\| 10\.10\.34\.12 +\| added +\| \S+ +\| +\|/)
      expect(added.stdout).toMatch(/\| dir-two +\| 10\.10\.35\.12 +\| added +\| \S+ +\| +\|/)
      expect(subcloudPosts().length).toBe(before + 2)

      // Adding the same directory again: both files now overlap live subclouds; nothing is sent.
      const again = await dcm('subcloud', 'add', '--bootstrap-values', dir.dir, '--no-preflight')
      expect(again.code).toBe(2)
      expect(again.stderr).toMatch(/^Error: .*one\.yml:\d+:\d+/m)
      expect(subcloudPosts().length).toBe(before + 2)
    } finally {
      dir.cleanup()
    }
  })

  it('a conflict between two files of the batch, or a missing address, exits 2 before anything is sent', async () => {
    const before = subcloudPosts().length
    const first = files.write('clash-1.yml', site('clash-1', 6))
    // Same management subnet as clash-1: each file alone is valid, together they conflict.
    const second = files.write('clash-2.yml', site('clash-2', 6).replace(/10\.10\.36\./g, '10.10.37.'))
    const clash = await dcm(
      'subcloud',
      'add',
      '--bootstrap-values',
      first,
      '--bootstrap-address',
      '10.10.36.12',
      '--bootstrap-values',
      second,
      '--bootstrap-address',
      '10.10.37.12',
      '--no-preflight',
    )
    expect(clash.code).toBe(2)
    expect(clash.stderr).toMatch(/^Error: .*clash-2\.yml:\d+:\d+: .* overlaps .* of clash-1 /m)

    const missing = await dcm('subcloud', 'add', '--bootstrap-values', first, '--bootstrap-values', second)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/clash-1\.yml: no bootstrap address/)
    expect(subcloudPosts().length).toBe(before)
  })
})
