/** What every rule module needs: the values, the parsed networks (defaults applied) and a way to report. */
import {formatAddress, type Family} from '../net/cidr.js'
import {parseAddressList, parseSubnetList, type ParsedAddress, type TypedSubnet} from './network-values.js'
import {NETWORKS, type NetworkSpec} from './parameters.js'
import {positionOf} from './positions.js'
import type {Finding, LoadedOverrides, Severity} from './types.js'

export interface PlannedNetwork {
  spec: NetworkSpec
  key: string
  subnets: TypedSubnet[]
  /** True when the file gives the subnet (false: the playbook default applies). */
  given: boolean
}

export class RuleContext {
  readonly findings: Finding[] = []
  readonly values: Record<string, unknown>
  /** Keys whose value failed the schema: rules skip them so one mistake gives one line. */
  readonly broken: ReadonlySet<string>
  readonly simplex: boolean

  constructor(
    readonly loaded: LoadedOverrides,
    broken: ReadonlySet<string>,
  ) {
    this.values = loaded.values
    this.broken = broken
    // The playbook lower-cases system_mode and defaults it to simplex; sizes follow the effective mode.
    this.simplex = (typeof this.values.system_mode === 'string' ? this.values.system_mode : 'simplex') === 'simplex'
  }

  has(key: string): boolean {
    return this.values[key] !== undefined && this.values[key] !== null
  }

  report(
    rule: string,
    key: string,
    message: string,
    severity: Severity = 'error',
    target: 'key' | 'value' = 'value',
  ): void {
    // Point at the key itself when present, else at the top of the file.
    const {line, column} = positionOf(this.loaded, this.has(key) ? [key] : [], target)
    this.findings.push({severity, rule, key, message, file: this.loaded.file, line, column})
  }

  /** Subnets of a key as given, or undefined when absent or broken. */
  subnets(key: string): TypedSubnet[] | undefined {
    if (this.broken.has(key)) return undefined
    return parseSubnetList(this.values[key])
  }

  addresses(key: string): ParsedAddress[] | undefined {
    if (this.broken.has(key)) return undefined
    return parseAddressList(this.values[key])
  }

  /** Every platform network with its effective subnets (given or default, except `noDefault` prefixes); admin only when given. */
  plannedNetworks(noDefault: ReadonlySet<string> = new Set()): PlannedNetwork[] {
    const planned: PlannedNetwork[] = []
    for (const spec of NETWORKS) {
      if (noDefault.has(spec.prefix) && !this.has(`${spec.prefix}_subnet`)) continue
      const key = `${spec.prefix}_subnet`
      if (this.has(key)) {
        const subnets = this.subnets(key)
        if (subnets) planned.push({spec, key, subnets, given: true})
      } else if (spec.defaultSubnet) {
        planned.push({spec, key, subnets: defaultSubnets(spec.defaultSubnet), given: false})
      }
    }
    return planned
  }
}

const defaults = new Map<string, TypedSubnet[]>()

/** The playbook defaults, parsed once per process (a batch of 1,000 files needs them 1,000 times). */
function defaultSubnets(text: string): TypedSubnet[] {
  let subnets = defaults.get(text)
  if (!subnets) {
    subnets = parseSubnetList(text) as TypedSubnet[]
    defaults.set(text, subnets)
  }
  return subnets
}

export function addressText(family: Family, value: bigint): string {
  return formatAddress(family, value)
}
