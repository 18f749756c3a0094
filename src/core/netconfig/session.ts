import {DcmError, InterruptedError, OperationError, UsageError} from '../errors.js'
import type {Subnet} from '../net/cidr.js'
import {type ApplyHooks, Journal, type StepReport, applySteps} from './applier.js'
import {type Executor, formatArgv} from './executor.js'
import {type LinkState, type NetworkState, readNetworkState} from './ip-state.js'
import {type Neighbour, waitForNeighbours} from './lldp.js'
import {type Plan, type PlanStep, type StepKind, linkStep, planConfiguration, planUndo} from './planner.js'
import {loadRecord, removeRecord, UndoJournal} from './undo-record.js'
import {
  type Checked,
  type IpAddress,
  type ManagementAddress,
  checkGateway,
  checkInterface,
  checkManagementAddress,
  checkSystemControllerSubnet,
  defaultGateway,
} from './validators.js'

/**
 * One config-management run, upstream's steps 1-11 (spec §2) with dcm's fixes: values come from flags or
 * are asked for (with upstream's prompts and re-asks), LLDP is polled instead of slept on, the changes are
 * planned from the real state and shown before anything is applied, and every change made by this run,
 * including links brought up for discovery, is rolled back on a failure, a refusal or Ctrl-C.
 * The session never prints: it emits events and asks questions through the UI the command gives it.
 */
export const PROMPTS = {
  interface: 'Enter management interface name: ',
  address: 'Enter management IP address in CIDR notation, ie. ip/prefix_length: ',
  gateway: (suggested: string) => `Enter management gateway IP address [${suggested}]: `,
  systemControllerSubnet: 'Enter System Controller subnet in CIDR notation: ',
  confirm: 'Apply these changes? [y/N]: ',
} as const

/** Upstream's status labels (printed as `<label>  DONE`). */
export const LABELS = {
  enable: 'Enabling interfaces...',
  retrieve: 'Retrieving neighbor details...',
  wait: (seconds: number) => `Waiting up to ${seconds} seconds for LLDP neighbor discovery...`,
  'link-up': 'Enabling management interface...',
  'link-down': 'Disabling non-management interfaces...',
  address: 'Configuring management interface...',
  route: 'Adding route to System Controller...',
  rollback: (count: number) => `Rolling back ${count} change${count === 1 ? '' : 's'}...`,
} as const satisfies Record<StepKind | 'enable' | 'retrieve' | 'wait' | 'rollback', unknown>

export const FLAGS = {
  interface: '--interface',
  address: '--address',
  gateway: '--gateway',
  systemControllerSubnet: '--system-controller-subnet',
  yes: '--yes',
} as const

export interface SessionInput {
  interface?: string
  address?: string
  gateway?: string
  systemControllerSubnet?: string
}

export interface SessionOptions {
  executor: Executor
  input: SessionInput
  /** A terminal is there: ask for what the flags did not give. */
  interactive: boolean
  yes: boolean
  dryRun: boolean
  keepOtherInterfaces: boolean
  lldpSocket?: string
  /** 0 reads the neighbours once without waiting. */
  lldpTimeoutMs: number
  lldpIntervalMs?: number
  /** This host's address that carries the operator's SSH session (from SSH_CONNECTION): never brought down. */
  sessionAddress?: string
  signal?: AbortSignal
  /** Where the applied changes are recorded for `--undo`; undefined keeps no record. */
  recordFile?: string
}

export interface InterfaceRow {
  name: string
  remotePort: string
  state: string
  mac: string
}

export type SessionEvent =
  | {type: 'begin'; label: string}
  | {type: 'end'; status: string}
  | {type: 'lldp-tick'; remainingSeconds: number; found: number; wanted: number}
  | {type: 'warning'; message: string}
  | {type: 'note'; message: string}
  | {type: 'interfaces'; rows: InterfaceRow[]}
  | {type: 'invalid-answer'; message: string}
  | {type: 'plan'; plan: Plan; dryRun: boolean}
  | {type: 'command'; report: StepReport}
  | {type: 'undo'; report: StepReport}

export interface SessionUi {
  emit(event: SessionEvent): void
  /** Ask one question on the terminal; rejects with InterruptedError on Ctrl-C. */
  ask(question: string): Promise<string>
}

