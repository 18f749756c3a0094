// Shared measuring helpers for the benchmark scripts: wall time and peak RSS of child processes.
import {spawnSync} from 'node:child_process'

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Run a command `runs` times; returns median wall ms and the max peak RSS in MB (from /usr/bin/time when present). */
export function timeCommand(command, args, {runs = 7, env = process.env, input} = {}) {
  const walls = []
  let peakRssMb = 0
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], {env, input, encoding: 'utf8'})
    const wall = Number(process.hrtime.bigint() - start) / 1e6
    if (result.error) throw result.error
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`)
    walls.push(wall)
    const kb = Number(result.stderr.trim().split('\n').pop())
    if (Number.isFinite(kb)) peakRssMb = Math.max(peakRssMb, kb / 1024)
  }
  return {medianMs: median(walls), peakRssMb}
}

export function fmt(ms) {
  return `${ms.toFixed(1)} ms`
}
