import {afterAll, describe, expect, it} from '@jest/globals'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {gzipSync} from 'node:zlib'

import type {DcmanagerClient} from '../../../src/core/api/dcmanager-client.js'
import type {Subcloud} from '../../../src/core/api/dcmanager-types.js'
import {ExitCode} from '../../../src/core/errors.js'
import type {DeployProgress} from '../../../src/core/flows/wait-for-deploy.js'
import {waitForPhase} from '../../../src/core/flows/wait-for-phase.js'
import type {PhaseCommand} from '../../../src/core/subclouds/phased-deploy.js'
import {isTarArchive} from '../../../src/core/subclouds/tar-archive.js'

/**
 * When a phase's --wait ends, and how: the phase's own end state is exit 0, a failure or an off-path resting state
 * exit 1 naming it, and the state the phase started from never ends it before the record moved. The subcloud's
 * deploy status walks a script, one entry per poll (the client's GET is the only call waitForPhase makes).
 */
function walk(statuses: string[]) {
  let polls = 0
  const record = (status: string, n: number) =>
    ({
      id: 1,
      name: 'sc1',
      'deploy-status': status,
      'updated-at': `t${n}`,
      'error-description': 'boom\nmore',
    }) as Subcloud
  const client = {
    subclouds: {
      get: async () => {
        const index = Math.min(polls++, statuses.length - 1)
        return record(statuses[index], index + 1)
      },
    },
  } as unknown as DcmanagerClient
  return {client, before: record(statuses[0], 0), polls: () => polls}
}

async function outcome(command: PhaseCommand, statuses: string[], before?: string) {
  const script = walk(statuses)
  const events: DeployProgress[] = []
  const start = before ? {...script.before, 'deploy-status': before, 'updated-at': 't0'} : script.before
  try {
    const done = await waitForPhase(script.client, command, 'sc1', {
      before: start,
      timeoutMs: 60_000,
      intervalMs: 1,
      onProgress: (event) => events.push(event),
    })
    return {code: ExitCode.ok, status: done['deploy-status'], events}
  } catch (error) {
    return {code: (error as {exitCode: number}).exitCode, message: (error as Error).message, events}
  }
}

describe('waitForPhase', () => {
  it('ends each phase at its own end state, with its steps', async () => {
    const install = await outcome('install', ['pre-install', 'installing', 'install-complete'], 'create-complete')
    expect(install).toMatchObject({code: 0, status: 'install-complete'})
    expect(install.events.map((e) => [e.status, e.step, e.steps])).toEqual([
      ['pre-install', 1, 3],
      ['installing', 2, 3],
      ['install-complete', 3, 3],
    ])
    expect(await outcome('abort', ['aborting-bootstrap', 'bootstrap-aborted'], 'bootstrapping')).toMatchObject({
      code: 0,
      status: 'bootstrap-aborted',
    })
    expect(
      await outcome('enroll', ['pre-init-enroll', 'enrolling', 'enroll-complete'], 'create-complete'),
    ).toMatchObject({
      code: 0,
      status: 'enroll-complete',
    })
  })

  it('a failure is exit 1 naming the state and the first line of the error description', async () => {
    expect(
      await outcome('bootstrap', ['pre-bootstrap', 'bootstrapping', 'bootstrap-failed'], 'install-complete'),
    ).toMatchObject({
      code: 1,
      message: 'subcloud sc1 bootstrap failed: bootstrap-failed: boom',
    })
    // An abort whose phase failed instead of stopping, and a config that stopped elsewhere, end the wait too.
    expect(await outcome('abort', ['aborting-config', 'config-failed'], 'configuring')).toMatchObject({code: 1})
    expect(await outcome('config', ['pre-config', 'install-complete'], 'bootstrap-complete')).toMatchObject({code: 1})
  })

  it('does not take the starting state for the end before the record moved (re-config from complete)', async () => {
    // The old record twice (same updated-at), then the phase's states.
    const records = [
      ['complete', 't0'],
      ['complete', 't0'],
      ['pre-config', 't1'],
      ['configuring', 't2'],
      ['complete', 't3'],
    ].map(([status, stamp]) => ({id: 1, name: 'sc1', 'deploy-status': status, 'updated-at': stamp}) as Subcloud)
    let polls = 0
    const client = {subclouds: {get: async () => records[Math.min(polls++, records.length - 1)]}}
    const done = await waitForPhase(client as unknown as DcmanagerClient, 'config', 'sc1', {
      before: records[0],
      timeoutMs: 60_000,
      intervalMs: 1,
    })
    expect(done['deploy-status']).toBe('complete')
    expect(polls).toBe(5)
  })

  it('a resume passes the resting states of its path (bootstrap-complete) and ends at complete', async () => {
    const resumed = await outcome(
      'resume',
      ['pre-bootstrap', 'bootstrapping', 'bootstrap-complete', 'complete'],
      'bootstrap-failed',
    )
    expect(resumed).toMatchObject({code: 0, status: 'complete'})
    expect(resumed.events.map((e) => e.steps)).toEqual([6, 6, 6, 6])
  })
})

describe('isTarArchive (python tarfile.is_tarfile)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-tar-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))
  const write = (name: string, data: string | Buffer) => {
    writeFileSync(path.join(dir, name), data)
    return path.join(dir, name)
  }

  it('takes a tar and a gzipped tar, refuses text, YAML and a short file', async () => {
    write('user-data', '#cloud-config\n')
    execFileSync('tar', ['-cf', path.join(dir, 'a.tar'), '-C', dir, 'user-data'])
    execFileSync('tar', ['-czf', path.join(dir, 'a.tgz'), '-C', dir, 'user-data'])
    expect(await isTarArchive(path.join(dir, 'a.tar'))).toBe(true)
    expect(await isTarArchive(path.join(dir, 'a.tgz'))).toBe(true)
    expect(await isTarArchive(write('b.yml', 'a: 1\n'.repeat(200)))).toBe(false)
    expect(await isTarArchive(write('c.gz', gzipSync('not a tar'.repeat(100))))).toBe(false)
    expect(await isTarArchive(write('d', 'x'))).toBe(false)
  })
})
