import {stringify} from 'yaml'

import {parseOverrideText, validateSubcloudOverrides, type Finding} from '../../../src/core/overrides/index.js'
import type {SubcloudValidationOptions} from '../../../src/core/overrides/types.js'

/** A valid AIO-SX IPv4 subcloud (the shape of valid-simplex-ipv4.yaml), the base every rule test mutates. */
export function simplexIpv4(): Record<string, unknown> {
  return {
    system_mode: 'simplex',
    name: 'subcloud1',
    description: 'test site',
    management_subnet: '192.168.101.0/24',
    management_start_address: '192.168.101.2',
    management_end_address: '192.168.101.50',
    management_gateway_address: '192.168.101.1',
    systemcontroller_gateway_address: '192.168.204.101',
    external_oam_subnet: '10.10.10.0/24',
    external_oam_gateway_address: '10.10.10.1',
    external_oam_floating_address: '10.10.10.12',
  }
}

export function duplexIpv4(): Record<string, unknown> {
  return {
    ...simplexIpv4(),
    system_mode: 'duplex',
    management_start_address: '192.168.101.10',
    management_end_address: '192.168.101.60',
    external_oam_node_0_address: '10.10.10.13',
    external_oam_node_1_address: '10.10.10.14',
  }
}

export function simplexIpv6(): Record<string, unknown> {
  return {
    system_mode: 'simplex',
    name: 'subcloud3-v6',
    management_subnet: 'fd00:101::/64',
    management_start_address: 'fd00:101::2',
    management_end_address: 'fd00:101::50',
    management_gateway_address: 'fd00:101::1',
    systemcontroller_gateway_address: 'fd00:204::101',
    external_oam_subnet: '2001:db8:10::/64',
    external_oam_gateway_address: '2001:db8:10::1',
    external_oam_floating_address: '2001:db8:10::12',
    cluster_host_subnet: 'fd00:206::/64',
    cluster_pod_subnet: 'fd00:300::/64',
    cluster_service_subnet: 'fd00:400::/112',
    management_multicast_subnet: 'ff05::18:1:0/124',
  }
}

export function withAdmin(values: Record<string, unknown>): Record<string, unknown> {
  const copy = {...values}
  delete copy.management_gateway_address
  return {
    ...copy,
    admin_subnet: '192.168.105.0/24',
    admin_start_address: '192.168.105.2',
    admin_end_address: '192.168.105.20',
    admin_gateway_address: '192.168.105.1',
  }
}

export interface Checked {
  text: string
  findings: Finding[]
  errors: Finding[]
  warnings: Finding[]
}

/** Serialise values to YAML (one key per line, in insertion order) and validate them as file `t.yml`. */
export async function check(
  values: Record<string, unknown>,
  options: SubcloudValidationOptions = {},
  file = 't.yml',
): Promise<Checked> {
  // YAML 1.1 output, as the loader reads 1.1 (PyYAML): `On`, `yes` and friends get quoted.
  const text = stringify(values, {lineWidth: 0, version: '1.1'})
  const findings = await validateSubcloudOverrides(parseOverrideText(text, file), options)
  return {
    text,
    findings,
    errors: findings.filter((finding) => finding.severity === 'error'),
    warnings: findings.filter((finding) => finding.severity === 'warning'),
  }
}

/** 1-based line of a top-level key in YAML text. */
export function lineOf(text: string, key: string): number {
  const index = text.split('\n').findIndex((line) => line.startsWith(`${key}:`))
  if (index < 0) throw new Error(`${key} not in text`)
  return index + 1
}
