// Fleet scale (issue 16): every read that grows with the fleet, at 5,000 subclouds (and a finished strategy with
// a step per subcloud, for `strategy-step list`), with dcm and, when `dcmanager` is on PATH, with the upstream
// client against the same lab in the same run. Prints median wall time, median CPU (user + system) and peak RSS
// for both and the ratio dcm / upstream, and says whether the two outputs are byte-identical.
// `npm run bench -- scale`; needs the built CLI (`npm run compile`); the single executable is measured as well when
// `npm run package` has built it.
//
// Wall/CPU/RSS come from GNU time (/usr/bin/time -f): it reports the child's own rusage, so the figures hold
// no bench overhead. Without it only wall time is printed.
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {startSeededLab} from './lab-seed.js'
import {median} from './measure.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dcm = path.join(root, 'bin', 'run.js')
const binary = path.join(root, 'dist-bin', 'dcm')
const COUNT = Number(process.env.DCM_BENCH_SUBCLOUDS ?? 5000)
const RUNS = Number(process.env.DCM_BENCH_RUNS ?? 5)
const GNU_TIME = '/usr/bin/time'

/** The reads measured, as argv shared by both clients; a command not built on this branch is skipped. */
const READS = [
  ['subcloud', 'list'],
  ['subcloud', 'list', '--detail'],
  ['subcloud', 'list', '-f', 'json'],
  ['subcloud', 'list', '--detail', '-f', 'json'],
  ['subcloud', 'list', '-f', 'csv'],
  ['subcloud', 'list', '-f', 'value'],
  ['subcloud-group', 'list-subclouds', 'Default'],
  ['alarm', 'summary'],
  ['subcloud-peer-group', 'list-subclouds', '1'],
  ['strategy-step', 'list'],
]

function onPath(name) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, name)))
}

function built([topic, verb]) {
  const commands = path.join(root, 'dist', 'commands')
  return existsSync(path.join(commands, topic, `${verb}.js`)) || existsSync(path.join(commands, `${topic}.js`))
}

/** One run under GNU time: wall, CPU and peak RSS of the child alone, and its stdout. */
function runOnce(command, args, env) {
  const timed = existsSync(GNU_TIME)
  const start = process.hrtime.bigint()
  const result = timed
    ? spawnSync(GNU_TIME, ['-f', 'DCM-BENCH %e %U %S %M', command, ...args], {env, maxBuffer: 1 << 30})
    : spawnSync(command, args, {env, maxBuffer: 1 << 30})
  const outerMs = Number(process.hrtime.bigint() - start) / 1e6
  if (result.error) throw result.error
  const stderr = result.stderr.toString('utf8')
  if (result.status !== 0)
    throw new Error(`${path.basename(command)} ${args.join(' ')} exited ${result.status}: ${stderr}`)
  const line = stderr
    .split('\n')
    .reverse()
    .find((text) => text.startsWith('DCM-BENCH '))
  if (!line) return {wallMs: outerMs, cpuMs: NaN, rssMb: NaN, stdout: result.stdout}
  const [wall, user, system, kb] = line.split(' ').slice(1).map(Number)
  return {wallMs: wall * 1000, cpuMs: (user + system) * 1000, rssMb: kb / 1024, stdout: result.stdout}
}

/** A warm-up run (page cache, token cache), then RUNS measured ones: medians of wall and CPU, max of RSS. */
function measure(command, args, env) {
  const first = runOnce(command, args, env)
  const runs = Array.from({length: RUNS}, () => runOnce(command, args, env))
  return {
    wallMs: median(runs.map((run) => run.wallMs)),
    cpuMs: median(runs.map((run) => run.cpuMs)),
    rssMb: Math.max(...runs.map((run) => run.rssMb)),
    stdout: first.stdout,
  }
}

const figures = (run) =>
  `wall ${run.wallMs.toFixed(0).padStart(5)} ms  cpu ${run.cpuMs.toFixed(0).padStart(5)} ms  rss ${run.rssMb.toFixed(0).padStart(4)} MB`

export default async function scaleBench() {
  const base = {...process.env, NO_COLOR: '1'}
  for (const key of Object.keys(base)) if (/^(OS_|DCM_|CLIFF_)/.test(key)) delete base[key]
  const upstream = onPath('dcmanager')
  console.log(
    `${COUNT.toLocaleString('en-US')} subclouds, ${RUNS} runs each (medians; peak RSS is the max), token cached; ` +
      (upstream ? 'upstream dcmanager on PATH' : 'dcmanager not on PATH: dcm figures only'),
  )
  const lab = await startSeededLab({count: COUNT, strategy: true})
  try {
    const env = {...base, ...lab.env}
    for (const argv of READS) {
      if (!built(argv)) {
        console.log(`${argv.join(' ').padEnd(40)} (not in this build: skipped)`)
        continue
      }
      const ours = measure(process.execPath, [dcm, ...argv], env)
      console.log(`${argv.join(' ').padEnd(40)} dcm       ${figures(ours)}`)
      // The single executable too, when `npm run package` built it: what a controller runs.
      const packaged = existsSync(binary) ? measure(binary, argv, env) : undefined
      if (packaged) console.log(`${''.padEnd(40)} dcm (bin) ${figures(packaged)}`)
      if (!upstream) continue
      let theirs
      try {
        theirs = measure('dcmanager', argv, env)
      } catch (error) {
        console.log(`${''.padEnd(40)} dcmanager failed: ${String(error.message).split('\n')[0]}`)
        continue
      }
      console.log(`${''.padEnd(40)} dcmanager ${figures(theirs)}`)
      for (const [label, run] of [
        ['ratio    ', ours],
        ['ratio bin', packaged],
      ]) {
        if (!run) continue
        const same = Buffer.compare(run.stdout, theirs.stdout) === 0 ? 'identical output' : 'OUTPUT DIFFERS'
        console.log(
          `${''.padEnd(40)} ${label} wall ${(run.wallMs / theirs.wallMs).toFixed(2)}x  cpu ${(run.cpuMs / theirs.cpuMs).toFixed(2)}x  rss ${(run.rssMb / theirs.rssMb).toFixed(2)}x  ${same}`,
        )
      }
    }
  } finally {
    await lab.stop()
  }
}
