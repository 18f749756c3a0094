// Lab throughput: `GET /v1.0/subclouds/{id}` (what `dcm subcloud show` sends) 1,000 times sequentially and
// 1,000 times 50 at a time, against a `dcm lab start` child process seeded with 1,000 subclouds; plus the
// time to seed 1 / 1,000 / 5,000 subclouds and the `GET /v1.0/subclouds` latency at each size.
// Median of 3 rounds. The lab runs in its own process so client and server do not share an event loop.
import {spawn} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import http from 'node:http'

import {seedLabState} from './lab-seed.js'
import {fmt, median} from './measure.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const ROUNDS = 3
const REQUESTS = 1000

async function startChildLab(dataDir) {
  const args = ['lab', 'start', '--data-dir', dataDir, '--deployer', 'simulated']
  const child = spawn(process.execPath, [path.join(root, 'bin', 'run.js'), ...args], {
    stdio: 'ignore',
  })
  for (let i = 0; i < 300; i++) {
    try {
      const instance = JSON.parse(await fs.readFile(path.join(dataDir, 'lab.json'), 'utf8'))
      if (instance.pid === child.pid) {
        const password = (await fs.readFile(path.join(dataDir, 'admin-password'), 'utf8')).trim()
        return {child, url: instance.url, password}
      }
    } catch {
      // not written yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  child.kill('SIGKILL')
  throw new Error('the lab did not start')
}

async function token(url, password) {
  const response = await fetch(`${url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({
      auth: {identity: {methods: ['password'], password: {user: {name: 'admin', domain: {name: 'Default'}, password}}}},
    }),
  })
  return response.headers.get('x-subject-token')
}

/** One GET on a keep-alive agent: the status, body drained. */
function get(agent, url, token) {
  return new Promise((resolve, reject) => {
    http
      .get(url, {agent, headers: {'x-auth-token': token, accept: 'application/json'}}, (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode))
      })
      .on('error', reject)
  })
}

async function getMany(agent, url, token, count, concurrency, ids) {
  let next = 0
  const start = process.hrtime.bigint()
  const worker = async () => {
    while (next < count) {
      const id = ids[next++ % ids.length]
      const statusCode = await get(agent, `${url}/dcmanager/v1.0/subclouds/${id}`, token)
      if (statusCode !== 200) throw new Error(`GET subcloud ${id}: HTTP ${statusCode}`)
    }
  }
  await Promise.all(Array.from({length: concurrency}, worker))
  return Number(process.hrtime.bigint() - start) / 1e6
}

export default async function labBench() {
  // Seeding, and the list latency at each size.
  for (const count of [1, 1000, 5000]) {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-bench-'))
    const seedTimes = []
    for (let round = 0; round < ROUNDS; round++) {
      const start = process.hrtime.bigint()
      await seedLabState(dataDir, count)
      seedTimes.push(Number(process.hrtime.bigint() - start) / 1e6)
    }
    const {child, url, password} = await startChildLab(dataDir)
    try {
      const auth = await token(url, password)
      const listTimes = []
      for (let round = 0; round < ROUNDS; round++) {
        const start = process.hrtime.bigint()
        const response = await fetch(`${url}/dcmanager/v1.0/subclouds`, {headers: {'x-auth-token': auth}})
        await response.arrayBuffer()
        listTimes.push(Number(process.hrtime.bigint() - start) / 1e6)
      }
      console.log(
        `seed ${String(count).padStart(5)} subclouds: ${fmt(median(seedTimes))}; GET /v1.0/subclouds: ${fmt(median(listTimes))}`,
      )
      if (count === 1000) {
        const agent = new http.Agent({keepAlive: true, maxSockets: 50})
        const ids = Array.from({length: count}, (_, i) => i + 1)
        const sequential = []
        const concurrent = []
        for (let round = 0; round < ROUNDS; round++) {
          sequential.push(await getMany(agent, url, auth, REQUESTS, 1, ids))
          concurrent.push(await getMany(agent, url, auth, REQUESTS, 50, ids))
        }
        agent.destroy()
        const rate = (ms) => `${Math.round((REQUESTS / ms) * 1000)} req/s`
        console.log(
          `GET /v1.0/subclouds/{id} x${REQUESTS} sequential: ${fmt(median(sequential))} (${rate(median(sequential))})`,
        )
        console.log(
          `GET /v1.0/subclouds/{id} x${REQUESTS}, 50 concurrent: ${fmt(median(concurrent))} (${rate(median(concurrent))})`,
        )
      }
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      await fs.rm(dataDir, {recursive: true, force: true})
    }
  }
}
