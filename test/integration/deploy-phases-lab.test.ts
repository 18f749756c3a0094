import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'

import {dcmInProcess} from '../helpers/in-process.js'
import {startTestLab, type TestLab, waitFor} from '../helpers/lab.js'
import {labFixture} from '../helpers/lab-requests.js'
import {failDeployAt} from '../helpers/phased-deploy.js'
import {fixtureDir, type FixtureDir} from '../helpers/subcloud-fixtures.js'

/**
 * `dcm subcloud deploy *` against the lab: deploy files uploaded and shown, a phased deploy one phase at a time with
 * --wait (exit 0 at each phase's end), a refused phase (the server's text behind the client's prefix, exit 1), a
 * failed bootstrap (--wait exit 1 naming bootstrap-failed) resumed to complete, and an abort followed to
 * bootstrap-aborted then resumed. One lab for the file; each test has its own subcloud.
 */
let lab: TestLab
let files: FixtureDir
let next = 150
const SIMPLEX = labFixture('valid-simplex-ipv4')
const INSTALL = labFixture('install-values-simplex')

beforeAll(async () => {
  // Real-time pace: an abort must reach the lab while a bootstrap runs (about 2.5 s here; 0.5 s at timeScale 0.2).
  lab = await startTestLab({timeScale: 1})
  files = fixtureDir()
})
afterAll(async () => {
  await lab.stop()
  files.cleanup()
})

const dcm = (...words: string[]) =>
  dcmInProcess(words, {...lab.env, DCM_SYSADMIN_PASSWORD: 'St8rlingX*', DCM_BMC_PASSWORD: 'bmc-secret'})
const waitFlags = ['--wait', '--timeout', '300', '--poll-interval', '200', '--quiet']

/** A subcloud's files on its own management subnet and OAM addresses. */
function site() {
  const n = next++
  const name = `sc${n}`
  const bootstrap = files.write(
    `${name}.yml`,
    SIMPLEX.replace('name: subcloud1', `name: ${name}`)
      .replaceAll('192.168.101.', `192.168.${n}.`)
      .replaceAll('10.10.10.', `10.10.${n}.`),
  )
  const install = files.write(`${name}-install.yml`, INSTALL.replaceAll('10.10.10.', `10.10.${n}.`))
  return {name, bootstrap, install, address: `10.10.${n}.12`}
}

const statusLine = (stdout: string) => /\| deploy_status +\| (\S+) +\|/.exec(stdout)?.[1]

async function created(options: {install?: boolean; deployConfig?: boolean} = {}) {
  const s = site()
  const extra = [
    ...(options.install ? ['--install-values', s.install] : []),
    ...(options.deployConfig ? ['--deploy-config', files.write(`${s.name}-dc.yml`, 'a: 1\n')] : []),
  ]
  const result = await dcm(
    'subcloud',
    'deploy',
    'create',
    '--bootstrap-address',
    s.address,
    '--bootstrap-values',
    s.bootstrap,
    ...extra,
  )
  expect({code: result.code, stderr: result.stderr}).toEqual({code: 0, stderr: ''})
  expect(statusLine(result.stdout)).toBe('create-complete')
  return s
}

