import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type {KeystoneSession} from '../../core/api/keystone.js'
import {apiError} from '../../core/api/keystone.js'
import {planStages} from '../../core/orchestration/stages.js'
import {registerSecret} from '../../core/secrets.js'
import type {StepSummary} from '../../core/strategies/step-summary.js'
import type {DemoOptions} from '../demo.js'
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
 * Everything goes through dcm's own client, as the commands do: the strategy manager of src/core/api and
 * the `followStrategy` watch behind `apply --wait`.
 */
const SUBCLOUDS = 20
const MAX_PARALLEL = 10
const FAILING = 'subcloud7'
const FAIL_AT = 'apply VIM sw-deploy strategy'
const RELEASE_ID = 'stx-25.09.1'

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
    const {DcmanagerClient} = await import('../../core/api/dcmanager-client.js')
    const config = await resolveAuthConfig({}, labEnvironment({authUrl: lab.authUrl}, password))
    const session = openSession(config, {cacheDir: path.join(dataDir, 'client-cache')})
    const client = new DcmanagerClient(session, {interface: config.interface})

    await labCall(session, `${lab.url}/lab/subclouds/${FAILING}`, {fail_strategy_at: FAIL_AT})
    emit({
      kind: 'step',
      number: 2,
      title: `Make one subcloud fail: dcm lab subcloud set ${FAILING} --fail-strategy-at "${FAIL_AT}"`,
    })

    // The same body `dcm sw-deploy-strategy create` sends (src/core/api/strategies).
    const strategy = client.strategy('sw-deploy')
    const created = await strategy.create({
      'max-parallel-subclouds': MAX_PARALLEL,
      release_id: RELEASE_ID,
      snapshot: false,
      rollback: false,
      delete: false,
      cleanup: false,
      with_prestage: false,
      kube_upgrade: null,
      type: 'sw-deploy',
    })
    const planned = (await client.strategySteps.list()).map((step) => step.cloud)
    emit({
      kind: 'step',
      number: 3,
      title: `Create the strategy: dcm sw-deploy-strategy create --release-id ${RELEASE_ID} --max-parallel-subclouds ${MAX_PARALLEL}`,
      detail: [
        `state ${created.state}, ${planned.length} steps, stop on failure ${String(created['stop-on-failure'])}`,
        ...planStages(planned, MAX_PARALLEL).map(
          (stage) => `stage ${stage.number}: ${stage.members[0]} .. ${stage.members.at(-1)} (${stage.members.length})`,
        ),
      ],
    })

    await strategy.apply()
    emit({kind: 'step', number: 4, title: 'Apply it and watch: dcm sw-deploy-strategy apply --wait'})
    // The watch `apply --wait` runs: the strategy row every interval, the steps when due, one line per change.
    const {followStrategy} = await import('../../core/strategies/follow.js')
    const intervalMs = Math.max(50, 1000 * timeScale)
    let last = ''
    const reported = new Set<string>()
    const result = await followStrategy(client, 'sw-deploy', {
      timeoutMs: 3_600_000,
      intervalMs,
      stepsIntervalMs: intervalMs,
      msPerStep: 0,
      withSteps: true,
      signal: options.signal,
      onProgress: ({strategy: row, summary}) => {
        if (!summary) return
        const line = `${row.state}: ${countsLine(summary)}`
        if (line !== last) emit({kind: 'progress', line})
        last = line
        for (const step of summary.failed.filter((item) => !reported.has(item.cloud))) {
          reported.add(step.cloud)
          emit({kind: 'progress', line: `${step.cloud} failed: ${step.details}`})
        }
      },
    })
    const final = `${result.strategy.state}: ${countsLine(result.summary)}`
    if (final !== last) emit({kind: 'progress', line: final})

    const steps = result.steps
    emit({kind: 'step', number: 5, title: `The strategy ended ${result.strategy.state}: dcm strategy-step list`})
    const {defaultOutputOptions, formatList} = await import('../../core/output/index.js')
    const table = formatList(
      ['cloud', 'stage', 'state', 'details', 'started_at', 'finished_at'],
      steps.map((step) => [step.cloud, step.stage, step.state, step.details, step['started-at'], step['finished-at']]),
      defaultOutputOptions(),
    )
    for (const line of table.trimEnd().split('\n')) emit({kind: 'note', line})
    for (const step of result.summary.failed) emit({kind: 'note', line: `${step.cloud} failed: ${step.details}`})
    const fleet = await client.subclouds.list()
    const upgraded = fleet.filter((subcloud) => subcloud['software-version'] === '25.09')
    for (const subcloud of fleet.filter((item) => item['software-version'] !== '25.09'))
      emit({
        kind: 'note',
        line: `${subcloud.name}: still at ${subcloud['software-version']}, deploy-status ${subcloud['deploy-status']}`,
      })
    emit({kind: 'note', line: `${upgraded.length} of ${fleet.length} subclouds now run 25.09`})
    await session.transport.close()
    return {dataDir}
  } finally {
    await lab?.stop()
    if (!options.keep) await fs.rm(dataDir, {recursive: true, force: true})
  }
}

/** The lab's own control endpoint (`dcm lab subcloud set`), through the same authenticated session. */
async function labCall(session: KeystoneSession, url: string, body: unknown): Promise<void> {
  const response = await session.request({
    method: 'POST',
    url,
    headers: {accept: 'application/json', 'content-type': 'application/json'},
    body: JSON.stringify(body),
  })
  if (response.status !== 200) throw apiError(`POST ${new URL(url).pathname}`, response)
}

/** "19 complete, 1 failed": the step states in the order a run reaches them, zero counts left out. */
function countsLine(summary: StepSummary): string {
  const counts = new Map<string, number>()
  if (summary.initial) counts.set('initial', summary.initial)
  for (const step of summary.running) counts.set(step.state, (counts.get(step.state) ?? 0) + 1)
  if (summary.complete) counts.set('complete', summary.complete)
  if (summary.failed.length) counts.set('failed', summary.failed.length)
  if (summary.aborted) counts.set('aborted', summary.aborted)
  return [...counts].map(([state, count]) => `${count} ${state}`).join(', ')
}