export interface SessionResult {
  interface: string
  address: string
  gateway: string
  systemControllerSubnet: string
  dryRun: boolean
  /** The commands this run applied (empty for a dry run or when nothing had to change). */
  applied: string[]
  planned: string[]
  unchanged: string[]
  kept: string[]
  neighbours: Neighbour[]
  /** The undo record this run updated, if any. */
  recordFile?: string
}

export interface UndoResult {
  undo: true
  dryRun: boolean
  applied: string[]
  planned: string[]
  unchanged: string[]
  recordFile: string
}

export const UNDO_LABELS: Record<StepKind, string> = {
  'link-up': 'Enabling interfaces...',
  'link-down': 'Disabling interfaces...',
  address: 'Removing management address...',
  route: 'Removing route to System Controller...',
}

export async function runSession(options: SessionOptions, ui: SessionUi): Promise<SessionResult> {
  const {executor, input} = options
  requireNonInteractiveValues(options)
  const early = checkFlagValues(input)

  let state = await readNetworkState(executor)
  const names = listedInterfaces(state)
  if (input.interface !== undefined) {
    const checked = checkInterface(input.interface, names)
    if (!checked.ok)
      throw new UsageError(`${FLAGS.interface}: ${checked.message} '${input.interface}'`, {
        hint: `interfaces on ${executor.where}: ${names.join(', ') || 'none'}`,
      })
  }

  const journal = new Journal()
  // Written ahead of every change, so --undo knows them even after kill -9 mid-apply.
  const undoJournal =
    options.recordFile && !options.dryRun ? await UndoJournal.open(options.recordFile, executor.where) : undefined
  const hooks: ApplyHooks = {...eventHooks(ui), beforeChange: undoJournal && ((step) => undoJournal.intend(step))}
  try {
    const upForDiscovery = await enableInterfaces(options, state, journal, ui, hooks)
    if (upForDiscovery.length > 0) state = await readNetworkState(executor)
    const neighbours = await discoverNeighbours(options, state, ui)
    state = await readNetworkState(executor)
    ui.emit({type: 'interfaces', rows: interfaceRows(state, neighbours)})

    const answers = await collectAnswers(options, early, names, ui)
    const protectedInterfaces = sessionInterfaces(state, options.sessionAddress)
    const plan = planConfiguration(state, {
      ...answers,
      keepOtherInterfaces: options.keepOtherInterfaces,
      upForDiscovery,
      protectedInterfaces,
    })
    ui.emit({type: 'plan', plan, dryRun: options.dryRun})
    const result: SessionResult = {
      interface: answers.interface,
      address: answers.address.cidr,
      gateway: answers.gateway.text,
      systemControllerSubnet: answers.systemControllerSubnet.text,
      dryRun: options.dryRun,
      applied: [],
      planned: plan.steps.map((step) => formatArgv(step.argv)),
      unchanged: plan.unchanged,
      kept: plan.kept,
      neighbours,
    }
    if (options.dryRun) return result

    if (plan.steps.length > 0) {
      if (!options.yes && !(await confirmed(ui, options.signal)))
        throw new OperationError('not applied: the changes were not confirmed')
      await applyGrouped(options, plan.steps, journal, ui, hooks, LABELS)
    }
    // Also when only the discovery step changed something (a configured interface that was down).
    result.applied = journal.steps.map((step) => formatArgv(step.argv))
    if (result.applied.length === 0) return result
    ui.emit({type: 'note', message: 'These settings are runtime state only: they are lost when the host reboots.'})
    if (undoJournal) {
      try {
        await undoJournal.settle(journal.steps)
      } catch (error) {
        // The journal written ahead still names every change: --undo works, it may only skip a few more steps.
        ui.emit({type: 'warning', message: `cannot tidy the undo record: ${(error as Error).message}`})
      }
      result.recordFile = undoJournal.file
      ui.emit({type: 'note', message: 'To take them back: dcm config-management --undo'})
    }
    return result
  } catch (error) {
    const final = await rolledBack(error, journal, executor, ui, hooks)
    await undoJournal?.settle(journal.steps).catch(() => undefined)
    throw final
  }
}