describe('subcloud deploy on the lab', () => {
  test('upload and show the deploy files of the current release', async () => {
    const playbook = files.write('deployment-manager.yaml', '- hosts: all\n')
    const chart = files.write('deployment-manager.tgz', 'chart')
    const upload = await dcm('subcloud', 'deploy', 'upload', '--deploy-playbook', playbook, '--deploy-chart', chart)
    expect({code: upload.code, stderr: upload.stderr}).toEqual({code: 0, stderr: ''})
    const show = await dcm('subcloud', 'deploy', 'show', '-f', 'json')
    expect(JSON.parse(show.stdout)).toMatchObject({
      deploy_playbook: 'deployment-manager.yaml',
      deploy_chart: 'deployment-manager.tgz',
      deploy_overrides: null,
      prestage_images: null,
    })
  })

  test('create, install, bootstrap, config one at a time, each --wait ending at its own state (exit 0)', async () => {
    const s = await created({install: true, deployConfig: true})
    const install = await dcm('subcloud', 'deploy', 'install', s.name, ...waitFlags)
    expect({code: install.code, stderr: install.stderr, status: statusLine(install.stdout)}).toEqual({
      code: 0,
      stderr: '',
      status: 'install-complete',
    })
    const bootstrap = await dcm('subcloud', 'deploy', 'bootstrap', s.name, ...waitFlags)
    expect({code: bootstrap.code, status: statusLine(bootstrap.stdout)}).toEqual({
      code: 0,
      status: 'bootstrap-complete',
    })
    const config = await dcm('subcloud', 'deploy', 'config', s.name, ...waitFlags)
    expect({code: config.code, status: statusLine(config.stdout)}).toEqual({code: 0, status: 'complete'})
    // A re-configuration starts from complete and ends there: --wait still follows it to its end.
    const again = await dcm('subcloud', 'deploy', 'config', s.name, ...waitFlags)
    expect({code: again.code, status: statusLine(again.stdout)}).toEqual({code: 0, status: 'complete'})
  })

  test('enroll --wait ends at enroll-complete; deploy complete finishes it', async () => {
    const s = await created({install: true})
    const enrolled = await dcm('subcloud', 'deploy', 'enroll', s.name, '--install-values', s.install, ...waitFlags)
    expect({code: enrolled.code, stderr: enrolled.stderr, status: statusLine(enrolled.stdout)}).toEqual({
      code: 0,
      stderr: '',
      status: 'enroll-complete',
    })
    const completed = await dcm('subcloud', 'deploy', 'complete', s.name, ...waitFlags)
    expect({code: completed.code, status: statusLine(completed.stdout)}).toEqual({code: 0, status: 'complete'})
  })

  test('subcloud add --install-values --wait installs, bootstraps and completes (install values checked first)', async () => {
    const s = site()
    const result = await dcm(
      'subcloud',
      'add',
      '--bootstrap-address',
      s.address,
      '--bootstrap-values',
      s.bootstrap,
      '--install-values',
      s.install,
      '--no-preflight',
      ...waitFlags,
    )
    expect({code: result.code, stderr: result.stderr, status: statusLine(result.stdout)}).toEqual({
      code: 0,
      stderr: '',
      status: 'complete',
    })
    expect(lab.store.subcloudByName(s.name)?.deployStatus).toBe('complete')
  })

  test('subcloud add --enroll --wait walks the enroll states to complete, with no SSH pre-flight', async () => {
    const s = site()
    const result = await dcm(
      'subcloud',
      'add',
      '--enroll',
      '--bootstrap-address',
      s.address,
      '--bootstrap-values',
      s.bootstrap,
      '--install-values',
      s.install,
      ...waitFlags,
    )
    expect({code: result.code, stderr: result.stderr, status: statusLine(result.stdout)}).toEqual({
      code: 0,
      stderr: '',
      status: 'complete',
    })
  })

  test('a phase refused in this state: the server text behind the client prefix, exit 1', async () => {
    const s = await created()
    const result = await dcm('subcloud', 'deploy', 'complete', s.name)
    expect({code: result.code, stderr: result.stderr}).toEqual({
      code: 1,
      stderr: `Error: Unable to complete the deployment of subcloud ${s.name}: Subcloud deploy can only be completed when its deploy status is: bootstrap-complete, enroll-complete (HTTP 400)\n`,
    })
  })

  test('a failed bootstrap is --wait exit 1 naming the state; resume --wait completes it', async () => {
    const s = await created()
    await failDeployAt(lab, s.name, 'bootstrapping', 'bootstrap/prepare-env : Check registry')
    const failed = await dcm('subcloud', 'deploy', 'bootstrap', s.name, ...waitFlags)
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(
      new RegExp(
        `^Error: subcloud ${s.name} bootstrap failed: bootstrap-failed: FAILED bootstrapping playbook of \\(${s.name}\\)\\.`,
      ),
    )
    expect(failed.stderr).toContain(`Hint: see 'dcm subcloud errors ${s.name}'`)
    // No deploy config: resume runs bootstrap, then complete.
    const resumed = await dcm('subcloud', 'deploy', 'resume', s.name, ...waitFlags)
    expect({code: resumed.code, stderr: resumed.stderr, status: statusLine(resumed.stdout)}).toEqual({
      code: 0,
      stderr: '',
      status: 'complete',
    })
  })

  test('abort during bootstrap --wait ends at bootstrap-aborted (exit 0); resume --wait then completes', async () => {
    const s = await created()
    // Load the abort command once (a refused call) so that the abort below goes out while the bootstrap runs.
    expect((await dcm('subcloud', 'deploy', 'abort', s.name)).code).toBe(1)
    expect((await dcm('subcloud', 'deploy', 'bootstrap', s.name)).code).toBe(0)
    const id = lab.store.subcloudByName(s.name)!.id
    await waitFor(
      () => lab.store.subcloudById(id)?.deployStatus,
      (status) => status === 'bootstrapping',
      60_000,
    )
    const aborted = await dcm('subcloud', 'deploy', 'abort', s.name, ...waitFlags)
    expect({code: aborted.code, stderr: aborted.stderr, status: statusLine(aborted.stdout)}).toEqual({
      code: 0,
      stderr: '',
      status: 'bootstrap-aborted',
    })
    const resumed = await dcm('subcloud', 'deploy', 'resume', s.name, ...waitFlags)
    expect({code: resumed.code, status: statusLine(resumed.stdout)}).toEqual({code: 0, status: 'complete'})
  })
})
