// Watching a strategy (issue 10): `sw-deploy-strategy create` + `apply --wait` over 1,000 lab subclouds with
// max-parallel 500, measured on the client: CPU (user+sys) over wall time, and peak RSS (targets: watching
// under 5 % of one core, under 150 MB). Two runs: zero-length states (the whole apply is over in a few
// orchestrator loops, so the figure is mostly process start-up; the `--version` start-up is printed next to
// it) and a steady run of ~30 s (each state 2 s), where the cost of watching itself shows. Also counted: the
// strategy and step-list requests the watcher made, to show that polling does not grow with finished steps.
// The lab runs in this process (its CPU is not the client's). Needs the built CLI (`npm run compile`).
import {spawn} from 'node:child_process'
import {existsSync, promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dcm = path.join(root, 'bin', 'run.js')
const built = (module) => import(pathToFileURL(path.join(root, 'dist', module)).href)
const COUNT = 1000

/** Run the CLI under GNU time: wall s, CPU s (user+sys), peak RSS MB. */
function timed(args, env) {
  if (!existsSync('/usr/bin/time')) throw new Error('needs /usr/bin/time (apt-get install time)')
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, dcm, ...args], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const line = stderr.split('\n').find((l) => l.startsWith('TIME '))
      if (!line) return reject(new Error(`no timing from dcm ${args.join(' ')}: ${stderr.slice(-500)}`))
      const [wall, user, sys, kb] = line.split(' ').slice(1).map(Number)
      resolve({code, wall, cpu: user + sys, rssMb: kb / 1024, stderr})
    })
  })
}

async function withLab(stateMs, run) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-bench-strategy-'))
  const {startLab} = await built('lab/lab-server.js')
  const {ensureAdminPassword, labEnvironment} = await built('lab/lab-files.js')
  const {seedFleet} = await built('lab/scenarios/fleet.js')
  const password = await ensureAdminPassword(dataDir)
  const lab = await startLab({
    dataDir,
    adminPassword: password,
    timeScale: 0.05,
    releases: ['24.09', '25.09'],
    orchestrator: {workerTickMs: 50, managerTickMs: 50, stateMs, idleMs: 60_000, stateDurationsMs: {}},
  })
  try {
    const started = process.hrtime.bigint()
    await seedFleet(lab.store, {count: COUNT, sync: {software: 'out-of-sync'}})
    lab.audit()
    const seededMs = Number(process.hrtime.bigint() - started) / 1e6
    const env = {...process.env, ...labEnvironment(lab, password), XDG_CACHE_HOME: path.join(dataDir, 'cache')}
    for (const key of Object.keys(env)) if (/^(DCM_|CLIFF_)/.test(key)) delete env[key]
    return await run(lab, env, seededMs)
  } finally {
    await lab.stop()
    await fs.rm(dataDir, {recursive: true, force: true})
  }
}

function count(lab, from, test) {
  return lab.requests.slice(from).filter((r) => r.method === 'GET' && test(r.path)).length
}

async function applyAndWatch(lab, env, label, extra = []) {
  // A completed sw-deploy leaves the software endpoint in-sync: make the fleet eligible again.
  for (const subcloud of lab.store.subclouds) subcloud.syncOverrides = {software: 'out-of-sync'}
  lab.audit()
  const create = await timed(
    ['sw-deploy-strategy', 'create', '--release-id', 'stx-25.09.1', '--max-parallel-subclouds', '500'],
    env,
  )
  if (create.code !== 0) throw new Error(`create failed: ${create.stderr}`)
  const from = lab.requests.length
  const result = await timed(['sw-deploy-strategy', 'apply', '--wait', ...extra], env)
  if (result.code !== 0) throw new Error(`apply --wait exited ${result.code}: ${result.stderr.slice(-500)}`)
  const strategyPolls = count(lab, from, (p) => /sw-update-strategy\/?$/.test(p.split('?')[0]))
  const stepLists = count(lab, from, (p) => /sw-update-strategy\/steps\/?$/.test(p))
  console.log(
    `${label.padEnd(34)} wall ${result.wall.toFixed(2)} s, CPU ${result.cpu.toFixed(2)} s ` +
      `(${((100 * result.cpu) / result.wall).toFixed(1)} % of a core), peak RSS ${result.rssMb.toFixed(0)} MB, ` +
      `${strategyPolls} strategy polls, ${stepLists} step lists`,
  )
  const deleted = await timed(['sw-deploy-strategy', 'delete'], env)
  if (deleted.code !== 0) throw new Error(`delete failed: ${deleted.stderr}`)
  // The delete removes steps in batches; wait until the strategy is gone before the next run.
  for (let i = 0; i < 600 && lab.orchestrator.tables.strategy; i++) await new Promise((r) => setTimeout(r, 50))
  return result
}

export default async function strategyWatchBench() {
  const version = await timed(['--version'], process.env)
  console.log(
    `dcm --version (start-up baseline)  wall ${version.wall.toFixed(2)} s, CPU ${version.cpu.toFixed(2)} s, peak RSS ${version.rssMb.toFixed(0)} MB`,
  )
  await withLab(0, async (lab, env, seededMs) => {
    console.log(`seeded ${COUNT} subclouds in ${seededMs.toFixed(0)} ms`)
    await applyAndWatch(lab, env, 'zero-length states, progress')
    await applyAndWatch(lab, env, 'zero-length states, --quiet', ['--quiet'])
  })
  await withLab(2000, async (lab, env) => {
    const run = await applyAndWatch(lab, env, '2 s states, progress (steady watch)')
    const watchCpu = Math.max(0, run.cpu - version.cpu)
    console.log(
      `  watching itself (CPU minus start-up): ${watchCpu.toFixed(2)} s over ${run.wall.toFixed(1)} s = ${((100 * watchCpu) / run.wall).toFixed(2)} % of a core (target < 5 %)`,
    )
  })
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await strategyWatchBench()
