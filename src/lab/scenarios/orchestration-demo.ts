import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type {KeystoneSession} from '../../core/api/keystone.js'
import {apiError} from '../../core/api/keystone.js'
import {planStages} from '../../core/orchestration/stages.js'
import {registerSecret} from '../../core/secrets.js'
import type {DemoEvent, DemoOptions} from '../demo.js'
import {ensureAdminPassword, labEnvironment} from '../lab-files.js'
import {type LabHandle, startLab} from '../lab-server.js'
import {seedFleet} from './fleet.js'

/**
 * `dcm lab demo --scenario orchestration`: fleet orchestration against a throwaway lab, through dcm's own
 * Keystone session and the lab's real orchestrator. Twenty deployed subclouds at 24.09 whose `software`
 * endpoint is out-of-sync, one of them set to fail its VIM apply; a sw-deploy strategy to 25.09 with
 * max-parallel 10 (two stages) and stop-on-failure off; applied and watched until it ends; then the steps and
 * the failed step's details.
 *
 * The strategy calls go through the session directly; the strategy commands' client (orch-client's core
 * module) and its `--wait` renderer replace `strategyCall` and `watch` when they land.
 */
const SUBCLOUDS = 20
const MAX_PARALLEL = 10
const FAILING = 'subcloud7'
const FAIL_AT = 'apply VIM sw-deploy strategy'
const RELEASE_ID = 'stx-25.09.1'

interface ApiStep {
  cloud: string
  stage: string
  state: string
  details: string
  'started-at': string | null
  'finished-at': string | null
}

export async function runOrchestrationDemo(options: DemoOptions): Promise<{dataDir: string}> {
  const emit = options.onEvent
  const timeScale = options.timeScale ?? 1
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-orchestration-'))
  let lab: LabHandle | undefined
  try {
    const password = await ensureAdminPassword(dataDir)
    registerSecret(password)
    lab = await startLab({dataDir, adminPassword: password, timeScale, releases: ['24.09', '25.09']})
    const names = await seedFleet(lab.store, {
      count: SUBCLOUDS,
      softwareVersion: '24.09',
      sync: {software: 'out-of-sync'},
    })
    lab.audit()
    emit({
      kind: 'step',
      number: 1,
      title: `Start a local System Controller with ${SUBCLOUDS} deployed, managed subclouds (dcm lab)`,
      detail: [
        `Keystone, dcmanager and its orchestrator listen on ${lab.url} (loopback only), state in ${dataDir}`,
        `${names[0]} .. ${names.at(-1)}: online, managed, software-version 24.09, software endpoint out-of-sync`,
      ],
    })

    const {resolveAuthConfig} = await import('../../core/api/auth-config.js')
    const {openSession} = await import('../../core/api/connect.js')
    const config = await resolveAuthConfig({}, labEnvironment({authUrl: lab.authUrl}, password))
    const session = openSession(config, {cacheDir: path.join(dataDir, 'client-cache')})
    const dcmanager = await session.endpointFor('dcmanager', {interface: config.interface})
    const call = (method: string, pathname: string, body?: unknown) =>
      strategyCall(session, method, `${dcmanager}${pathname}`, body)

    await strategyCall(session, 'POST', `${lab.url}/lab/subclouds/${FAILING}`, {fail_strategy_at: FAIL_AT})
    emit({
      kind: 'step',
      number: 2,
      title: `Make one subcloud fail: dcm lab subcloud set ${FAILING} --fail-strategy-at "${FAIL_AT}"`,
    })

    const created = (await call('POST', '/sw-update-strategy/', {
      'max-parallel-subclouds': MAX_PARALLEL,
      release_id: RELEASE_ID,
      snapshot: false,
      rollback: false,
      delete: false,
      cleanup: false,
      with_prestage: false,
      kube_upgrade: null,
      type: 'sw-deploy',
    })) as Record<string, unknown>
    const planned = (await listSteps(call)).map((step) => step.cloud)
    emit({
      kind: 'step',
      number: 3,
      title: `Create the strategy: dcm sw-deploy-strategy create --release-id ${RELEASE_ID} --max-parallel-subclouds ${MAX_PARALLEL}`,
      detail: [
        `state ${String(created.state)}, ${planned.length} steps, stop on failure ${String(created['stop-on-failure'])}`,
        ...planStages(planned, MAX_PARALLEL).map(
          (stage) => `stage ${stage.number}: ${stage.members[0]} .. ${stage.members.at(-1)} (${stage.members.length})`,
        ),
      ],
    })

    await call('POST', '/sw-update-strategy/actions?type=sw-deploy', {action: 'apply'})
    emit({kind: 'step', number: 4, title: 'Apply it and watch: dcm sw-deploy-strategy apply'})
    const final = await watch(call, emit, Math.max(50, 1000 * timeScale), options.signal)

    const steps = await listSteps(call)
    emit({kind: 'step', number: 5, title: `The strategy ended ${final}: dcm strategy-step list`})
    const {defaultOutputOptions, formatList} = await import('../../core/output/index.js')
    const table = formatList(
      ['cloud', 'stage', 'state', 'details', 'started_at', 'finished_at'],
      steps.map((step) => [step.cloud, step.stage, step.state, step.details, step['started-at'], step['finished-at']]),
      defaultOutputOptions(),
    )
    for (const line of table.trimEnd().split('\n')) emit({kind: 'note', line})
    for (const step of steps.filter((item) => item.state === 'failed'))
      emit({kind: 'note', line: `${step.cloud} failed: ${step.details}`})
    const fleet = (await call('GET', '/subclouds')) as {
      subclouds: Array<{name: string; 'software-version': string; 'deploy-status': string}>
    }
    const upgraded = fleet.subclouds.filter((subcloud) => subcloud['software-version'] === '25.09')
    for (const subcloud of fleet.subclouds.filter((item) => item['software-version'] !== '25.09'))
      emit({
        kind: 'note',
        line: `${subcloud.name}: still at ${subcloud['software-version']}, deploy-status ${subcloud['deploy-status']}`,
      })
    emit({kind: 'note', line: `${upgraded.length} of ${fleet.subclouds.length} subclouds now run 25.09`})
    await session.transport.close()
    return {dataDir}
  } finally {
    await lab?.stop()
    if (!options.keep) await fs.rm(dataDir, {recursive: true, force: true})
  }
}

