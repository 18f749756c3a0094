import {readFileSync, readdirSync, statSync} from 'node:fs'
import path from 'node:path'

import {
  ConnectionError,
  type DcmError,
  ExitCode,
  InterruptedError,
  OperationError,
  TimeoutError,
  UsageError,
} from '../errors.js'
import {isAddress} from '../net/cidr.js'
import {findCrossFileConflicts} from '../overrides/cross-file.js'
import {loadOverrideFile} from '../overrides/load.js'
import type {Finding, LoadedOverrides, SubcloudValidationOptions} from '../overrides/types.js'
import {validateSubcloudOverrides} from '../overrides/validate.js'
import {runBootstrap} from './engine.js'
import {describeError} from './error-description.js'
import {BootstrapLog} from './log-file.js'
import {type PreflightCheck, runPreflight} from './preflight.js'
import type {BootstrapEvent, BootstrapOptions, BootstrapResult} from './types.js'

/**
 * `dcm subcloud bootstrap` over one or many subclouds: which file goes to which address, validation of every
 * file before anything connects, a bounded worker pool where one failure does not stop the others, and the
 * exit code of the whole batch.
 */
export interface BootstrapTarget {
  file: string
  name: string
  address: string
  overridesText: string
  loaded: LoadedOverrides
}

/** The address map a directory of override files carries (`<subcloud name or file stem>: <address>`). */
export const ADDRESS_MAP_NAMES = ['addresses.yml', 'addresses.yaml']

const isYaml = (file: string) => /\.ya?ml$/i.test(file)

function load(file: string): {loaded: LoadedOverrides; text: string; name: string} {
  const loaded = loadOverrideFile(file)
  const text = readFileSync(file, 'utf8')
  const fromFile = loaded.values.name
  const name = typeof fromFile === 'string' && fromFile !== '' ? fromFile : path.basename(file).replace(/\.ya?ml$/i, '')
  return {loaded, text, name}
}

function readAddressMap(dir: string): {file: string; map: Record<string, string>} {
  const mapName = ADDRESS_MAP_NAMES.find((candidate) => {
    try {
      return statSync(path.join(dir, candidate)).isFile()
    } catch {
      return false
    }
  })
  if (!mapName)
    throw new UsageError(`${dir}: a directory of bootstrap values needs an address map ${ADDRESS_MAP_NAMES[0]}`, {
      hint: `write one line per subcloud into ${path.join(dir, ADDRESS_MAP_NAMES[0])}: "<subcloud name>: <bootstrap address>"`,
    })
  const file = path.join(dir, mapName)
  const {values, lineCounter, document} = loadOverrideFile(file)
  const map: Record<string, string> = {}
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string' || !isAddress(value)) {
      const node = document.get(key, true) as {range?: [number, number]} | undefined
      const pos = node?.range ? lineCounter.linePos(node.range[0]) : {line: 1, col: 1}
      throw new UsageError(`${file}:${pos.line}:${pos.col}: ${key}: '${String(value)}' is not an IP address`)
    }
    map[key] = value
  }
  return {file, map}
}

/**
 * Pair override files with bootstrap addresses: files and addresses in the order given, or a directory with an
 * address map, or a `bootstrap-address` key inside the file. Throws UsageError (exit 2) on any mismatch.
 */
export function planBootstrapTargets(valuesArgs: string[], addressArgs: string[]): BootstrapTarget[] {
  for (const address of addressArgs)
    if (!isAddress(address)) throw new UsageError(`--bootstrap-address ${address}: not an IP address`)
  const targets: BootstrapTarget[] = []
  const plainFiles: string[] = []
  for (const arg of valuesArgs) {
    let isDir = false
    try {
      isDir = statSync(arg).isDirectory()
    } catch {
      // loadOverrideFile reports a missing file with the right message.
    }
    if (!isDir) {
      plainFiles.push(arg)
      continue
    }
    const {map, file: mapFile} = readAddressMap(arg)
    const files = readdirSync(arg)
      .filter((entry) => isYaml(entry) && !ADDRESS_MAP_NAMES.includes(entry))
      .sort()
      .map((entry) => path.join(arg, entry))
    if (files.length === 0) throw new UsageError(`${arg}: no .yml or .yaml bootstrap values in the directory`)
    for (const file of files) {
      const {loaded, text, name} = load(file)
      const stem = path.basename(file).replace(/\.ya?ml$/i, '')
      const address = map[name] ?? map[stem]
      if (!address) throw new UsageError(`${mapFile}: no address for subcloud ${name} (${file})`)
      targets.push({file, name, address, overridesText: text, loaded})
    }
  }
  if (addressArgs.length > 0 && addressArgs.length !== plainFiles.length)
    throw new UsageError(
      `--bootstrap-address given ${addressArgs.length} time(s) for ${plainFiles.length} --bootstrap-values file(s)`,
      {hint: 'give one --bootstrap-address per file, in the same order, or use a directory with an address map'},
    )
  plainFiles.forEach((file, index) => {
    const {loaded, text, name} = load(file)
    const inFile = loaded.values['bootstrap-address']
    const address = addressArgs[index] ?? (typeof inFile === 'string' ? inFile : undefined)
    if (!address) throw new UsageError(`${file}: no bootstrap address`, {hint: 'pass --bootstrap-address IP'})
    if (!isAddress(address)) throw new UsageError(`${file}: bootstrap-address ${address} is not an IP address`)
    targets.push({file, name, address, overridesText: text, loaded})
  })
  if (targets.length === 0) throw new UsageError('--bootstrap-values is required')
  const seen = new Map<string, string>()
  for (const target of targets) {
    const other = seen.get(target.address)
    if (other) throw new UsageError(`${target.file}: bootstrap address ${target.address} is also used by ${other}`)
    seen.set(target.address, target.file)
  }
  return targets
}

