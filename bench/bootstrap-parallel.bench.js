// Bootstrap of 100 lab hosts with `dcm subcloud bootstrap --parallel 1, 10, 50`: wall time against the ideal
// ceil(100/P) x per-host time, overhead %, and the CLI's peak RSS (targets: overhead < 15% at P=50, RSS < 300 MB).
//
// The hosts are the lab's simulated controllers (dist/lab/hosts/ssh-host-registry.js) served from this process on
// loopback ports; the CLI reaches them by their 10.x bootstrap addresses through the registry's ssh_config, as
// `eval "$(dcm lab env)"` sets it up. Each host plays the same fixed transcript of BENCH_HOST_SECONDS (0.5 s).
// The per-host time is what one bootstrap costs end to end (SSH connect, upload, playbook, cleanup): the median
// of the engine's own elapsed column in the --parallel 1 run. CLI start-up is measured apart (`dcm --version`)
// and taken off each wall time. The client CPU per host is the CLI process's user + system time (GNU time) over
// the number of hosts. BENCH_HOSTS, BENCH_HOST_SECONDS, BENCH_PARALLEL=1,10,50 and BENCH_DEBUG=1
// (CPU of the CLI and of the hosts, per-host elapsed) tune it.
import {spawn} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {median} from './measure.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(root, 'bin', 'run.js')
const HOSTS = Number(process.env.BENCH_HOSTS ?? 100)
const HOST_SECONDS = Number(process.env.BENCH_HOST_SECONDS ?? 0.5)
const PARALLEL = (process.env.BENCH_PARALLEL ?? '1,10,50').split(',').map(Number)
const PASSWORD = 'Bench*Sysadmin1'

/** A valid AIO-SX values file per host: its own management and OAM subnets, so no two subclouds overlap. */
function valuesFile(index) {
  return [
    'system_mode: simplex',
    `name: bench${String(index).padStart(3, '0')}`,
    `management_subnet: 192.168.${index}.0/24`,
    `management_start_address: 192.168.${index}.2`,
    `management_end_address: 192.168.${index}.50`,
    `management_gateway_address: 192.168.${index}.1`,
    'systemcontroller_gateway_address: 192.168.204.101',
    `external_oam_subnet: 10.10.${index}.0/24`,
    `external_oam_gateway_address: 10.10.${index}.1`,
    `external_oam_floating_address: 10.10.${index}.12`,
    'dns_servers:',
    '  - 10.10.10.53',
    '',
  ].join('\n')
}

/** Run the CLI without blocking this process (it serves the hosts); wall ms, peak RSS (MB) and stdout. */
function runCli(args, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn('/usr/bin/time', ['-f', 'RSS_KB=%M CPU_S=%U+%S', process.execPath, bin, ...args], {
      env: {...process.env, ...env},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6
      const rss = /RSS_KB=(\d+)/.exec(stderr)
      const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(stderr)
      if (code !== 0)
        return reject(new Error(`dcm ${args.slice(0, 2).join(' ')} exited ${code}: ${stderr.slice(-800)}`))
      resolve({
        wallMs,
        peakRssMb: rss ? Number(rss[1]) / 1024 : NaN,
        cpuS: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN,
        stdout,
      })
    })
    child.stdin.end(`${PASSWORD}\n`)
  })
}

function seconds(text) {
  // The summary's elapsed column: "1.3s", "2m04s" or a number of ms in JSON.
  if (typeof text === 'number') return text / 1000
  const match = /^(?:(\d+)m)?(\d+(?:\.\d+)?)s$/.exec(String(text).trim())
  return match ? Number(match[1] ?? 0) * 60 + Number(match[2]) : NaN
}

