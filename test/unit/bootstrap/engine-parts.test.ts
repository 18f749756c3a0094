import {afterEach, describe, expect, test} from '@jest/globals'
import {execFile, spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {parse} from 'yaml'

import {BootstrapLog, logTimestamp} from '../../../src/core/bootstrap/log-file.js'
import {overridesForUpload} from '../../../src/core/bootstrap/overrides-upload.js'
import {checkOamSubnet, checkRelease} from '../../../src/core/bootstrap/preflight.js'
import {killGroupCommand, playbookCommand} from '../../../src/core/bootstrap/remote-commands.js'
import {clearSecrets, registerSecret} from '../../../src/core/secrets.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
  clearSecrets()
})
const scratch = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-engine-'))
  dirs.push(dir)
  return dir
}

describe('overrides uploaded to controller-0', () => {
  test('ansible_become_pass is added (any character survives) unless the file sets it', () => {
    const password = `p"a's$w\\o:r d#{}[]ü`
    const text = overridesForUpload('system_mode: simplex', password)
    expect(parse(text)).toEqual({system_mode: 'simplex', ansible_become_pass: password})
    const own = 'system_mode: simplex\nansible_become_pass: mine\n'
    expect(overridesForUpload(own, password)).toBe(own)
  })
})

describe('remote command strings', () => {
  test('the playbook runs under setsid with a plain environment and reports its process group', () => {
    const command = playbookCommand('ansible-playbook', "/opt/play books/it's.yml")
    expect(command).toBe(
      "cd && exec env LC_ALL=C.UTF-8 LANG=C.UTF-8 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0 PYTHONUNBUFFERED=1 setsid -w sh -c 'echo dcm-pgid=$$ >&2; exec \"$@\"' sh ansible-playbook '/opt/play books/it'\\''s.yml'",
    )
    // A real shell runs it: the marker comes first on stderr and the argv arrives intact.
    const run = spawnSync('/bin/bash', ['-c', playbookCommand('echo', "it's  a $HOME")], {encoding: 'utf8'})
    expect(run.stdout).toBe("it's  a $HOME\n")
    expect(run.stderr).toMatch(/^dcm-pgid=\d+\n$/)
    expect(run.status).toBe(0)
  })

  test('kill commands only for a real process group', () => {
    expect(() => killGroupCommand(0)).toThrow()
    expect(() => killGroupCommand(1)).toThrow()
  })

  test('the kill command stops a real process group, waiting first while the not-abortable flag exists', async () => {
    const home = scratch()
    writeFileSync(path.join(home, '.localhost_deploy_not_abortable'), '')
    // A process group of its own, as the playbook's (detached = setsid): a shell and its sleeping children.
    const group = spawn('sh', ['-c', 'sleep 301 & sleep 302; wait'], {detached: true, stdio: 'ignore'})
    const pgid = group.pid as number
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(
      spawnSync('pgrep', ['-g', String(pgid)], {encoding: 'utf8'})
        .stdout.trim()
        .split('\n'),
    ).toHaveLength(3)
    const started = Date.now()
    // Asynchronously, so that this process (the group leader's parent) can reap it while the command polls.
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('/bin/sh', ['-c', killGroupCommand(pgid, 1)], {env: {...process.env, HOME: home}}, (error, out) =>
        error ? reject(error) : resolve(out),
      ),
    )
    expect(stdout).toBe('dcm-waiting-not-abortable\nstopped\n')
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(spawnSync('pgrep', ['-g', String(pgid)]).status).toBe(1)
  })
})

describe('pre-flight pure checks', () => {
  test('SEM-BA-1: bootstrap address in the primary OAM subnet is a warning only', () => {
    expect(checkOamSubnet('10.10.10.12', '10.10.10.0/24').verdict).toBe('pass')
    expect(checkOamSubnet('10.10.20.12', '10.10.10.0/24')).toMatchObject({
      verdict: 'warn',
      detail: 'bootstrap-address 10.10.20.12 is not in external_oam_subnet 10.10.10.0/24',
    })
    expect(checkOamSubnet('fd00:10::12', 'fd00:10::/64,10.10.10.0/24').verdict).toBe('pass')
    expect(checkOamSubnet('10.10.10.12', undefined).verdict).toBe('skip')
  })

  test('release: match, mismatch (fail with hint), unknown', () => {
    expect(checkRelease('26.10', '26.10', '/etc/build.info').verdict).toBe('pass')
    expect(checkRelease('26.10', '25.09', '/etc/build.info')).toMatchObject({
      verdict: 'fail',
      detail: 'installed release 26.10 does not match --release 25.09',
    })
    expect(checkRelease(undefined, '26.10', '/etc/build.info').verdict).toBe('fail')
    expect(checkRelease(undefined, undefined, '/etc/build.info').verdict).toBe('warn')
  })
})

describe('BootstrapLog', () => {
  test('0600, named <name>_bootstrap_<timestamp>.log, distinct names in the same second, secrets redacted', () => {
    const dir = path.join(scratch(), 'logs')
    registerSecret('S3cret-pass')
    const now = new Date(2026, 2, 3, 14, 2, 8)
    const log = BootstrapLog.create('subcloud1', dir, now)
    const again = BootstrapLog.create('subcloud1', dir, now)
    expect(path.basename(log.path)).toBe('subcloud1_bootstrap_2026-03-03-14-02-08.log')
    expect(path.basename(again.path)).toBe('subcloud1_bootstrap_2026-03-03-14-02-08_1.log')
    expect(statSync(log.path).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    log.note('Executing playbook command: [...]', now)
    log.write('ok: [x] => S3cret')
    log.write('-pass leaked\npartial')
    log.close()
    again.close()
    expect(readFileSync(log.path, 'utf8')).toBe(
      '2026-03-03-14:02:08 Executing playbook command: [...]\nok: [x] => ****** leaked\npartial\n',
    )
    expect(logTimestamp(now)).toBe('2026-03-03-14:02:08')
  })
})

describe('task estimate', () => {
  test('saved after a complete run, read back per playbook; junk is ignored', async () => {
    const {readTaskEstimate, saveTaskEstimate} = await import('../../../src/core/bootstrap/task-estimate.js')
    const file = path.join(scratch(), 'state', 'counts.json')
    expect(readTaskEstimate('/p.yml', file)).toBeUndefined()
    saveTaskEstimate('/p.yml', 612, file)
    saveTaskEstimate('/q.yml', 11, file)
    saveTaskEstimate('/q.yml', 0, file)
    expect(readTaskEstimate('/p.yml', file)).toBe(612)
    expect(readTaskEstimate('/q.yml', file)).toBe(11)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    writeFileSync(file, '[1,2]')
    expect(readTaskEstimate('/p.yml', file)).toBeUndefined()
  })
})