/** Without a terminal every value must come from a flag: name all the missing ones at once, exit 2. */
function requireNonInteractiveValues(options: SessionOptions): void {
  if (options.interactive) return
  const {input} = options
  const missing: string[] = []
  if (input.interface === undefined) missing.push(FLAGS.interface)
  if (input.address === undefined) missing.push(FLAGS.address)
  if (input.systemControllerSubnet === undefined) missing.push(FLAGS.systemControllerSubnet)
  if (!options.yes && !options.dryRun) missing.push(FLAGS.yes)
  if (missing.length > 0)
    throw new UsageError(
      `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required: no terminal to prompt on`,
      {
        hint: 'pass every value as a flag (the gateway defaults to the first address of the management subnet)',
      },
    )
}

interface EarlyValues {
  address?: ManagementAddress
  gateway?: IpAddress
  systemControllerSubnet?: Subnet
}

/** Flag values are checked before anything is read or changed; a bad one is a usage error naming the flag. */
function checkFlagValues(input: SessionInput): EarlyValues {
  const early: EarlyValues = {}
  if (input.address !== undefined)
    early.address = flagValue(FLAGS.address, input.address, checkManagementAddress(input.address))
  const management = early.address
  if (input.gateway !== undefined && management)
    early.gateway = flagValue(FLAGS.gateway, input.gateway, checkGateway(input.gateway, management))
  if (input.systemControllerSubnet !== undefined)
    early.systemControllerSubnet = flagValue(
      FLAGS.systemControllerSubnet,
      input.systemControllerSubnet,
      checkSystemControllerSubnet(input.systemControllerSubnet, management),
    )
  return early
}

function flagValue<T>(flag: string, given: string, checked: Checked<T>): T {
  if (!checked.ok) throw new UsageError(`${flag} ${given}: ${checked.message}`)
  return checked.value
}

function listedInterfaces(state: NetworkState): string[] {
  return state.links.filter((link) => !link.loopback).map((link) => link.name)
}

/**
 * Upstream step 1: bring links up so LLDP can see the switch. Only links that are down, never in a dry run,
 * and only the chosen one when --interface already names it: the other neighbours would only be shown,
 * and bringing their links up and down again on every run would not leave a configured host alone.
 */
async function enableInterfaces(
  options: SessionOptions,
  state: NetworkState,
  journal: Journal,
  ui: SessionUi,
  hooks: ApplyHooks,
): Promise<string[]> {
  const chosen = options.input.interface
  const down = state.links.filter(
    (link) => !link.loopback && !link.up && (chosen === undefined || link.name === chosen),
  )
  ui.emit({type: 'begin', label: LABELS.enable})
  if (down.length === 0) {
    ui.emit({type: 'end', status: 'DONE (all up)'})
    return []
  }
  if (options.dryRun) {
    ui.emit({type: 'end', status: `SKIPPED (dry run; down: ${down.map((link) => link.name).join(', ')})`})
    return []
  }
  const steps: PlanStep[] = down.map((link) => linkStep(link.name, 'up', `enable ${link.name} for LLDP discovery`))
  try {
    await applySteps(options.executor, steps, {journal, signal: options.signal, hooks})
  } catch (error) {
    ui.emit({type: 'end', status: 'FAILED'})
    throw error
  }
  ui.emit({type: 'end', status: 'DONE'})
  return down.map((link) => link.name)
}

async function discoverNeighbours(options: SessionOptions, state: NetworkState, ui: SessionUi): Promise<Neighbour[]> {
  // With --interface only its neighbour matters; otherwise every link that has a carrier (upstream's table).
  const chosen = options.input.interface
  const wanted = state.links
    .filter((link) => !link.loopback && link.carrier && (chosen === undefined || link.name === chosen))
    .map((link) => link.name)
  const seconds = Math.ceil(options.lldpTimeoutMs / 1000)
  ui.emit({type: 'begin', label: seconds > 0 ? LABELS.wait(seconds) : LABELS.retrieve})
  const outcome = await waitForNeighbours(options.executor, {
    socket: options.lldpSocket,
    timeoutMs: options.lldpTimeoutMs,
    intervalMs: options.lldpIntervalMs,
    interfaces: wanted,
    signal: options.signal,
    onTick: ({remainingMs, found}) =>
      ui.emit({
        type: 'lldp-tick',
        remainingSeconds: Math.ceil(remainingMs / 1000),
        found: wanted.filter((name) => found.includes(name)).length,
        wanted: wanted.length,
      }),
  })
  if (!outcome.available) {
    ui.emit({type: 'end', status: 'SKIPPED'})
    ui.emit({type: 'warning', message: `no LLDP neighbour details: ${outcome.reason}`})
    return []
  }
  const found = wanted.filter((name) => outcome.neighbours.some((n) => n.interface === name)).length
  ui.emit({
    type: 'end',
    status: outcome.complete ? 'DONE' : `DONE (${found} of ${wanted.length} connected interfaces have a neighbour)`,
  })
  return outcome.neighbours
}

