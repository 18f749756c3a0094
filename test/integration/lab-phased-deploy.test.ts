import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'

import {writeInstance} from '../../src/lab/lab-files.js'
import {runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab, waitFor} from '../helpers/lab.js'
import {errorOf, labFixture, postSubcloud} from '../helpers/lab-requests.js'
import {BMC, failDeployAt, file, jsonOf, multipart, phase, SYSADMIN} from '../helpers/phased-deploy.js'

/**
 * The lab's phased deploy (subcloud-lifecycle.md §2, dcmanager-api.md §2.3-2.4) over HTTP: deploy files, create,
 * each phase from an allowed and a refused state (exact texts), abort during install/bootstrap/config, resume
 * after each failure kind. One lab for the file; each test works on its own subcloud.
 */
const SIMPLEX = labFixture('valid-simplex-ipv4')
const INSTALL = labFixture('install-values-simplex')

let lab: TestLab
let next = 110
beforeAll(async () => {
  lab = await startTestLab({timeScale: 0.2})
})
afterAll(async () => {
  await lab.stop()
})

/** A subcloud's bootstrap values on its own management subnet and OAM address. */
function values(name: string, n: number): string {
  return SIMPLEX.replace('name: subcloud1', `name: ${name}`)
    .replaceAll('192.168.101.', `192.168.${n}.`)
    .replaceAll('10.10.10.', `10.10.${n}.`)
}

function installValues(n: number): string {
  return INSTALL.replaceAll('10.10.10.', `10.10.${n}.`)
}

async function create(
  options: {install?: boolean; deployConfig?: boolean} = {},
): Promise<{name: string; id: number; n: number; body: Record<string, unknown>}> {
  const n = next++
  const name = `sc${n}`
  const response = await multipart(lab, 'POST', '/phased-subcloud-deploy/', [
    file('bootstrap_values', values(name, n)),
    ...(options.install ? [file('install_values', installValues(n)), BMC] : []),
    ...(options.deployConfig ? [file('deploy_config', 'a: 1\n')] : []),
    {name: 'bootstrap-address', value: `10.10.${n}.12`},
  ])
  const body = await jsonOf(response)
  expect(response.status).toBe(200)
  return {name, id: body.id as number, n, body}
}

const statusOf = (id: number) => lab.store.subcloudById(id)?.deployStatus
const until = (id: number, status: string) =>
  waitFor(
    () => statusOf(id),
    (value) => value === status,
    60_000,
  )

async function uploadDeployFiles(): Promise<void> {
  const response = await multipart(lab, 'POST', '/subcloud-deploy/', [
    file('deploy_playbook', 'playbook', 'deployment-manager.yaml'),
    file('deploy_overrides', 'overrides', 'overrides.yaml'),
    file('deploy_chart', 'chart', 'deployment-manager.tgz'),
  ])
  expect(response.status).toBe(200)
}

describe('subcloud-deploy files', () => {
  test('upload needs the playbook and the chart unless only prestage images are sent; show lists them per release', async () => {
    const missing = await multipart(lab, 'POST', '/subcloud-deploy/', [file('deploy_overrides', 'o', 'o.yaml')])
    expect(await errorOf(missing)).toEqual({
      status: 400,
      description: 'error: argument --deploy_playbook--deploy_chart is required',
    })
    const images = await multipart(lab, 'POST', '/subcloud-deploy/', [file('prestage_images', 'x', 'images.lst')])
    expect(await jsonOf(images)).toEqual({software_version: '24.09', prestage_images: 'images.lst'})
    const badRelease = await multipart(lab, 'POST', '/subcloud-deploy/', [
      file('prestage_images', 'x', 'images.lst'),
      {name: 'release', value: '99.99'},
    ])
    expect(await errorOf(badRelease)).toEqual({
      status: 400,
      description: 'Error: invalid release version parameter. 99.99 is not a supported release version ()',
    })
    await uploadDeployFiles()
    const shown = await jsonOf(await lab.api('/dcmanager/v1.0/subcloud-deploy/'))
    expect(shown).toEqual({
      subcloud_deploy: {
        software_version: '24.09',
        deploy_playbook: 'deployment-manager.yaml',
        deploy_overrides: 'overrides.yaml',
        deploy_chart: 'deployment-manager.tgz',
        prestage_images: 'images.lst',
      },
    })
    const deleted = await lab.api('/dcmanager/v1.0/subcloud-deploy/24.09?prestage_images=true', {method: 'DELETE'})
    expect(deleted.status).toBe(200)
    expect(await deleted.text()).toBe('null')
    const after = (await jsonOf(await lab.api('/dcmanager/v1.0/subcloud-deploy/24.09'))).subcloud_deploy
    expect(after).toMatchObject({prestage_images: null, deploy_playbook: 'deployment-manager.yaml'})
  })
})

