import {transientReason as coreTransientReason} from '../../core/subclouds/transient-state.js'
import type {SubcloudRecord} from './subcloud-model.js'

/** §3.3: the reason a subcloud is busy, or undefined (the rule lives in core, shared with the orchestrator). */
export function transientReason(record: SubcloudRecord): string | undefined {
  return coreTransientReason(record)
}
