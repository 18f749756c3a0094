// Startup cost of the CLI and the throughput of `dcm subcloud validate` (issue 2: `--version` under 2.5x bare
// node; 1,000 files in one call under 1.5 s). Needs the built CLI (npm run compile / build).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {spawnSync} from 'node:child_process'

import {fmt, median, timeCommand} from './measure.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dcm = path.join(root, 'bin', 'run.js')

/** A valid simplex subcloud whose management and OAM subnets differ from every other file's. */
function site(index) {
  const second = index >> 8
  const third = index & 255
  return `system_mode: simplex
name: subcloud${index}
description: "generated site ${index}"
management_subnet: 10.${second}.${third}.0/24
management_start_address: 10.${second}.${third}.2
management_end_address: 10.${second}.${third}.50
management_gateway_address: 10.${second}.${third}.1
systemcontroller_gateway_address: 192.168.204.101
external_oam_subnet: 100.${64 + second}.${third}.0/24
external_oam_gateway_address: 100.${64 + second}.${third}.1
external_oam_floating_address: 100.${64 + second}.${third}.12
dns_servers:
  - 100.64.0.53
docker_registries:
  defaults:
    url: registry.central:9001
`
}

/**
 * Median CPU time (user + system) of a command: on a machine busy with other work the wall time mostly measures
 * the wait for a core; the CPU time is what the command itself costs.
 */
function cpuTime(command, args, {runs = 5, env} = {}) {
  const times = []
  for (let i = 0; i < runs; i++) {
    const result = spawnSync('/usr/bin/time', ['-f', '%U %S', command, ...args], {env, encoding: 'utf8'})
    if (result.status !== 0) throw new Error(`${command} exited ${result.status}: ${result.stderr.slice(-300)}`)
    const [user, system] = result.stderr.trim().split('\n').pop().split(' ').map(Number)
    times.push((user + system) * 1000)
  }
  return median(times)
}

export default async function startupValidate() {
  const env = {...process.env, NO_COLOR: '1'}
  const node = timeCommand(process.execPath, ['-e', '0'], {runs: 9, env})
  const version = timeCommand(process.execPath, [dcm, '--version'], {runs: 9, env})
  console.log(`node -e 0                 median ${fmt(node.medianMs)}`)
  console.log(
    `dcm --version             median ${fmt(version.medianMs)}  (${(version.medianMs / node.medianMs).toFixed(2)}x bare node, peak RSS ${version.peakRssMb.toFixed(0)} MB)`,
  )

  const dir = mkdtempSync(path.join(tmpdir(), 'dcm-bench-validate-'))
  try {
    const files = Array.from({length: 1000}, (_, index) => {
      const file = path.join(dir, `site${index}.yml`)
      writeFileSync(file, site(index))
      return file
    })
    const one = timeCommand(process.execPath, [dcm, 'subcloud', 'validate', files[0]], {runs: 5, env})
    const all = timeCommand(process.execPath, [dcm, 'subcloud', 'validate', ...files, '-f', 'value'], {runs: 5, env})
    const cpu = cpuTime(process.execPath, [dcm, 'subcloud', 'validate', ...files, '-f', 'value'], {env})
    console.log(`validate 1 file           median ${fmt(one.medianMs)}`)
    console.log(
      `validate 1,000 files      median ${fmt(all.medianMs)}  (one call; ${((all.medianMs - one.medianMs) / 999).toFixed(2)} ms per extra file, peak RSS ${all.peakRssMb.toFixed(0)} MB)`,
    )
    console.log(`validate 1,000 files      median CPU time (user+sys) ${fmt(cpu)}`)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
