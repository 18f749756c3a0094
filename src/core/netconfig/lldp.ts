import {sleep as sleepFor} from '../duration.js'
import {InterruptedError} from '../errors.js'
import {COMMAND_NOT_FOUND, type Executor} from './executor.js'
import {firstLine} from './ip-state.js'

/**
 * LLDP neighbours from lldpd, through `lldpcli -f json0 show neighbors` (json0 keeps every list a list,
 * whatever the count; the plain `json` format turns a single item into an object). lldpd missing or not
 * running is a normal situation on a fresh controller: it is reported as unavailable, never as a crash.
 */
export interface Neighbour {
  /** Local interface name. */
  interface: string
  /** The remote port id as the switch reports it (e.g. Gi1/0/12), as upstream shows it. */
  remotePort: string
  remotePortDescription?: string
  remoteSystem?: string
}

export type LldpReading = {available: true; neighbours: Neighbour[]} | {available: false; reason: string}

export function lldpArgv(socket?: string): string[] {
  return ['lldpcli', ...(socket ? ['-u', socket] : []), '-f', 'json0', 'show', 'neighbors']
}

export async function readNeighbours(executor: Executor, socket?: string): Promise<LldpReading> {
  const result = await executor.run(lldpArgv(socket))
  if (result.code === COMMAND_NOT_FOUND)
    return {available: false, reason: 'lldpcli is not installed (apt-get install lldpd)'}
  if (result.code !== 0)
    return {
      available: false,
      reason: `lldpd is not reachable: ${lldpcliMessage(result.stderr) || `exit ${result.code}`}`,
    }
  return {available: true, neighbours: parseNeighbours(result.stdout)}
}

/** lldpcli's log lines start with a timestamp and a tag: `2026-11-25T09:10:47 [WARN/control] unable to ...`. */
function lldpcliMessage(stderr: string): string {
  return firstLine(stderr).replace(/^\S+\s+\[[\w/-]+\]\s*/, '')
}

type Json = Record<string, unknown>

/** The first element of a json0 list, or the value itself in the plain json format. */
function one(value: unknown): Json | undefined {
  const item = Array.isArray(value) ? value[0] : value
  return typeof item === 'object' && item !== null ? (item as Json) : undefined
}

/** A json0 `[{"value": "x"}]`, a json `{"value": "x"}` or a plain string. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  const item = one(value)
  return typeof item?.value === 'string' ? item.value : undefined
}

/** Unparsable output or no `interface` key means no neighbours, as upstream treats it. */
export function parseNeighbours(output: string): Neighbour[] {
  let document: unknown
  try {
    document = JSON.parse(output)
  } catch {
    return []
  }
  const lldp = one((document as Json | null)?.lldp)
  const entries = interfaceEntries(lldp?.interface)
  const out: Neighbour[] = []
  for (const {name, entry} of entries) {
    const port = one(entry.port)
    const remotePort = text(port?.id)
    // An entry without a port id is skipped (upstream crashed on it).
    if (!remotePort) continue
    out.push({
      interface: name,
      remotePort,
      remotePortDescription: text(port?.descr),
      remoteSystem: systemName(entry.chassis),
    })
  }
  return out
}

/** json0: a list of entries with a `name`; json: an object keyed by name, or a list of such objects. */
function interfaceEntries(value: unknown): {name: string; entry: Json}[] {
  const list = Array.isArray(value) ? value : value ? [value] : []
  const out: {name: string; entry: Json}[] = []
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue
    const record = item as Json
    if (typeof record.name === 'string') out.push({name: record.name, entry: record})
    else
      for (const [name, entry] of Object.entries(record))
        if (typeof entry === 'object' && entry !== null) out.push({name, entry: entry as Json})
  }
  return out
}

function systemName(chassis: unknown): string | undefined {
  const record = one(chassis)
  if (!record) return undefined
  const named = text(record.name)
  if (named) return named
  // Plain json keys the chassis by its system name: {"switch1": {"id": ...}}.
  const keys = Object.keys(record).filter((key) => key !== 'id')
  return keys.length === 1 && typeof record[keys[0]] === 'object' ? keys[0] : undefined
}

export interface WaitOptions {
  socket?: string
  /** Give up after this long; 0 reads once without waiting. */
  timeoutMs: number
  /** Time between two polls; default 2 s. */
  intervalMs?: number
  /** Stop early once every one of these interfaces has a neighbour (the links that have a carrier). */
  interfaces: string[]
  signal?: AbortSignal
  /** Called after each poll that did not finish the wait: drives the countdown. */
  onTick?: (tick: {remainingMs: number; found: string[]}) => void
}

export type LldpOutcome =
  {available: false; reason: string} | {available: true; neighbours: Neighbour[]; complete: boolean; waitedMs: number}

/**
 * Poll lldpd until every interface with a carrier has a neighbour or the timeout passes (upstream always
 * slept a fixed 120 s). Ctrl-C (the signal) stops the wait with an InterruptedError.
 */
export async function waitForNeighbours(executor: Executor, options: WaitOptions): Promise<LldpOutcome> {
  const started = Date.now()
  const interval = options.intervalMs ?? 2000
  for (;;) {
    throwIfAborted(options.signal)
    const reading = await readNeighbours(executor, options.socket)
    if (!reading.available) return reading
    const found = new Set(reading.neighbours.map((n) => n.interface))
    const complete = options.interfaces.every((name) => found.has(name))
    const waitedMs = Date.now() - started
    const remainingMs = options.timeoutMs - waitedMs
    if (complete || remainingMs <= 0) return {available: true, neighbours: reading.neighbours, complete, waitedMs}
    options.onTick?.({remainingMs, found: [...found]})
    await sleep(Math.min(interval, remainingMs), options.signal)
  }
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new InterruptedError('Aborted')
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepFor(ms, signal, () => new InterruptedError('Aborted'))
}
