// `dcm subcloud list` against a lab holding 1, 1,000 and 5,000 subclouds (issue 3 targets: under 250 ms at 1,
// under 600 ms at 5,000 on a 2-core machine; peak RSS under 150 MB). The lab runs in this process, so the CLI is
// timed with an asynchronous spawn (a spawnSync would block the lab's event loop). Needs the built CLI.
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {startSeededLab} from './lab-seed.js'
import {fmt, median} from './measure.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dcm = path.join(root, 'bin', 'run.js')
const RUNS = 7

/** One run: wall ms and peak RSS in MB (GNU time's %M when /usr/bin/time exists). */
function runOnce(args, env) {
  const timed = existsSync('/usr/bin/time')
  const [command, argv] = timed
    ? ['/usr/bin/time', ['-f', '%M', process.execPath, dcm, ...args]]
    : [process.execPath, [dcm, ...args]]
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(command, argv, {env, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6
      if (code !== 0) return reject(new Error(`dcm ${args.join(' ')} exited ${code}: ${stderr}`))
      const kb = Number(stderr.trim().split('\n').pop())
      resolve({wallMs, rssMb: timed && Number.isFinite(kb) ? kb / 1024 : NaN})
    })
  })
}

async function measure(args, env) {
  const walls = []
  let peak = 0
  await runOnce(args, env) // warm the page cache and (when enabled) the token cache
  for (let i = 0; i < RUNS; i++) {
    const {wallMs, rssMb} = await runOnce(args, env)
    walls.push(wallMs)
    peak = Math.max(peak, rssMb)
  }
  return {medianMs: median(walls), peakRssMb: peak}
}

export default async function subcloudListBench() {
  const base = {...process.env, NO_COLOR: '1'}
  for (const key of Object.keys(base)) if (/^(OS_|DCM_|CLIFF_)/.test(key)) delete base[key]
  const version = await measure(['--version'], base)
  console.log(`dcm --version (baseline)            median ${fmt(version.medianMs)}`)
  for (const count of [1, 1000, 5000]) {
    const lab = await startSeededLab({count})
    try {
      const cached = {...base, ...lab.env}
      const cold = {...cached, DCCLIENT_NO_CACHE: 'true'}
      const label = `${count.toLocaleString('en-US')} subcloud${count === 1 ? '' : 's'}`.padEnd(16)
      for (const [name, env, args] of [
        ['token cached', cached, ['subcloud', 'list']],
        ['--no-cache  ', cold, ['subcloud', 'list']],
        ['-f json     ', cached, ['subcloud', 'list', '-f', 'json']],
      ]) {
        const result = await measure(args, env)
        console.log(
          `subcloud list ${label} ${name} median ${fmt(result.medianMs)}  (${(result.medianMs / version.medianMs).toFixed(2)}x --version, peak RSS ${result.peakRssMb.toFixed(0)} MB)`,
        )
      }
    } finally {
      await lab.stop()
    }
  }
}