describe('phased deploy', () => {
  beforeAll(uploadDeployFiles)

  test('create answers create-complete at once; without its required parts it names them', async () => {
    const refused = await multipart(lab, 'POST', '/phased-subcloud-deploy/', [file('bootstrap_values', values('x', 1))])
    expect(await errorOf(refused)).toEqual({
      status: 400,
      description: 'Missing required parameter(s): bootstrap-address',
    })
    const {id, body} = await create()
    expect(body['deploy-status']).toBe('create-complete')
    expect(statusOf(id)).toBe('create-complete')
  })

  test('install -> bootstrap -> config, each from an accepted state, answering pre-<phase>', async () => {
    const {id, name} = await create({install: true})
    const install = await jsonOf(await phase(lab, id, 'install', [SYSADMIN, BMC]))
    expect(install['deploy-status']).toBe('pre-install')
    await until(id, 'install-complete')

    // config is refused before bootstrap, with upstream's list of states.
    expect(await errorOf(await phase(lab, id, 'configure', [SYSADMIN]))).toEqual({
      status: 400,
      description:
        'Subcloud deploy status must be complete, pre-config-failed, config-failed, bootstrap-complete, enroll-complete, config-aborted',
    })
    const bootstrap = await jsonOf(await phase(lab, name, 'bootstrap', [SYSADMIN]))
    expect(bootstrap['deploy-status']).toBe('pre-bootstrap')
    await until(id, 'bootstrap-complete')

    expect(await errorOf(await phase(lab, id, 'install', [SYSADMIN]))).toEqual({
      status: 400,
      description:
        'Subcloud deploy status must be either: create-complete, pre-install-failed, install-failed, install-complete, install-aborted',
    })
    // No deploy config stored or sent.
    expect(await errorOf(await phase(lab, id, 'configure', [SYSADMIN]))).toEqual({
      status: 400,
      description: 'Required deploy_config file was not provided and it was not previously available.',
    })
    const config = await jsonOf(await phase(lab, id, 'configure', [file('deploy_config', 'a: 1\n'), SYSADMIN]))
    expect(config['deploy-status']).toBe('pre-config')
    await until(id, 'complete')
    // A complete subcloud can be configured again, not bootstrapped.
    expect((await errorOf(await phase(lab, id, 'bootstrap', [SYSADMIN]))).description).toBe(
      'Subcloud deploy status must be either: install-complete, pre-bootstrap-failed, bootstrap-failed, bootstrap-aborted, bootstrap-complete, create-complete',
    )
  })

  test('complete only from bootstrap-complete; the password is required by each phase', async () => {
    const {id} = await create()
    expect(await errorOf(await phase(lab, id, 'complete'))).toEqual({
      status: 400,
      description:
        'Subcloud deploy can only be completed when its deploy status is: bootstrap-complete, enroll-complete',
    })
    expect(await errorOf(await phase(lab, id, 'bootstrap', [{name: 'release', value: '24.09'}]))).toEqual({
      status: 400,
      description: 'subcloud sysadmin_password required',
    })
    await phase(lab, id, 'bootstrap', [SYSADMIN])
    await until(id, 'bootstrap-complete')
    const complete = await jsonOf(await phase(lab, id, 'complete'))
    expect(complete['deploy-status']).toBe('complete')
  })

  test('install without stored or new install values; unknown verb; missing subcloud', async () => {
    const {id} = await create()
    expect(await errorOf(await phase(lab, id, 'install', [SYSADMIN]))).toEqual({
      status: 400,
      description: 'Failed to read data install from db',
    })
    expect(await errorOf(await phase(lab, id, 'frobnicate', [SYSADMIN]))).toEqual({
      status: 400,
      description: 'Invalid request',
    })
    expect(await errorOf(await phase(lab, 'nosuch', 'install', [SYSADMIN]))).toEqual({
      status: 404,
      description: 'Subcloud not found',
    })
    expect((await errorOf(await phase(lab, id, 'install'))).description).toBe('Body required')
  })

  test.each([
    ['installing', 'install', 'install-aborted'],
    ['bootstrapping', 'bootstrap', 'bootstrap-aborted'],
    ['configuring', 'configure', 'config-aborted'],
  ])(
    'abort during %s answers aborting-*, then stores *-aborted; resume restarts there',
    async (state, verb, aborted) => {
      const {id} = await create({install: true, deployConfig: true})
      if (verb !== 'install') {
        await phase(lab, id, 'install', [SYSADMIN])
        await until(id, 'install-complete')
      }
      if (verb === 'configure') {
        await phase(lab, id, 'bootstrap', [SYSADMIN])
        await until(id, 'bootstrap-complete')
      }
      await phase(lab, id, verb, [SYSADMIN])
      await until(id, state)
      const answer = await jsonOf(await phase(lab, id, 'abort'))
      expect(answer['deploy-status']).toBe(`aborting-${verb === 'configure' ? 'config' : verb}`)
      await until(id, aborted)
      const resumed = await jsonOf(await phase(lab, id, 'resume', [SYSADMIN]))
      expect(resumed['deploy-status']).toBe(`pre-${verb === 'configure' ? 'config' : verb}`)
      await until(id, 'complete')
    },
  )

  test.each([
    ['pre-install', 'pre-install-failed', 'pre-install'],
    ['installing', 'install-failed', 'pre-install'],
    ['pre-bootstrap', 'pre-bootstrap-failed', 'pre-bootstrap'],
    ['bootstrapping', 'bootstrap-failed', 'pre-bootstrap'],
    ['pre-config', 'pre-config-failed', 'pre-config'],
    ['configuring', 'config-failed', 'pre-config'],
  ])('a failure at %s stores %s; resume answers %s and completes', async (state, failed, answer) => {
    const {id, name} = await create({install: true, deployConfig: true})
    await failDeployAt(
      lab,
      name,
      state,
      state === 'bootstrapping' ? 'bootstrap/prepare-env : Check registry' : undefined,
    )
    await phase(lab, id, 'resume', [SYSADMIN])
    await until(id, failed)
    const record = lab.store.subcloudById(id)!
    if (state.startsWith('pre-')) expect(record.errorDescription).toBe('No errors present')
    else expect(record.errorDescription).toMatch(new RegExp(`^FAILED ${state} playbook of \\(${name}\\)\\.`))
    const resumed = await jsonOf(await phase(lab, id, 'resume', [SYSADMIN]))
    expect(resumed['deploy-status']).toBe(answer)
    await until(id, 'complete')
    expect(lab.store.subcloudById(id)!.errorDescription).toBe('No errors present')
  })

  test("resume: the response names the base list's first phase; files of done phases and a lone config without file are refused", async () => {
    const {id} = await create()
    // No install values: install is skipped but the answer says pre-install (§2.4 item 8).
    const resumed = await jsonOf(await phase(lab, id, 'resume', [SYSADMIN]))
    expect(resumed['deploy-status']).toBe('pre-install')
    await until(id, 'complete')

    const other = await create()
    await phase(lab, other.id, 'bootstrap', [SYSADMIN])
    await until(other.id, 'bootstrap-complete')
    expect(await errorOf(await phase(lab, other.id, 'resume', [SYSADMIN]))).toEqual({
      status: 400,
      description:
        "Only deploy phase left is deploy config. Required deploy_config file was not provided and it was not previously available. If manually configuring the subcloud, please run 'dcmanager subcloud deploy complete'",
    })
    expect(
      await errorOf(
        await phase(lab, other.id, 'resume', [
          file('bootstrap_values', values(other.name, other.n)),
          file('deploy_config', 'a: 1\n'),
          SYSADMIN,
        ]),
      ),
    ).toEqual({status: 400, description: 'Bootstrap was already executed and bootstrap-values is not required'})
    expect(await errorOf(await phase(lab, id, 'resume', [SYSADMIN]))).toEqual({
      status: 400,
      description:
        'Subcloud deploy status must be either: create-complete, install-complete, pre-install-failed, install-failed, install-aborted, bootstrap-complete, pre-bootstrap-failed, bootstrap-failed, bootstrap-aborted, pre-config-failed, config-failed, config-aborted',
    })
  })

  test('bootstrap with new values: the name must match; the reply shows the values it will use', async () => {
    const {id, name, n} = await create()
    expect(
      await errorOf(await phase(lab, id, 'bootstrap', [file('bootstrap_values', values('other', n)), SYSADMIN])),
    ).toEqual({
      status: 400,
      description: `The bootstrap-values 'name' value (other) must match the current subcloud name (${name})`,
    })
    const changed = values(name, n).replace('description: "AIO-SX edge site, IPv4"', 'description: "moved"')
    const answer = await jsonOf(await phase(lab, id, 'bootstrap', [file('bootstrap_values', changed), SYSADMIN]))
    expect(answer).toMatchObject({'deploy-status': 'pre-bootstrap', description: 'moved'})
    await until(id, 'bootstrap-complete')
    expect(lab.store.subcloudById(id)!.description).toBe('moved')
  })

  test('abort is refused outside a running phase, and config while the subcloud is busy is a 409', async () => {
    const {id} = await create()
    expect(await errorOf(await phase(lab, id, 'abort'))).toEqual({
      status: 400,
      description:
        'Subcloud deploy status must be in one of the following states: installing, bootstrapping, configuring',
    })
  })
})

