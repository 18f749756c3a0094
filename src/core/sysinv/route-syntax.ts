import {
  contains,
  familyBits,
  formatAddress,
  isMulticast,
  maskOf,
  parseAddress,
  type Family,
  type Subnet,
} from '../net/cidr.js'

/**
 * sysinv's `Route.validate_syntax` (host-routes.md §6.3): the checks that need no server data, in the
 * server's order and with its exact messages. The client runs them before sending anything; the lab runs
 * the same function so the two can never disagree.
 */
export interface RouteSyntaxInput {
  /** The network address exactly as the operator typed it (it appears verbatim in one message). */
  network: string
  prefix: number
  gateway: string
  metric: number
}

export interface RouteSyntaxVerdict {
  ok: boolean
  /** The sysinv message of the first failed rule. */
  message?: string
  /** Which rule of §6.3 failed (for tests and --debug). */
  rule?: string
}

const PASS: RouteSyntaxVerdict = {ok: true}

export function checkRouteSyntax(input: RouteSyntaxInput): RouteSyntaxVerdict {
  const network = parseAddress(input.network)
  const gateway = parseAddress(input.gateway)
  // Callers decode the body first (§6.1); these two only guard against a caller that did not.
  if (!network) return fail('6.1', addressExpected(input.network))
  if (!gateway) return fail('6.1', addressExpected(input.gateway))
  // Rule 1: network/prefix must form a network of the address's family (netaddr.IPNetwork parse).
  if (!Number.isInteger(input.prefix) || input.prefix < 0 || input.prefix > familyBits(network.family)) {
    return fail('1', 'Invalid IP address and prefix')
  }
  const realNetwork = network.value & maskOf(network.family, input.prefix)
  // Rule 2: no host bits set.
  if (realNetwork !== network.value) {
    const expected = formatAddress(network.family, realNetwork)
    return fail('2', `Invalid IP network ${input.network}/${input.prefix} expecting ${expected}/${input.prefix}`)
  }
  // Rule 3: only a default route (prefix 0) may have the all-zero network.
  if (input.prefix !== 0 && realNetwork === 0n) return fail('3', 'Network must not be null when prefix is non zero')
  if (network.family !== gateway.family) return fail('4', 'Network and gateway IP versions must match')
  if (isMulticast(network)) return fail('5', 'Network address must be a unicast address')
  if (isMulticast(gateway)) return fail('5b', 'Gateway address must be a unicast address')
  if (network.value === gateway.value) return fail('6', 'Network and gateway IP addresses must be different')
  if (gateway.value === 0n) return fail('7', 'Gateway address must not be null')
  const destination = subnetOf(network.family, realNetwork, input.prefix)
  // Rule 7b is skipped for default routes: every gateway is "inside" 0.0.0.0/0.
  if (input.prefix !== 0 && contains(destination, gateway)) {
    return fail('7b', 'Gateway address must not be within destination subnet')
  }
  // Rule 8: the text says "greater than zero" but sysinv accepts 0.
  if (input.metric < 0) return fail('8', 'Route metric must be greater than zero')
  return PASS
}

/** wsme's message for a value that is not an IP address (host-routes.md §4). */
export function addressExpected(value: string): string {
  return `Expected an IPv4 or IPv6 address but received ${value}.`
}

/**
 * Python's `int(text)` for the numeric strings cgts-client sends: optional sign and surrounding blanks,
 * decimal digits with single underscores between them. Returns undefined where Python raises.
 */
export function parseIntLiteral(text: string): number | undefined {
  const trimmed = text.trim()
  if (!/^[+-]?\d+(_\d+)*$/.test(trimmed)) return undefined
  const value = Number(trimmed.replace(/_/g, ''))
  return Number.isSafeInteger(value) ? value : undefined
}

/** Python's ValueError text for `int(text)`, which wsme and sysinv put in their messages. */
export function intLiteralError(text: string): string {
  return `invalid literal for int() with base 10: '${text}'`
}

function fail(rule: string, message: string): RouteSyntaxVerdict {
  return {ok: false, rule, message}
}

function subnetOf(family: Family, network: bigint, prefix: number): Subnet {
  const text = `${formatAddress(family, network)}/${prefix}`
  return {family, network, prefix, address: network, text}
}
