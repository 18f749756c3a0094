/**
 * Existing subclouds as the validator needs them, from dcmanager's subcloud JSON (`GET /v1.0/subclouds`,
 * dcmanager-api.md §3.1) or from override files planned in the same batch.
 */
import {parseSubnetList} from './network-values.js'
import type {ExistingSubcloud, LoadedOverrides} from './types.js'

/** `{"name", "management-subnet", "management-start-ip", "management-end-ip", ...}` -> ExistingSubcloud. */
export function existingSubcloudFromApi(record: Record<string, unknown>): ExistingSubcloud {
  const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : undefined)
  return {
    name: String(record.name ?? ''),
    management_subnet: text('management-subnet') ?? text('management_subnet') ?? '',
    management_start_ip: text('management-start-ip') ?? text('management_start_ip'),
    management_end_ip: text('management-end-ip') ?? text('management_end_ip'),
  }
}

/**
 * What dcmanager would store for an override file once added (§7): the admin subnet and range when an admin network
 * is given, else the management ones; primary family only.
 */
export function existingSubcloudFromOverrides(loaded: LoadedOverrides): ExistingSubcloud | undefined {
  const values = loaded.values
  if (typeof values.name !== 'string') return undefined
  const prefix = values.admin_subnet !== undefined ? 'admin' : 'management'
  const primary = (key: string) => (typeof values[key] === 'string' ? (values[key] as string).split(',')[0] : undefined)
  const subnet = parseSubnetList(values[`${prefix}_subnet`])?.[0]
  return {
    name: values.name,
    management_subnet: subnet?.typed ?? '',
    management_start_ip: primary(`${prefix}_start_address`),
    management_end_ip: primary(`${prefix}_end_address`),
    external_oam_subnet: parseSubnetList(values.external_oam_subnet)?.[0]?.typed,
    admin_subnet: prefix === 'admin' ? subnet?.typed : undefined,
  }
}
