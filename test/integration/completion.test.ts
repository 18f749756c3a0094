import {execFile, spawnSync} from 'node:child_process'
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {seedFleet} from '../../src/lab/scenarios/fleet.js'
import {repoRoot, runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'

/**
 * `dcm autocomplete`: the generated bash script driven by bash itself (COMP_WORDS in, COMPREPLY out), subcloud
 * names from a cached token only (the test lab records every request), and the zsh script's syntax.
 */
describe('dcm autocomplete', () => {
  let lab: TestLab
  let dir: string
  let script: string
  let env: Record<string, string>

  beforeAll(async () => {
    lab = await startTestLab()
    const [east, west] = await seedFleet(lab.store, {count: 2, prefix: 'sc-'})
    lab.store.updateSubcloud(lab.store.subcloudByName(east)!.id, {name: 'sc-east'})
    lab.store.updateSubcloud(lab.store.subcloudByName(west)!.id, {name: 'sc-west'})
    dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-completion-'))
    env = {...lab.env, DCCLIENT_NO_CACHE: '', XDG_CACHE_HOME: path.join(dir, 'cache')}
    // The scripts run "${COMP_WORDS[0]}" for names: a `dcm` that is this checkout, with the lab's settings.
    const dcm = path.join(dir, 'dcm')
    const exports = Object.entries(env).map(([key, value]) => `export ${key}='${value}'`)
    writeFileSync(
      dcm,
      ['#!/bin/sh', ...exports, `exec "${process.execPath}" "${repoRoot}/bin/run.js" "$@"`, ''].join('\n'),
    )
    chmodSync(dcm, 0o755)
    const bash = await runDcm(['autocomplete', 'bash'])
    expect(bash.code).toBe(0)
    script = path.join(dir, 'dcm.bash')
    writeFileSync(script, bash.stdout)
  })
  afterAll(async () => {
    await lab.stop()
    rmSync(dir, {recursive: true, force: true})
  })

  /**
   * What bash offers after typing `line` (a trailing space starts a new word). Asynchronous: the lab answering
   * the names lives in this process.
   */
  async function complete(line: string): Promise<string[]> {
    const words = line.split(' ')
    words[0] = path.join(dir, 'dcm')
    const program = [
      `source ${JSON.stringify(script)}`,
      `COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      '_dcm',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n')
    const {stdout} = await promisify(execFile)('bash', ['-c', program], {cwd: dir, encoding: 'utf8'})
    return stdout.split('\n').filter(Boolean)
  }

  it('completes topics, commands and flags', async () => {
    expect(await complete('dcm sub')).toEqual(['subcloud', 'subcloud-backup', 'subcloud-group', 'subcloud-peer-group'])
    expect(await complete('dcm subcloud li')).toEqual(['list'])
    expect(await complete('dcm lab host ')).toEqual(['add', 'list', 'remove'])
    expect(await complete('dcm subcloud add --bootstrap-v')).toEqual(['--bootstrap-values'])
  })

  it("completes flag values from the flags' declared options, by long name and by char", async () => {
    expect(await complete('dcm subcloud list -f ')).toEqual(['csv', 'json', 'table', 'value', 'yaml'])
    expect(await complete('dcm subcloud show --format j')).toEqual(['json'])
    expect(await complete('dcm subcloud add --ssh-host-key-policy ')).toEqual(['strict', 'accept-new', 'off'])
    expect(await complete('dcm subcloud template --system-mode d')).toEqual(['duplex', 'duplex-direct'])
  })

  it('completes subcloud names only from a cached token: no request at all without one', async () => {
    const before = lab.requests.length
    expect(await complete('dcm subcloud show ')).toEqual([])
    expect(lab.requests.length).toBe(before)
    // A command that logs in caches the token; from then on names come from the API.
    expect((await runDcm(['subcloud', 'list'], {env})).code).toBe(0)
    expect(await complete('dcm subcloud manage sc-')).toEqual(['sc-east', 'sc-west'])
    expect(lab.requests.filter((request) => request.path.includes('/auth/tokens')).length).toBe(1)
  })

  it('the zsh script is valid zsh', async () => {
    const zsh = spawnSync('zsh', ['--version'])
    if (zsh.error) {
      console.warn('skipped: zsh is not installed (.ci/run installs it)')
      return
    }
    const result = await runDcm(['autocomplete', 'zsh'])
    const file = path.join(dir, '_dcm')
    writeFileSync(file, result.stdout)
    expect(spawnSync('zsh', ['-n', file], {encoding: 'utf8'}).stderr).toBe('')
  })
})