describe('subcloud add --enroll', () => {
  test('walks create, the enroll states and complete; needs install values', async () => {
    const n = next++
    const name = `sc${n}`
    const refused = await postSubcloud(lab, values(name, n), [{name: 'enroll', value: 'true'}], {
      address: `10.10.${n}.12`,
    })
    expect(await errorOf(refused)).toEqual({
      status: 400,
      description: 'Install values is necessary for subcloud enrollment',
    })
    const response = await postSubcloud(
      lab,
      values(name, n),
      [file('install_values', installValues(n)), BMC, {name: 'enroll', value: 'true'}],
      {address: `10.10.${n}.12`},
    )
    const {id} = await jsonOf(response)
    const seen = [statusOf(id as number)]
    const listener = () => {
      const status = statusOf(id as number)
      if (status && seen.at(-1) !== status) seen.push(status)
    }
    lab.store.on('change', listener)
    await until(id as number, 'complete')
    lab.store.off('change', listener)
    // The reply may come when the create already runs: from create-complete on, every state is stored in turn.
    expect(seen.slice(seen.indexOf('create-complete'))).toEqual([
      'create-complete',
      'pre-init-enroll',
      'initiating-enroll',
      'init-enroll-complete',
      'pre-enroll',
      'enrolling',
      'enroll-complete',
      'complete',
    ])
    // Enrolled: no longer an initial deployment.
    expect(lab.store.subcloudById(id as number)?.initialDeployment).toBe(false)
  })
})

