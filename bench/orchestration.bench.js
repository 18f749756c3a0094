// The lab's orchestrator at fleet size: the time to create a sw-deploy strategy over 5,000 subclouds (the POST,
// end to end: validation, selection, 5,000 steps built and the state persisted; target < 1 s), the size of the
// state file it writes, and the time to apply it with max-parallel 5,000 and zero-length states (every state
// lasts one worker loop). The lab runs in this process (dist/), seeded with deployed subclouds whose software
// endpoint is out-of-sync. Median of 3 rounds; the selection alone is timed apart. BENCH_SUBCLOUDS tunes the fleet size.
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {fmt, median} from './measure.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SUBCLOUDS = Number(process.env.BENCH_SUBCLOUDS ?? 5000)
const ROUNDS = 3
const dist = (file) => import(pathToFileURL(path.join(root, 'dist', file)).href)

export default async function run() {
  const {startLab} = await dist('lab/lab-server.js')
  const {seedFleet} = await dist('lab/scenarios/fleet.js')
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-bench-orch-'))
  const lab = await startLab({
    dataDir,
    adminPassword: 'Bench*Admin1',
    releases: ['24.09', '25.09'],
    orchestrator: {workerTickMs: 10, managerTickMs: 10, stateMs: 0, idleMs: 10, stateDurationsMs: {}},
    auditIntervalMs: 3_600_000,
  })
  try {
    await seedFleet(lab.store, {count: SUBCLOUDS, sync: {software: 'out-of-sync'}})
    lab.audit()
    const token = lab.keystone.issue().id
    const api = async (method, pathname, body) => {
      const response = await fetch(`${lab.dcmanagerUrl}${pathname}`, {
        method,
        headers: {'x-auth-token': token, accept: 'application/json', 'content-type': 'application/json'},
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await response.text()
      if (response.status !== 200) throw new Error(`${method} ${pathname}: HTTP ${response.status} ${text}`)
      return JSON.parse(text)
    }
    const waitFor = async (predicate) => {
      for (;;) {
        if (predicate()) return
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
    // The selection alone (eligibility of every subcloud, in id order), without building rows or writing.
    const {planStrategyCreate} = await dist('lab/orchestrator/strategy-create.js')
    const plans = []
    for (let round = 0; round < ROUNDS; round++) {
      const start = process.hrtime.bigint()
      planStrategyCreate(
        {'max-parallel-subclouds': SUBCLOUDS, release_id: 'stx-24.09.1', type: 'sw-deploy'},
        {store: lab.store, systemControllerVersion: '24.09', releases: ['24.09', '25.09'], existingType: undefined},
      )
      plans.push(Number(process.hrtime.bigint() - start) / 1e6)
    }
    const creates = []
    const applies = []
    let stateBytes = 0
    for (let round = 0; round < ROUNDS; round++) {
      const body = {'max-parallel-subclouds': SUBCLOUDS, release_id: 'stx-24.09.1', type: 'sw-deploy'}
      let start = process.hrtime.bigint()
      await api('POST', '/sw-update-strategy/', body)
      creates.push(Number(process.hrtime.bigint() - start) / 1e6)
      stateBytes = (await fs.stat(path.join(dataDir, 'state.json'))).size
      start = process.hrtime.bigint()
      await api('POST', '/sw-update-strategy/actions', {action: 'apply'})
      await waitFor(() => ['complete', 'failed'].includes(lab.orchestrator.tables.strategy?.state))
      applies.push(Number(process.hrtime.bigint() - start) / 1e6)
      await api('DELETE', '/sw-update-strategy')
      await waitFor(() => lab.orchestrator.tables.strategy === null)
      // Out-of-sync again for the next round.
      for (const subcloud of lab.store.subclouds) subcloud.syncOverrides = {software: 'out-of-sync'}
      lab.audit()
    }
    console.log(
      `create a sw-deploy strategy over ${SUBCLOUDS} subclouds (POST, steps built and persisted): ${fmt(median(creates))} (target < 1000 ms)`,
    )
    console.log(
      `of which selecting the ${SUBCLOUDS} eligible subclouds: ${fmt(median(plans))}; the rest is building the rows, writing the state file and HTTP`,
    )
    console.log(`state file with ${SUBCLOUDS} steps: ${(stateBytes / 1024 / 1024).toFixed(1)} MB`)
    console.log(
      `apply, max-parallel ${SUBCLOUDS}, zero-length states (10 ms loop): ${fmt(median(applies))} to complete`,
    )
  } finally {
    await lab.stop()
    await fs.rm(dataDir, {recursive: true, force: true})
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run()
