import {OperationError} from '../errors.js'
import {type Subnet, overlaps, parseSubnet} from '../net/cidr.js'
import type {NetworkState} from './ip-state.js'
import type {IpAddress, ManagementAddress} from './validators.js'

/**
 * The pure planner: from the state read through `ip -j` and the operator's answers, the exact `ip` commands
 * that bring the host to the wanted state, each with the command that undoes it. What is already in place
 * is reported and skipped (a second run plans nothing); what is in the way is a conflict, raised before any
 * change is made.
 */
export type StepKind = 'link-up' | 'link-down' | 'address' | 'route'

export interface PlanStep {
  kind: StepKind
  /** What the step does, in words. */
  description: string
  argv: string[]
  /** Restores the state before the step (rollback). */
  undo: string[]
  /** The state the step creates: lets `--undo` skip what is already gone. */
  effect: StepEffect
}

export type StepEffect =
  | {type: 'link'; name: string; up: boolean}
  | {type: 'address'; interface: string; address: string; prefix: number}
  | {type: 'route'; destination: string; gateway: string; device: string}

export interface Plan {
  steps: PlanStep[]
  /** Parts of the wanted state that are already there. */
  unchanged: string[]
  /** Interfaces deliberately left as they are, with the reason. */
  kept: string[]
}

export interface PlanRequest {
  interface: string
  address: ManagementAddress
  gateway: IpAddress
  systemControllerSubnet: Subnet
  /** Leave the other interfaces up (upstream brings them all down). */
  keepOtherInterfaces: boolean
  /** Links that were down and were brought up only for LLDP discovery by this run. */
  upForDiscovery: string[]
  /** Interfaces never brought down, with the reason (e.g. the one carrying the current SSH session). */
  protectedInterfaces: Map<string, string>
}

export class ConflictError extends OperationError {}

export function familyFlag(family: 4 | 6): string {
  return family === 4 ? '-4' : '-6'
}

export function planConfiguration(state: NetworkState, request: PlanRequest): Plan {
  const plan: Plan = {steps: [], unchanged: [], kept: []}
  const chosen = state.links.find((link) => link.name === request.interface)
  if (!chosen) throw new ConflictError(`interface ${request.interface} does not exist`)

  if (chosen.up) plan.unchanged.push(`interface ${chosen.name} is up`)
  else plan.steps.push(linkStep(chosen.name, 'up', `enable management interface ${chosen.name}`))

  for (const link of state.links) {
    if (link.loopback || link.name === chosen.name || !link.up) continue
    const reason = request.protectedInterfaces.get(link.name)
    const onlyForDiscovery = request.upForDiscovery.includes(link.name)
    if (reason) plan.kept.push(`${link.name} stays up: ${reason}`)
    else if (onlyForDiscovery && request.keepOtherInterfaces)
      plan.steps.push(linkStep(link.name, 'down', `return ${link.name} to down (it was up only for LLDP discovery)`))
    else if (request.keepOtherInterfaces) plan.kept.push(`${link.name} stays up (--keep-other-interfaces)`)
    else plan.steps.push(linkStep(link.name, 'down', `disable non-management interface ${link.name}`))
  }

  const address = addressStep(state, request)
  if (address) plan.steps.push(address)
  else plan.unchanged.push(`address ${request.address.cidr} is configured on ${request.interface}`)

  const route = routeStep(state, request)
  if (route) plan.steps.push(route)
  else
    plan.unchanged.push(
      `route to ${request.systemControllerSubnet.text} via ${request.gateway.text} dev ${request.interface} is present`,
    )
  return plan
}

export function linkStep(name: string, to: 'up' | 'down', description: string): PlanStep {
  return {
    kind: to === 'up' ? 'link-up' : 'link-down',
    description,
    argv: ['ip', 'link', 'set', 'dev', name, to],
    undo: ['ip', 'link', 'set', 'dev', name, to === 'up' ? 'down' : 'up'],
    effect: {type: 'link', name, up: to === 'up'},
  }
}

/** undefined when the exact address is already on the interface. */
function addressStep(state: NetworkState, request: PlanRequest): PlanStep | undefined {
  const wanted = request.address
  for (const existing of state.addresses) {
    if (existing.family !== wanted.family) continue
    const here = `${existing.address}/${existing.prefix} on ${existing.interface}`
    if (existing.address === wanted.text) {
      if (existing.interface === request.interface && existing.prefix === wanted.prefix) return undefined
      throw new ConflictError(`conflicting address: ${wanted.text} is already configured as ${here}`, {
        hint: `remove it first (ip addr del ${existing.address}/${existing.prefix} dev ${existing.interface}) or choose another address`,
      })
    }
    const existingSubnet = parseSubnet(`${existing.address}/${existing.prefix}`)
    if (existing.interface !== request.interface && existingSubnet && overlaps(existingSubnet, wanted.subnet))
      throw new ConflictError(`conflicting address: the management subnet ${wanted.subnet.text} overlaps ${here}`, {
        hint: 'one subnet cannot be reached through two interfaces; choose another subnet or interface',
      })
  }
  const words = [familyFlag(wanted.family), 'addr']
  return {
    kind: 'address',
    description: `add management address ${wanted.cidr} to ${request.interface}`,
    argv: ['ip', ...words, 'add', wanted.cidr, 'dev', request.interface],
    undo: ['ip', ...words, 'del', wanted.cidr, 'dev', request.interface],
    effect: {type: 'address', interface: request.interface, address: wanted.text, prefix: wanted.prefix},
  }
}