describe('subcloud add --migrate', () => {
  test('stores pre-rehome where a plain add stores creating, then rehoming and complete (subcloud_deploy_create)', async () => {
    const n = next++
    const name = `sc${n}`
    const response = await postSubcloud(lab, values(name, n), [{name: 'migrate', value: 'true'}], {
      address: `10.10.${n}.12`,
    })
    const {id} = await jsonOf(response)
    const seen = [statusOf(id as number)]
    const listener = () => {
      const status = statusOf(id as number)
      if (status && seen.at(-1) !== status) seen.push(status)
    }
    lab.store.on('change', listener)
    await until(id as number, 'complete')
    lab.store.off('change', listener)
    expect(seen).not.toContain('creating')
    expect(seen).not.toContain('create-complete')
    expect(seen.slice(seen.indexOf('pre-rehome'))).toEqual(['pre-rehome', 'rehoming', 'complete'])
    expect(lab.store.subcloudById(id as number)?.initialDeployment).toBe(false)
  })
})

describe('each phase from each accepted state', () => {
  /** A subcloud created with install values and a deploy config, then set to `state` as a stored phase left it. */
  async function inState(state: string): Promise<number> {
    const {id} = await create({install: true, deployConfig: true})
    lab.store.updateSubcloud(id, {deployStatus: state})
    await lab.store.persist()
    return id
  }

  test.each([
    ['install', ['create-complete', 'pre-install-failed', 'install-failed', 'install-complete', 'install-aborted']],
    [
      'bootstrap',
      [
        'install-complete',
        'pre-bootstrap-failed',
        'bootstrap-failed',
        'bootstrap-aborted',
        'bootstrap-complete',
        'create-complete',
      ],
    ],
    [
      'configure',
      ['complete', 'pre-config-failed', 'config-failed', 'bootstrap-complete', 'enroll-complete', 'config-aborted'],
    ],
  ])('%s is accepted from %j and answers pre-<phase>', async (verb, states) => {
    const answer = verb === 'configure' ? 'pre-config' : `pre-${verb}`
    const resting = verb === 'install' ? 'install-complete' : verb === 'bootstrap' ? 'bootstrap-complete' : 'complete'
    for (const state of states) {
      const id = await inState(state)
      const response = await phase(lab, id, verb, [SYSADMIN, ...(verb === 'install' ? [BMC] : [])])
      expect([state, response.status, (await jsonOf(response))['deploy-status']]).toEqual([state, 200, answer])
      await until(id, resting)
    }
  })

  test('complete from bootstrap-complete and enroll-complete; abort and enroll refused elsewhere', async () => {
    for (const state of ['bootstrap-complete', 'enroll-complete']) {
      const id = await inState(state)
      expect((await jsonOf(await phase(lab, id, 'complete')))['deploy-status']).toBe('complete')
    }
    const id = await inState('bootstrap-failed')
    expect(await errorOf(await phase(lab, id, 'enroll', [SYSADMIN]))).toEqual({
      status: 400,
      description:
        'Subcloud deploy status must be either: create-complete, enroll-failed, pre-enroll-failed, pre-init-enroll-failed, init-enroll-failed, factory-restore-complete',
    })
    // Out of its initial deployment (after a backup, a restore or an enrollment) install and resume refuse.
    lab.store.updateSubcloud(id, {initialDeployment: false})
    expect(await errorOf(await phase(lab, id, 'resume', [SYSADMIN]))).toEqual({
      status: 400,
      description: 'The subcloud can only be resumed during initial deployment.',
    })
    lab.store.updateSubcloud(id, {deployStatus: 'install-failed'})
    expect(await errorOf(await phase(lab, id, 'install', [SYSADMIN]))).toEqual({
      status: 400,
      description: 'The deploy install command can only be used during initial deployment.',
    })
  })
})