/** Upstream step 4's rows (neighbours first, then `unknown`), plus link state and MAC. */
export function interfaceRows(state: NetworkState, neighbours: Neighbour[]): InterfaceRow[] {
  const links = state.links.filter((link) => !link.loopback)
  const port = (name: string) => neighbours.find((n) => n.interface === name)?.remotePort
  const row = (link: LinkState): InterfaceRow => ({
    name: link.name,
    remotePort: port(link.name) ?? 'unknown',
    state: link.carrier ? 'up' : link.up ? 'no-carrier' : 'down',
    mac: link.mac,
  })
  return [...links.filter((link) => port(link.name)), ...links.filter((link) => !port(link.name))].map(row)
}

interface Answers {
  interface: string
  address: ManagementAddress
  gateway: IpAddress
  systemControllerSubnet: Subnet
}

async function collectAnswers(
  options: SessionOptions,
  early: EarlyValues,
  names: string[],
  ui: SessionUi,
): Promise<Answers> {
  const {input} = options
  const iface = input.interface ?? (await askUntilValid(ui, PROMPTS.interface, (a) => checkInterface(a, names)))
  const address = early.address ?? (await askUntilValid(ui, PROMPTS.address, checkManagementAddress))
  const suggested = defaultGateway(address)
  let gateway = early.gateway
  if (!gateway && input.gateway !== undefined)
    gateway = flagValue(FLAGS.gateway, input.gateway, checkGateway(input.gateway, address))
  if (!gateway && !options.interactive) {
    gateway = flagValue(FLAGS.gateway, suggested, checkGateway(suggested, address))
    ui.emit({
      type: 'note',
      message: `gateway ${suggested}: the first address of ${address.subnet.text} (no ${FLAGS.gateway})`,
    })
  }
  gateway ??= await askUntilValid(ui, PROMPTS.gateway(suggested), (answer) =>
    checkGateway(answer.trim() === '' ? suggested : answer, address),
  )
  let subnet: Subnet
  if (input.systemControllerSubnet !== undefined)
    // Checked again now that the management subnet is known (family and overlap).
    subnet = flagValue(
      FLAGS.systemControllerSubnet,
      input.systemControllerSubnet,
      checkSystemControllerSubnet(input.systemControllerSubnet, address),
    )
  else subnet = await askUntilValid(ui, PROMPTS.systemControllerSubnet, (a) => checkSystemControllerSubnet(a, address))
  return {interface: iface, address, gateway, systemControllerSubnet: subnet}
}

/** Upstream asks again, forever, after printing why the answer was refused. */
async function askUntilValid<T>(ui: SessionUi, question: string, check: (answer: string) => Checked<T>): Promise<T> {
  for (;;) {
    const checked = check((await ui.ask(question)).trim())
    if (checked.ok) return checked.value
    ui.emit({type: 'invalid-answer', message: checked.message})
  }
}

function sessionInterfaces(state: NetworkState, sessionAddress?: string): Map<string, string> {
  const out = new Map<string, string>()
  if (!sessionAddress) return out
  for (const address of state.addresses)
    if (address.address === sessionAddress)
      out.set(address.interface, `it carries the current SSH session (${sessionAddress})`)
  return out
}

async function confirmed(ui: SessionUi, signal?: AbortSignal): Promise<boolean> {
  const answer = await ui.ask(PROMPTS.confirm)
  if (signal?.aborted) throw new InterruptedError('Aborted')
  return /^y(es)?$/i.test(answer.trim())
}