/** undefined when the same route (destination, gateway, device) is present; another route to it conflicts. */
function routeStep(state: NetworkState, request: PlanRequest): PlanStep | undefined {
  const subnet = request.systemControllerSubnet
  for (const existing of state.routes) {
    if (existing.family !== subnet.family || existing.destination !== subnet.text) continue
    if (existing.gateway === request.gateway.text && existing.device === request.interface) return undefined
    const via = [existing.gateway && `via ${existing.gateway}`, existing.device && `dev ${existing.device}`]
    throw new ConflictError(
      `conflicting route: ${subnet.text} is already routed ${via.filter(Boolean).join(' ')}`.trimEnd(),
      {hint: `remove it first (ip ${familyFlag(subnet.family)} route del ${subnet.text}) or check the answers`},
    )
  }
  for (const existing of state.addresses) {
    const connected = parseSubnet(`${existing.address}/${existing.prefix}`)
    if (existing.scope === 'global' && connected && overlaps(connected, subnet))
      throw new ConflictError(
        `conflicting address: the System Controller subnet ${subnet.text} overlaps ${existing.address}/${existing.prefix} on ${existing.interface}`,
      )
  }
  const words = [familyFlag(subnet.family), 'route']
  const target = [subnet.text, 'via', request.gateway.text, 'dev', request.interface]
  return {
    kind: 'route',
    description: `add route to the System Controller subnet ${subnet.text} via ${request.gateway.text}`,
    argv: ['ip', ...words, 'add', ...target],
    undo: ['ip', ...words, 'del', ...target],
    effect: {type: 'route', destination: subnet.text, gateway: request.gateway.text, device: request.interface},
  }
}

/** Whether the state a step created is still there. */
export function effectPresent(state: NetworkState, effect: StepEffect): boolean {
  switch (effect.type) {
    case 'link':
      return state.links.some((link) => link.name === effect.name && link.up === effect.up)
    case 'address':
      return state.addresses.some(
        (a) => a.interface === effect.interface && a.address === effect.address && a.prefix === effect.prefix,
      )
    case 'route':
      return state.routes.some(
        (r) => r.destination === effect.destination && r.gateway === effect.gateway && r.device === effect.device,
      )
  }
}

/**
 * `--undo`: the recorded steps' undo commands, newest first, for what is still in place; what is already
 * gone (removed by hand, or a reboot) is reported and skipped. Each undo step's own undo re-applies the
 * original, so a failure while undoing is rolled back like any other run.
 */
export function planUndo(state: NetworkState, recorded: PlanStep[]): Plan {
  const plan: Plan = {steps: [], unchanged: [], kept: []}
  for (const step of [...recorded].reverse()) {
    if (!effectPresent(state, step.effect)) {
      plan.unchanged.push(`already undone: ${step.description}`)
      continue
    }
    const inverse = inverseEffect(step.effect)
    plan.steps.push({
      kind: inverseKind(step.kind),
      description: `undo: ${step.description}`,
      argv: step.undo,
      undo: step.argv,
      effect: inverse,
    })
  }
  return plan
}

function inverseKind(kind: StepKind): StepKind {
  return kind === 'link-up' ? 'link-down' : kind === 'link-down' ? 'link-up' : kind
}

/** For links the inverse state is the opposite admin state; removed addresses and routes have no "effect". */
function inverseEffect(effect: StepEffect): StepEffect {
  return effect.type === 'link' ? {...effect, up: !effect.up} : effect
}

/**
 * The net changes of several runs, for the undo record: a link raised for discovery and brought down
 * again by the same or a later run cancels out, and a step recorded twice (re-added after a manual
 * removal) is kept once.
 */
export function netSteps(steps: PlanStep[]): PlanStep[] {
  const out: PlanStep[] = []
  for (const step of steps) {
    const key = effectKey(step.effect)
    if (step.effect.type === 'link') {
      const {name, up} = step.effect
      const previous = out.findIndex((s) => s.effect.type === 'link' && s.effect.name === name)
      if (previous >= 0) {
        // Opposite directions: the link is back where it was before the first recorded change. The same
        // direction again (someone reverted it by hand in between): the first record keeps the original state.
        if ((out[previous].effect as {up: boolean}).up !== up) out.splice(previous, 1)
        continue
      }
    } else if (out.some((s) => effectKey(s.effect) === key)) continue
    out.push(step)
  }
  return out
}

function effectKey(effect: StepEffect): string {
  return JSON.stringify(effect)
}