export default async function bench() {
  const {LabHostRegistry} = await import(
    pathToFileURL(path.join(root, 'dist', 'lab', 'hosts', 'ssh-host-registry.js')).href
  )
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-bench-bootstrap-'))
  const registry = await LabHostRegistry.open(path.join(dir, 'lab'))
  try {
    const valuesDir = path.join(dir, 'values')
    await fs.mkdir(valuesDir)
    const addresses = []
    for (let i = 1; i <= HOSTS; i++) {
      const name = `bench${String(i).padStart(3, '0')}`
      const address = `10.10.${i}.12`
      await registry.add({name, bootstrapAddress: address, password: PASSWORD, durationSeconds: HOST_SECONDS})
      await fs.writeFile(path.join(valuesDir, `${name}.yml`), valuesFile(i))
      addresses.push(`${name}: ${address}`)
    }
    await fs.writeFile(path.join(valuesDir, 'addresses.yml'), addresses.join('\n') + '\n')
    const common = [
      '--ssh-config',
      registry.sshConfigPath,
      '--known-hosts',
      registry.knownHostsPath,
      '--ssh-host-key-policy',
      'strict',
      '--sysadmin-password-stdin',
      '--no-preflight',
      '--quiet',
      '--log-dir',
      path.join(dir, 'logs'),
      '-f',
      'json',
    ]
    const env = {NO_COLOR: '1'}

    const startups = []
    for (let i = 0; i < 3; i++) startups.push((await runCli(['--version'], env)).wallMs)
    const startupMs = median(startups)

    const runAt = async (parallel) => {
      const hostCpu = process.cpuUsage()
      const result = await runCli(
        ['subcloud', 'bootstrap', '--bootstrap-values', valuesDir, '--parallel', String(parallel), ...common],
        env,
      )
      const used = process.cpuUsage(hostCpu)
      const rows = JSON.parse(result.stdout)
      const failed = rows.filter((row) => row.result !== 'complete')
      if (failed.length) throw new Error(`${failed.length} bootstraps did not complete: ${JSON.stringify(failed[0])}`)
      if (process.env.BENCH_DEBUG)
        console.log(
          `CPU: dcm ${result.cpuS.toFixed(1)} s, hosts ${((used.user + used.system) / 1e6).toFixed(1)} s; ` +
            `elapsed: ${rows.map((row) => row.elapsed).join(' ')}`,
        )
      return {...result, rows, wallS: (result.wallMs - startupMs) / 1000}
    }

    // Per-host time: the median of the engine's own per-subcloud elapsed in the sequential run (--parallel 1),
    // i.e. what one bootstrap costs end to end when it has the machine to itself.
    const runs = new Map()
    if (PARALLEL.includes(1)) runs.set(1, await runAt(1))
    const reference = runs.get(1) ?? (await runAt(1))
    const perHostS = median(reference.rows.map((row) => seconds(row.elapsed)))
    console.log(
      `${HOSTS} lab hosts, transcript ${HOST_SECONDS}s each; per-host bootstrap ${perHostS.toFixed(2)}s ` +
        `(median at --parallel 1: SSH connect + upload + playbook + cleanup); CLI start-up ${startupMs.toFixed(0)} ms ` +
        '(taken off each wall time)',
    )
    console.log('| --parallel | wall | ideal ceil(N/P) x per-host | overhead | peak RSS | client CPU per host |')
    console.log('|---|---|---|---|---|---|')
    for (const parallel of PARALLEL) {
      const result = runs.get(parallel) ?? (await runAt(parallel))
      const idealS = Math.ceil(HOSTS / parallel) * perHostS
      const overhead = (result.wallS / idealS - 1) * 100
      console.log(
        `| ${parallel} | ${result.wallS.toFixed(2)} s | ${idealS.toFixed(2)} s | ${overhead.toFixed(1)} % | ${result.peakRssMb.toFixed(0)} MB | ${((result.cpuS * 1000) / HOSTS).toFixed(0)} ms |`,
      )
    }
    console.log(
      'targets: overhead < 15 % at --parallel 50, peak RSS < 300 MB, client CPU per host < 300 ms (the CLI process' +
        "' user + system time over the hosts, start-up included)",
    )
  } finally {
    await registry.close()
    await fs.rm(dir, {recursive: true, force: true})
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await bench()