async function strategyCall(session: KeystoneSession, method: string, url: string, body?: unknown): Promise<unknown> {
  const response = await session.request({
    method,
    url,
    headers: {accept: 'application/json', ...(body === undefined ? {} : {'content-type': 'application/json'})},
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (response.status !== 200) throw apiError(`${method} ${new URL(url).pathname}`, response)
  return response.json()
}

type Call = (method: string, pathname: string, body?: unknown) => Promise<unknown>

async function listSteps(call: Call): Promise<ApiStep[]> {
  return ((await call('GET', '/sw-update-strategy/steps')) as {'strategy-steps': ApiStep[]})['strategy-steps']
}

/** Poll the strategy and its steps; one progress line whenever the picture changes. Returns the final state. */
async function watch(
  call: Call,
  emit: (event: DemoEvent) => void,
  intervalMs: number,
  signal?: AbortSignal,
): Promise<string> {
  let last = ''
  const reported = new Set<string>()
  for (;;) {
    signal?.throwIfAborted()
    const strategy = (await call('GET', '/sw-update-strategy?type=sw-deploy')) as {state: string}
    const steps = await listSteps(call)
    const counts = new Map<string, number>()
    for (const step of steps) counts.set(step.state, (counts.get(step.state) ?? 0) + 1)
    const line = `${strategy.state}: ${[...counts].map(([state, count]) => `${count} ${state}`).join(', ')}`
    if (line !== last) emit({kind: 'progress', line})
    last = line
    for (const step of steps) {
      if (step.state === 'failed' && !reported.has(step.cloud)) {
        reported.add(step.cloud)
        emit({kind: 'progress', line: `${step.cloud} failed: ${step.details}`})
      }
    }
    if (['complete', 'failed', 'aborted'].includes(strategy.state)) return strategy.state
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
