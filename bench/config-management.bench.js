// dcm config-management against the real kernel (root, iproute2, lldpd): two throwaway network namespaces
// joined by a veth pair, lldpd on both ends. Upstream always sleeps 120 s for LLDP before asking anything;
// dcm polls lldpd and stops once the management interface has a neighbour. Figures: median wall time of a
// configuration from scratch, of a second (no-op) run and of a dry run, against upstream's 120 s floor.
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {chmodSync, existsSync, mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {fmt, median} from './measure.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const RUNS = 5
const UPSTREAM_LLDP_WAIT_MS = 120_000

const run = (argv) => execFileSync(argv[0], argv.slice(1), {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})

function skipReason() {
  if (process.getuid?.() !== 0) return 'not root'
  for (const tool of ['ip', 'lldpd', 'lldpcli'])
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} missing`
  return undefined
}

async function waitFor(check, what) {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export default async function () {
  const reason = skipReason()
  if (reason) {
    console.log(`skipped: ${reason} (needs root, iproute2 and lldpd)`)
    return
  }
  const id = randomBytes(3).toString('hex')
  const [cm, sw, iface, port] = [`dcm-bcm-${id}`, `dcm-bsw-${id}`, `bc${id}`, `bs${id}`]
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-bench-cm-'))
  chmodSync(dir, 0o755)
  const daemons = []
  try {
    run(['ip', 'netns', 'add', cm])
    run(['ip', 'netns', 'add', sw])
    run(['ip', '-n', cm, 'link', 'add', iface, 'type', 'veth', 'peer', 'name', port, 'netns', sw])
    run(['ip', '-n', sw, 'link', 'set', port, 'up'])
    run(['ip', '-n', sw, 'addr', 'add', '192.168.101.1/24', 'dev', port])
    const sockets = {sw: path.join(dir, 'sw.sock'), cm: path.join(dir, 'cm.sock')}
    for (const [ns, socket, name] of [
      [sw, sockets.sw, port],
      [cm, sockets.cm, iface],
    ]) {
      daemons.push(spawn('ip', ['netns', 'exec', ns, 'lldpd', '-d', '-u', socket, '-I', name], {stdio: 'ignore'}))
      await waitFor(
        () =>
          existsSync(socket) &&
          spawnSync('ip', ['netns', 'exec', ns, 'lldpcli', '-u', socket, 'show', 'configuration']).status === 0,
        `lldpd in ${ns}`,
      )
    }
    // A switch port that speaks every second (lldpd's default is 30 s).
    run(['ip', 'netns', 'exec', sw, 'lldpcli', '-u', sockets.sw, 'configure', 'lldp', 'tx-interval', '1'])

    const dcm = (extra) => {
      const args = [
        path.join(here, '..', 'bin', 'run.js'),
        'config-management',
        '--netns',
        cm,
        '--lldp-socket',
        sockets.cm,
        '--log-file',
        path.join(dir, 'cm.log'),
        '--record-dir',
        path.join(dir, 'records'),
        '--interface',
        iface,
        '--address',
        '192.168.101.10/24',
        '--system-controller-subnet',
        '192.168.204.0/24',
        '--lldp-timeout',
        '120',
        ...extra,
      ]
      const start = process.hrtime.bigint()
      const result = spawnSync(process.execPath, args, {encoding: 'utf8'})
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (result.status !== 0) throw new Error(`dcm exited ${result.status}: ${result.stderr}`)
      return ms
    }
    const reset = () => {
      spawnSync('ip', ['-n', cm, 'route', 'del', '192.168.204.0/24'])
      run(['ip', '-n', cm, 'addr', 'flush', 'dev', iface, 'scope', 'global'])
      run(['ip', '-n', cm, 'link', 'set', iface, 'down'])
      rmSync(path.join(dir, 'records'), {recursive: true, force: true})
      // lldpd forgets the neighbour when the link goes down; wait until it has, so every run starts cold.
      spawnSync('sleep', ['1'])
    }

    const scratch = []
    const noop = []
    const dry = []
    for (let i = 0; i < RUNS; i++) {
      reset()
      scratch.push(dcm(['--yes']))
      noop.push(dcm(['--yes']))
      dry.push(dcm(['--dry-run']))
    }
    const fromScratch = median(scratch)
    console.log(
      `configure from scratch (link down, LLDP neighbour found by polling): ${fmt(fromScratch)} median of ${RUNS}`,
    )
    console.log(
      `  upstream floor (fixed LLDP sleep alone): ${fmt(UPSTREAM_LLDP_WAIT_MS)}; dcm is ${(UPSTREAM_LLDP_WAIT_MS / fromScratch).toFixed(0)}x faster`,
    )
    console.log(`second run, nothing to change: ${fmt(median(noop))} median of ${RUNS}`)
    console.log(`dry run: ${fmt(median(dry))} median of ${RUNS}`)
  } finally {
    for (const daemon of daemons) daemon.kill('SIGTERM')
    await Promise.all(daemons.map((d) => (d.exitCode === null ? new Promise((r) => d.once('exit', r)) : null)))
    for (const ns of [cm, sw]) spawnSync('ip', ['netns', 'del', ns])
    rmSync(dir, {recursive: true, force: true})
  }
}
