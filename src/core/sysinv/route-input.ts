import {UsageError} from '../errors.js'
import {compactAddress, parseAddress} from '../net/cidr.js'
import {addressExpected, checkRouteSyntax, intLiteralError, parseIntLiteral} from './route-syntax.js'

/**
 * Turn the operator's `host-route-add` arguments into the body of `POST /v1/routes`, refusing (exit 2,
 * nothing sent) anything sysinv would refuse on syntax alone. Accepts the upstream positional form
 * `NETWORK PREFIX GATEWAY [METRIC]` and, as a convenience (host-routes.md §7), `NETWORK/PREFIX GATEWAY
 * [METRIC]`, plus `--metric N`.
 */
export interface RouteArguments {
  network: string
  /** The positional words after NETWORK, as given (PREFIX GATEWAY [METRIC], or GATEWAY [METRIC] after a CIDR). */
  rest: (string | undefined)[]
  metricFlag?: number
}

export interface RouteSpec {
  network: string
  prefix: number
  gateway: string
  metric: number
}

export const DEFAULT_METRIC = 1

export function parseRouteArguments(args: RouteArguments): RouteSpec {
  const words = args.rest.filter((word): word is string => word !== undefined)
  let networkText = args.network
  let prefixText: string | undefined
  let gatewayText: string | undefined
  let metricText: string | undefined
  let extra: string[]
  if (networkText.includes('/')) {
    const slash = networkText.indexOf('/')
    prefixText = networkText.slice(slash + 1)
    networkText = networkText.slice(0, slash)
    ;[gatewayText, metricText, ...extra] = words
  } else {
    ;[prefixText, gatewayText, metricText, ...extra] = words
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`)
  if (prefixText === undefined || prefixText === '') throw new UsageError('missing argument PREFIX')
  if (gatewayText === undefined) throw new UsageError('missing argument GATEWAY')

  if (!parseAddress(networkText)) throw new UsageError(addressExpected(networkText))
  const prefix = parseIntLiteral(prefixText)
  if (prefix === undefined) throw new UsageError(`Invalid prefix ${prefixText}: ${intLiteralError(prefixText)}`)
  if (!parseAddress(gatewayText)) throw new UsageError(addressExpected(gatewayText))
  const metric = resolveMetric(metricText, args.metricFlag)

  const verdict = checkRouteSyntax({network: networkText, prefix, gateway: gatewayText, metric})
  if (!verdict.ok) throw new UsageError(verdict.message as string)
  return {network: compactAddress(networkText), prefix, gateway: compactAddress(gatewayText), metric}
}

function resolveMetric(positional: string | undefined, flag: number | undefined): number {
  if (positional === undefined) return flag ?? DEFAULT_METRIC
  const metric = parseIntLiteral(positional)
  if (metric === undefined) throw new UsageError(`Invalid metric ${positional}: ${intLiteralError(positional)}`)
  if (flag !== undefined && flag !== metric) {
    throw new UsageError(`metric given twice with different values: ${positional} and --metric ${flag}`)
  }
  return metric
}
