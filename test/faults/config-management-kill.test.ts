import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {repoRoot, runDcm} from '../helpers/cli.js'
import {waitFor} from '../helpers/lab.js'
import {type NetnsLab, createNetnsLab, netnsSkipReason} from '../helpers/netns.js'

/**
 * kill -9 of config-management in the middle of applying (no rollback can run), in a throwaway namespace: the
 * undo record is a journal written ahead of each change, so `--undo` afterwards still takes back every change the
 * killed run made, and the host ends exactly as it started.
 */
const skipReason = netnsSkipReason()
if (skipReason) process.stdout.write(`config-management kill -9 test skipped: ${skipReason}\n`)
const describeNetns = skipReason ? describe.skip : describe

describeNetns('config-management killed mid-apply', () => {
  let lab: NetnsLab
  let scratch: string

  beforeAll(async () => {
    lab = await createNetnsLab()
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-faults-cm-kill-'))
  }, 30_000)
  afterAll(async () => {
    await lab?.close()
    if (scratch) rmSync(scratch, {recursive: true, force: true})
  })

  it('after kill -9, --undo restores the host from the journal', async () => {
    lab.reset()
    const before = lab.snapshot()
    const recordDir = path.join(scratch, 'records')
    const common = ['--netns', lab.controller, '--lldp-socket', lab.lldpSocket, '--record-dir', recordDir]
    // The route step stalls (test-only fault injection) after the link and the address are applied.
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'run.js'),
        'config-management',
        ...common,
        '--log-file',
        path.join(scratch, 'cm.log'),
        '--interface',
        lab.iface,
        '--address',
        '192.168.101.10/24',
        '--system-controller-subnet',
        '192.168.204.0/24',
        '--gateway',
        '192.168.101.1',
        '--yes',
        '--lldp-timeout',
        '0',
      ],
      {
        env: {
          ...process.env,
          // Faults through the Executor interface of the built CLI (test/helpers/netconfig-faults-preload.mjs).
          NODE_OPTIONS: `--import ${path.join(repoRoot, 'test', 'helpers', 'netconfig-faults-preload.mjs')}`,
          // The preload patches dist/'s executor module, which the bundled start does not load.
          DCM_NO_BUNDLE: '1',
          TEST_NETCONFIG_STALL_AT: 'route',
          NO_COLOR: '1',
        },
        stdio: 'ignore',
      },
    )
    const exited = new Promise((resolve) => child.on('exit', resolve))
    const recordFile = () => {
      const names = existsSync(recordDir) ? readdirSync(recordDir).filter((name) => !name.startsWith('.')) : []
      return names.length === 1 ? path.join(recordDir, names[0]) : undefined
    }
    // The journal names the route (written ahead, before the stalled step) while the address is in place.
    await waitFor(
      () => {
        const file = recordFile()
        return file ? readFileSync(file, 'utf8') : ''
      },
      (text) => text.includes('"kind": "route"'),
      60_000,
    )
    expect(lab.ip('-j', 'addr', 'show', 'dev', lab.iface)).toContain('192.168.101.10')
    child.kill('SIGKILL')
    await exited
    expect(lab.snapshot()).not.toEqual(before)

    const undo = await runDcm(['config-management', ...common, '--undo', '--yes'])
    expect(undo.stderr).toBe('')
    expect(undo.code).toBe(0)
    expect(lab.snapshot()).toEqual(before)
    expect(recordFile()).toBeUndefined()
  }, 120_000)
})