/**
 * Every file's own findings (with its bootstrap address) plus conflicts between the files of a batch. `context`
 * adds what `subcloud add` knows besides the files: the live subclouds and the System Controller's networks.
 */
export async function validateTargets(
  targets: BootstrapTarget[],
  context: Omit<SubcloudValidationOptions, 'bootstrapAddress'> = {},
): Promise<Finding[]> {
  const findings: Finding[] = []
  for (const target of targets) {
    findings.push(...(await validateSubcloudOverrides(target.loaded, {...context, bootstrapAddress: target.address})))
  }
  if (targets.length > 1) findings.push(...findCrossFileConflicts(targets.map((t) => t.loaded)))
  return findings
}

export interface RunTargetOptions extends Omit<
  BootstrapOptions,
  'target' | 'overridesText' | 'subcloudName' | 'onEvent'
> {
  ssh: Omit<BootstrapOptions['target'], 'host'>
  preflight: boolean
  release?: string
  onPreflightCheck?: (target: BootstrapTarget, check: PreflightCheck) => void
  onEvent?: (target: BootstrapTarget, event: BootstrapEvent) => void
}

/** Pre-flight (unless disabled), then the bootstrap; a failed pre-flight is a not-started result. */
export async function runTarget(target: BootstrapTarget, options: RunTargetOptions): Promise<BootstrapResult> {
  const {ssh, preflight, release, onPreflightCheck, onEvent, ...rest} = options
  const sshTarget = {...ssh, host: target.address}
  // One log per run, opened first so that its path is the first thing reported and the verdicts are in it.
  const log = BootstrapLog.create(target.name, options.logDir)
  onEvent?.(target, {type: 'log-file', path: log.path})
  if (preflight) {
    const started = Date.now()
    const report = await runPreflight({
      target: sshTarget,
      password: options.password,
      bootstrapAddress: target.address,
      overrides: target.loaded.values,
      release,
      onCheck: (check) => {
        log.note(`pre-flight ${check.verdict.toUpperCase()} ${check.title}: ${check.detail}`)
        onPreflightCheck?.(target, check)
      },
    })
    if (!report.ok) {
      const error = report.error ?? new UsageError('pre-flight failed')
      log.close()
      const result: BootstrapResult = {
        subcloudName: target.name,
        outcome: 'not-started',
        exitCode: error.exitCode,
        summary: `${target.name}: pre-flight "${report.failed?.title}" failed: ${error.message}`,
        errorDescription: describeError(target.name, error.message),
        tasksRun: 0,
        elapsedMs: Date.now() - started,
        logPath: log.path,
        error,
      }
      onEvent?.(target, {type: 'finished', result})
      return result
    }
  }
  return runBootstrap({
    ...rest,
    log,
    target: sshTarget,
    overridesText: target.overridesText,
    subcloudName: target.name,
    onEvent: (event) => onEvent?.(target, event),
  })
}

/**
 * Run `run` over every target with at most `parallel` at a time; one failure does not stop the others. Once
 * `signal` is aborted, the targets not started yet get `notStarted(target, error)` instead. Results in the order
 * of `targets`.
 */
export async function runConcurrently<T, R>(
  targets: T[],
  parallel: number,
  signal: AbortSignal | undefined,
  run: (target: T) => Promise<R>,
  notStarted: (target: T, error: InterruptedError) => R,
): Promise<R[]> {
  const results: R[] = new Array(targets.length)
  let next = 0
  const worker = async () => {
    while (next < targets.length) {
      const index = next++
      const target = targets[index]
      results[index] = signal?.aborted
        ? notStarted(target, new InterruptedError('interrupted before this subcloud started'))
        : await run(target)
    }
  }
  await Promise.all(Array.from({length: Math.max(1, Math.min(parallel, targets.length))}, worker))
  return results
}

/** Run every bootstrap target with at most `parallel` at a time; results in the order of `targets`. */
export async function runBatch(
  targets: BootstrapTarget[],
  parallel: number,
  signal: AbortSignal | undefined,
  run: (target: BootstrapTarget) => Promise<BootstrapResult>,
): Promise<BootstrapResult[]> {
  return runConcurrently(targets, parallel, signal, run, (target) => {
    const error = new InterruptedError('interrupted before this bootstrap started')
    return {
      subcloudName: target.name,
      outcome: 'not-started',
      exitCode: ExitCode.interrupted,
      summary: `${target.name}: ${error.message}`,
      tasksRun: 0,
      elapsedMs: 0,
      error,
    }
  })
}

/** 0 when all completed; 130 when interrupted; the shared code when every failure agrees (3, 4), else 1. */
export function batchExitCode(results: {exitCode: number}[]): number {
  const codes = results.map((r) => r.exitCode).filter((code) => code !== ExitCode.ok)
  if (codes.length === 0) return ExitCode.ok
  if (codes.includes(ExitCode.interrupted)) return ExitCode.interrupted
  return codes.every((code) => code === codes[0]) ? codes[0] : ExitCode.failed
}

/** The typed error that makes the command exit with a batch's code (see {@link batchExitCode}). */
export function batchError(code: number, message: string, hint?: string): DcmError {
  const options = hint ? {hint} : {}
  if (code === ExitCode.interrupted) return new InterruptedError(message, options)
  if (code === ExitCode.timeout) return new TimeoutError(message, options)
  if (code === ExitCode.unreachable) return new ConnectionError(message, options)
  return new OperationError(message, options)
}
