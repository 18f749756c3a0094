import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {chmodSync, existsSync, mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * A throwaway two-namespace network for config-management tests, so dcm never sees the host's own
 * interfaces: a "controller" namespace (where dcm runs its `ip` commands) joined by a veth pair to a
 * "switch" namespace that holds the gateway addresses, lldpd on both ends (each with its own control
 * socket), and a second veth pair inside the controller standing for its other interfaces.
 *
 *   switch ns:  sw<id> 192.168.101.1/24 fd00:101::1/64  (lldpd, tx every second, port id = ifname)
 *   controller: cm<id> (management candidate)   op<id> <-> oq<id> (the "other" interfaces, both ends here)
 */
export interface NetnsLab {
  controller: string
  switchNs: string
  /** Controller side of the link to the switch. */
  iface: string
  /** The switch's port name, which LLDP reports as the remote port. */
  switchPort: string
  others: [string, string]
  /** Control socket of the controller's lldpd (dcm --lldp-socket). */
  lldpSocket: string
  /** Run `ip ARGS` inside the controller namespace; returns stdout. */
  ip(...args: string[]): string
  /** Set a sysctl inside the controller namespace. */
  sysctl(key: string, value: string): void
  snapshot(): Snapshot
  /** Back to the initial state: every controller link down, no global address, no static route. */
  reset(): void
  close(): Promise<void>
}

export interface Snapshot {
  links: {name: string; up: boolean}[]
  addresses: string[]
  routes: string[]
}

/** Why the namespace tests cannot run here, or undefined when they can. */
export function netnsSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: network namespace tests need root'
  for (const tool of ['ip', 'lldpd', 'lldpcli']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], {stdio: 'ignore'})
    } catch {
      return `${tool} is not installed (apt-get install iproute2 lldpd)`
    }
  }
  return undefined
}

function run(argv: string[]): string {
  return execFileSync(argv[0], argv.slice(1), {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
}

export async function createNetnsLab(): Promise<NetnsLab> {
  const id = randomBytes(3).toString('hex')
  const controller = `dcm-cm-${id}`
  const switchNs = `dcm-sw-${id}`
  const iface = `cm${id}`
  const switchPort = `sw${id}`
  const others: [string, string] = [`op${id}`, `oq${id}`]
  // lldpd drops privileges: the socket directory must be searchable by its _lldpd user.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-netns-'))
  chmodSync(dir, 0o755)
  const daemons: ChildProcess[] = []

  const cleanup = async () => {
    for (const daemon of daemons) daemon.kill('SIGTERM')
    await Promise.all(daemons.map((d) => (d.exitCode === null ? new Promise((r) => d.once('exit', r)) : null)))
    for (const ns of [controller, switchNs])
      try {
        run(['ip', 'netns', 'del', ns])
      } catch {
        // already gone
      }
    rmSync(dir, {recursive: true, force: true})
  }

  try {
    run(['ip', 'netns', 'add', controller])
    run(['ip', 'netns', 'add', switchNs])
    run(['ip', '-n', controller, 'link', 'add', iface, 'type', 'veth', 'peer', 'name', switchPort, 'netns', switchNs])
    run(['ip', '-n', controller, 'link', 'add', others[0], 'type', 'veth', 'peer', 'name', others[1]])
    for (const args of [
      ['link', 'set', 'lo', 'up'],
      ['link', 'set', switchPort, 'up'],
      ['addr', 'add', '192.168.101.1/24', 'dev', switchPort],
      ['-6', 'addr', 'add', 'fd00:101::1/64', 'dev', switchPort, 'nodad'],
    ])
      run(['ip', '-n', switchNs, ...args])

    const switchSocket = path.join(dir, 'switch.sock')
    const lldpSocket = path.join(dir, 'controller.sock')
    daemons.push(startLldpd(switchNs, switchSocket, switchPort), startLldpd(controller, lldpSocket, iface))
    await waitForSocket(switchNs, switchSocket)
    await waitForSocket(controller, lldpSocket)
    // A switch port that speaks every second and names its port like a switch would (Gi1/0/12 style).
    for (const setting of [
      ['lldp', 'tx-interval', '1'],
      ['lldp', 'portidsubtype', 'ifname'],
      ['system', 'hostname', 'test-switch'],
    ])
      run(['ip', 'netns', 'exec', switchNs, 'lldpcli', '-u', switchSocket, 'configure', ...setting])

    const ip = (...args: string[]) => run(['ip', '-n', controller, ...args])
    const lab: NetnsLab = {
      controller,
      switchNs,
      iface,
      switchPort,
      others,
      lldpSocket,
      ip,
      sysctl: (key, value) => void run(['ip', 'netns', 'exec', controller, 'sysctl', '-q', '-w', `${key}=${value}`]),
      snapshot: () => snapshotOf(ip),
      reset: () => {
        for (const name of [iface, ...others]) {
          ip('link', 'set', name, 'down')
          ip('addr', 'flush', 'dev', name, 'scope', 'global')
        }
        // `ip route flush` fails on an empty table; delete the static routes one by one instead.
        for (const family of ['-4', '-6'])
          for (const route of JSON.parse(ip('-j', family, 'route', 'show', 'table', 'main') || '[]') as Json[])
            if (route.protocol === undefined || route.protocol === 'boot')
              ip(family, 'route', 'del', String(route.dst), 'dev', String(route.dev))
      },
      close: cleanup,
    }
    return lab
  } catch (error) {
    await cleanup()
    throw error
  }
}

function startLldpd(ns: string, socket: string, iface: string): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, 'lldpd', '-d', '-u', socket, '-I', iface], {stdio: 'ignore'})
}

async function waitForSocket(ns: string, socket: string): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    if (existsSync(socket)) {
      try {
        run(['ip', 'netns', 'exec', ns, 'lldpcli', '-u', socket, 'show', 'configuration'])
        return
      } catch {
        // not answering yet
      }
    }
    if (Date.now() > deadline) throw new Error(`lldpd in ${ns} did not open ${socket}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

type Json = Record<string, unknown>

/**
 * What a run may change, in comparable form: link admin state, global addresses, and main-table routes
 * (link-local ones come and go with the links and are the kernel's, not dcm's).
 */
function snapshotOf(ip: (...args: string[]) => string): Snapshot {
  const links = (JSON.parse(ip('-j', 'link', 'show')) as Json[]).map((link) => ({
    name: link.ifname as string,
    up: (link.flags as string[]).includes('UP'),
  }))
  const addresses = (JSON.parse(ip('-j', 'addr', 'show')) as Json[]).flatMap((link) =>
    (link.addr_info as Json[])
      .filter((info) => info.scope === 'global')
      .map((info) => `${info.local}/${info.prefixlen} dev ${link.ifname}`),
  )
  const routes = ['-4', '-6'].flatMap((family) =>
    (JSON.parse(ip('-j', family, 'route', 'show', 'table', 'main') || '[]') as Json[])
      .filter((route) => !String(route.dst).startsWith('fe80:') && !String(route.dst).startsWith('ff00:'))
      .map((route) => `${route.dst}${route.gateway ? ` via ${route.gateway}` : ''} dev ${route.dev}`),
  )
  return {links: links.sort((a, b) => a.name.localeCompare(b.name)), addresses: addresses.sort(), routes: routes.sort()}
}