/** Apply with upstream's labels: one `<label>  DONE` line per run of steps of the same kind. */
async function applyGrouped(
  options: Pick<SessionOptions, 'executor' | 'signal'>,
  steps: PlanStep[],
  journal: Journal,
  ui: SessionUi,
  hooks: ApplyHooks,
  labels: Record<StepKind, string>,
) {
  let current: StepKind | undefined
  try {
    await applySteps(options.executor, steps, {
      journal,
      signal: options.signal,
      hooks: {
        ...hooks,
        onStepStart: (step) => {
          if (step.kind === current) return
          if (current) ui.emit({type: 'end', status: 'DONE'})
          current = step.kind
          ui.emit({type: 'begin', label: labels[step.kind]})
        },
      },
    })
  } catch (error) {
    if (current) ui.emit({type: 'end', status: 'FAILED'})
    throw error
  }
  if (current) ui.emit({type: 'end', status: 'DONE'})
}

function eventHooks(ui: SessionUi): ApplyHooks {
  return {
    onStepDone: (report) => ui.emit({type: 'command', report}),
    onUndo: (report) => ui.emit({type: 'undo', report}),
  }
}

/** Undo this run's changes and return the error to throw, its hint saying what was undone. */
async function rolledBack(error: unknown, journal: Journal, executor: Executor, ui: SessionUi, hooks: ApplyHooks) {
  if (journal.steps.length === 0) return error
  ui.emit({type: 'begin', label: LABELS.rollback(journal.steps.length)})
  const {undone, failed} = await journal.rollback(executor, hooks)
  ui.emit({type: 'end', status: failed.length === 0 ? 'DONE' : 'INCOMPLETE'})
  const base = error instanceof Error ? error : new Error(String(error))
  const exitCode = error instanceof DcmError ? error.exitCode : 1
  const what = undone.map((step) => step.description).join('; ')
  if (failed.length > 0) {
    const left = failed.map(
      (r) => `\`${formatArgv(r.argv)}\` failed: ${r.result.stderr.trim() || `exit ${r.result.code}`}`,
    )
    return new OperationError(`${base.message}; rollback incomplete: ${left.join('; ')}`, {
      hint: `run the failed undo commands by hand${what ? `; undone: ${what}` : ''}`,
      cause: error,
    })
  }
  const hint = `rolled back, the host is as it was: ${what}`
  const message = error instanceof InterruptedError ? 'Aborted' : base.message
  if (exitCode === 130) return new InterruptedError(message, {hint, cause: error})
  if (exitCode === 2) return new UsageError(message, {hint, cause: error})
  return new OperationError(message, {hint, cause: error})
}

export interface UndoOptions {
  executor: Executor
  recordFile: string
  interactive: boolean
  yes: boolean
  dryRun: boolean
  signal?: AbortSignal
}

/**
 * `--undo` (spec §5 "No undo"): take back exactly what earlier runs added, newest first, restoring link
 * states, from the record those runs kept. Planned, shown and confirmed like a normal run, and rolled
 * back the same way if a step fails.
 */
export async function runUndo(options: UndoOptions, ui: SessionUi): Promise<UndoResult> {
  const {executor, recordFile} = options
  if (!options.interactive && !options.yes && !options.dryRun)
    throw new UsageError(`${FLAGS.yes} is required: no terminal to prompt on`)
  const record = await loadRecord(recordFile)
  if (!record)
    throw new OperationError(`nothing to undo: no config-management changes are recorded for ${executor.where}`, {
      hint: `the record (${recordFile}) lives until the next reboot, like the changes it describes`,
    })
  const state = await readNetworkState(executor)
  const plan = planUndo(state, record.steps)
  ui.emit({type: 'plan', plan, dryRun: options.dryRun})
  const result: UndoResult = {
    undo: true,
    dryRun: options.dryRun,
    applied: [],
    planned: plan.steps.map((step) => formatArgv(step.argv)),
    unchanged: plan.unchanged,
    recordFile,
  }
  if (options.dryRun) return result
  if (plan.steps.length > 0) {
    if (!options.yes && !(await confirmed(ui, options.signal)))
      throw new OperationError('not applied: the changes were not confirmed')
    const journal = new Journal()
    const hooks = eventHooks(ui)
    try {
      await applyGrouped(options, plan.steps, journal, ui, hooks, UNDO_LABELS)
    } catch (error) {
      throw await rolledBack(error, journal, executor, ui, hooks)
    }
    result.applied = journal.steps.map((step) => formatArgv(step.argv))
  }
  await removeRecord(recordFile)
  return result
}