describe('dcm lab subcloud set --fail-deploy-at', () => {
  test('sets a one-shot fault the next run of the state meets; an unknown state exits 2', async () => {
    // Found by `dcm lab subcloud set` through its data dir, as `dcm lab start` leaves it.
    await writeInstance(lab.dataDir, {
      pid: process.pid,
      port: lab.port,
      url: lab.url,
      authUrl: lab.authUrl,
      dcmanagerUrl: lab.dcmanagerUrl,
      deployer: lab.deployerKind,
      startedAt: new Date().toISOString(),
    })
    const env = {DCM_LAB_DIR: lab.dataDir}
    const {id, name} = await create({install: true})
    const set = await runDcm(['lab', 'subcloud', 'set', name, '--fail-deploy-at', 'installing', '-f', 'json'], {env})
    expect(set.code).toBe(0)
    expect(JSON.parse(set.stdout)).toMatchObject({name, 'fail deploy at': 'installing'})
    await phase(lab, id, 'install', [SYSADMIN])
    await until(id, 'install-failed')
    expect(lab.store.subcloudById(id)?.deployFault).toBeUndefined()
    const bad = await runDcm(['lab', 'subcloud', 'set', name, '--fail-deploy-at', 'nowhere'], {env})
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('unknown deploy state "nowhere"')
  })
})
