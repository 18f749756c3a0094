import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, expect, test} from '@jest/globals'

import {runDcm} from '../helpers/cli.js'

/**
 * The two-site lab commands through the built CLI, as an operator types them: `dcm lab start --site NAME`
 * (a data dir per site, the system named NAME), `dcm lab status --site`, `dcm lab peer A B`, `dcm lab stop --site`.
 */
let stateHome: string
let env: Record<string, string>

beforeAll(async () => {
  stateHome = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-geo-cli-'))
  env = {XDG_STATE_HOME: stateHome, XDG_CACHE_HOME: path.join(stateHome, 'cache')}
})
afterAll(async () => {
  for (const site of ['site-a', 'site-b']) await runDcm(['lab', 'stop', '--site', site], {env})
  await fs.rm(stateHome, {recursive: true, force: true})
})

test('two sites started by name, peered, each showing its own system', async () => {
  for (const site of ['site-a', 'site-b']) {
    const started = await runDcm(['lab', 'start', '--site', site, '--detach', '--deployer', 'simulated'], {env})
    expect(started.stderr).toBe('')
    expect(started.code).toBe(0)
    expect(started.stdout).toContain(path.join(stateHome, 'dcm', 'lab-sites', site))
  }
  const status = await runDcm(['lab', 'status', '--site', 'site-b', '-f', 'json'], {env})
  const shown = JSON.parse(status.stdout) as Record<string, string>
  expect(shown).toMatchObject({state: 'running', system_name: 'site-b', system_mode: 'duplex'})
  expect(shown.system_uuid).toMatch(/^[0-9a-f-]{36}$/)

  const peer = await runDcm(['lab', 'peer', 'site-a', 'site-b', '--heartbeat-interval', '10', '-f', 'json'], {env})
  expect(peer.stderr).toBe('')
  const rows = JSON.parse(peer.stdout) as Array<Record<string, unknown>>
  expect(rows.map((row) => [row.site, row.peer_name, row.system_peer_id, row.created])).toEqual([
    ['site-a', 'site-b', 1, true],
    ['site-b', 'site-a', 1, true],
  ])
  expect(rows[1].system_uuid).toBe(shown.system_uuid)
  const again = await runDcm(['lab', 'peer', 'site-b', 'site-a', '-f', 'value', '-c', 'created'], {env})
  expect(again.stdout).toBe('False\nFalse\n')

  const bad = await runDcm(['lab', 'status', '--site', 'Site_A'], {env})
  expect(bad.code).toBe(2)
  expect(bad.stderr).toMatch(/^Error: --site must be lowercase letters, digits and '-'/)
  const missing = await runDcm(['lab', 'peer', 'site-a', 'site-c'], {env})
  expect(missing.code).toBe(1)
  expect(missing.stderr).toMatch(/^Error: No lab is running in .*lab-sites\/site-c/)
})
