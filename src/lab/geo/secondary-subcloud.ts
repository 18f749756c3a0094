import {parse} from 'yaml'

import type {FormPart} from '../http/multipart.js'
import type {SubcloudRecord} from '../dcmanager/subcloud-model.js'
import {rehomeDataOf} from './peer-group-members.js'
import {withoutSecrets} from './subcloud-geo-rules.js'

/**
 * A secondary subcloud (subcloud-lifecycle.md §3.4): the copy a primary site's sync adds on its peer. It keeps
 * the primary's keystone region (the `region_name` field), and the bootstrap values it came with become its
 * rehome data, with the bootstrap address, for a later migrate. Passwords are left out: the lab stores no
 * secrets (upstream keeps admin_password base64-encoded in the rehome data).
 */
export function secondaryFields(parts: Map<string, FormPart>, bootstrapAddress: string): Partial<SubcloudRecord> {
  const text = (name: string) => parts.get(name)?.data.toString('utf8')
  const change: Partial<SubcloudRecord> = {}
  const region = text('region_name')
  if (region) change.regionName = region
  let values: Record<string, unknown> = {}
  try {
    const parsed: unknown = parse(text('bootstrap_values') ?? '')
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) values = parsed as Record<string, unknown>
  } catch {
    // The add's own checks refused unreadable YAML already.
  }
  change.rehomeData = rehomeDataOf({...withoutSecrets(values), 'bootstrap-address': bootstrapAddress})
  return change
}
