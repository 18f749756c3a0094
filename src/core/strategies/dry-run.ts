import type {DcmanagerClient} from '../api/dcmanager-client.js'
import type {Subcloud} from '../api/dcmanager-types.js'
import {ApiError} from '../api/keystone.js'
import type {StrategyDeclaration} from '../api/strategies/declaration.js'
import {OperationError} from '../errors.js'
import {planFromSubclouds, type StrategyPlan} from './selection.js'

/**
 * `<family> create --dry-run`: what the System Controller would make of this create body, computed from
 * the live subcloud list (and the group, and any existing strategy) by the same rules the orchestrator
 * applies (orchestration.md §3.2-§3.4), without creating anything. A create the server would refuse
 * fails here with the server's own text (exit 1).
 */
export async function planStrategy(
  client: DcmanagerClient,
  declaration: StrategyDeclaration,
  body: Record<string, unknown>,
): Promise<StrategyPlan> {
  const existing = await client
    .strategy()
    .get()
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return undefined
      throw error
    })
  const groups = body.subcloud_group === undefined ? [] : await client.subcloudGroups.list()
  const subclouds: Subcloud[] = await client.subclouds.list()
  const plan = planFromSubclouds(declaration, body, subclouds, {existingType: existing?.type, groups})
  if (plan.refusal)
    throw new OperationError(plan.refusal, {
      hint: 'this is what the System Controller would answer; nothing was created (--dry-run)',
    })
  return plan
}
