// Seed a lab data dir with N deployed subclouds by writing its state file directly (5,000 in well under a
// second), and start a lab over it. Used by bench/lab.bench.js and by the `dcm subcloud list` benchmark.
//
//   import {seedLabState, startSeededLab} from './lab-seed.js'
//   const lab = await startSeededLab({count: 5000})      // a background `dcm lab start` on 127.0.0.1:<ephemeral>
//   ... run `dcm subcloud list` with lab.env (spawnSync is fine: the lab has its own process) ...
//   await lab.stop()                                     // stops it and removes its temp data dir
//
// Needs the built CLI (dist/, `npm run compile`).
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const built = (module) => import(pathToFileURL(path.join(root, 'dist', module)).href)

/**
 * Write `<dataDir>/state.json` holding `count` subclouds: every tenth one unmanaged/offline, the others
 * managed, online (with their route to the System Controller) and in-sync. With `strategy`, also a finished
 * sw-deploy strategy with one complete step per subcloud (what `strategy-step list` shows after a fleet-wide
 * apply). Returns the state written.
 */
export async function seedLabState(dataDir, count, {strategy = false} = {}) {
  const {emptyLabState} = await built('lab/lab-store.js')
  const {newSubcloudRecord, ENDPOINT_TYPES} = await built('lab/dcmanager/subcloud-model.js')
  const {writeJsonAtomic} = await built('core/files/private-file.js')
  await fs.mkdir(dataDir, {recursive: true, mode: 0o700})
  const state = emptyLabState()
  for (let i = 1; i <= count; i++) {
    const net = `10.${(i >> 8) + 1}.${i & 255}`
    const record = newSubcloudRecord({
      id: i,
      name: `subcloud-${String(i).padStart(5, '0')}`,
      description: `seeded subcloud ${i}`,
      location: `row ${(i % 40) + 1}`,
      softwareVersion: '24.09',
      deployStatus: 'complete',
      managementSubnet: `${net}.0/24`,
      managementStartIp: `${net}.2`,
      managementEndIp: `${net}.50`,
      managementGatewayIp: `${net}.1`,
      systemcontrollerGatewayIp: '192.168.204.101',
      bootstrapAddress: `${net}.12`,
      oamFloatingAddress: `${net}.12`,
    })
    if (i % 10 !== 0) {
      record.managementState = 'managed'
      record.availabilityStatus = 'online'
      record.endpointSyncStatus = Object.fromEntries(ENDPOINT_TYPES.map((type) => [type, 'in-sync']))
      state.routes[record.name] = [{network: '192.168.204.0', prefix: 24, gateway: `${net}.1`, metric: 1}]
    }
    state.subclouds.push(record)
  }
  state.nextSubcloudId = count + 1
  if (strategy) {
    state.orchestration = finishedStrategy(state.subclouds)
    state.geo = fleetPeerGroup(state.subclouds)
  }
  await writeJsonAtomic(path.join(dataDir, 'state.json'), state)
  return state
}

/**
 * The lab's geo tables (src/lab/geo/geo-tables.ts) with one peer group, id 1, holding every subcloud: what
 * `subcloud-peer-group list-subclouds 1` reads at fleet size.
 */
function fleetPeerGroup(subclouds) {
  const uuid = '5e1f0a52-6b1c-4d3e-9f70-2a8b3c4d5e6f'
  for (const subcloud of subclouds) subcloud.peerGroupId = 1
  return {
    system: {uuid, name: 'SystemController', mode: 'duplex'},
    nextPeerId: 1,
    nextPeerGroupId: 2,
    nextAssociationId: 1,
    systemPeers: [],
    peerGroups: [
      {
        id: 1,
        peerGroupName: 'fleet',
        groupPriority: 0,
        groupState: 'enabled',
        maxSubcloudRehoming: 10,
        systemLeaderId: uuid,
        systemLeaderName: 'SystemController',
        migrationStatus: null,
        createdAt: '2026-01-01 10:00:00.000000',
        updatedAt: null,
      },
    ],
    associations: [],
    alarms: [],
  }
}

/** The lab orchestrator's tables (src/lab/orchestrator/orchestration-tables.ts) after a completed apply. */
function finishedStrategy(subclouds) {
  const at = (minute) => `2026-01-01 10:${String(minute).padStart(2, '0')}:00.000000`
  const steps = subclouds.map((subcloud, index) => ({
    id: index + 1,
    subcloudId: subcloud.id,
    cloud: subcloud.name,
    stage: 3,
    state: 'complete',
    details: '',
    startedAt: at(1),
    finishedAt: at(2 + (index % 50)),
    createdAt: at(0),
    updatedAt: at(2 + (index % 50)),
  }))
  return {
    nextStrategyId: 2,
    nextStepId: steps.length + 1,
    nextOptionsId: 1,
    strategy: {
      id: 1,
      type: 'sw-deploy',
      subcloudApplyType: 'parallel',
      maxParallelSubclouds: 500,
      stopOnFailure: false,
      state: 'complete',
      extraArgs: {release_id: 'stx-10.0.1'},
      createdAt: at(0),
      updatedAt: at(59),
    },
    steps,
    options: [],
  }
}

/**
 * Seed a temp data dir and start `dcm lab start` on it in the background, as `dcm lab start --detach` does
 * (its own process and event loop, so callers may time the CLI with spawnSync). `env` is what `dcm lab env`
 * prints; `stop()` ends the lab and removes the dir.
 */
export async function startSeededLab({count, timeScale = 0.05, strategy = false} = {}) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-bench-'))
  const {labEnvironment, readAdminPassword} = await built('lab/lab-files.js')
  const {startDetached, stopInstance} = await built('lab/lab-process.js')
  const stop = async () => {
    await stopInstance(dataDir)
    await fs.rm(dataDir, {recursive: true, force: true})
  }
  try {
    await seedLabState(dataDir, count, {strategy})
    const instance = await startDetached({
      runScript: path.join(root, 'bin', 'run.js'),
      dataDir,
      args: ['--data-dir', dataDir, '--deployer', 'simulated', '--time-scale', String(timeScale)],
    })
    const password = await readAdminPassword(dataDir)
    return {
      ...instance,
      dataDir,
      password,
      env: {...labEnvironment(instance, password), XDG_CACHE_HOME: path.join(dataDir, 'client-cache')},
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
