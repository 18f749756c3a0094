import {defaultOutputOptions, formatList} from '../output/index.js'
import {pyStr} from '../output/python-text.js'
import type {StrategyPlan} from './selection.js'

/** The text of `create --dry-run`: what would be created, the steps as a table, the subclouds left out. */
export function renderPlan(plan: StrategyPlan): string {
  const lines = [
    `Dry run, nothing created: a ${plan.type} strategy would take ${plan.steps.length} subcloud${plan.steps.length === 1 ? '' : 's'}` +
      ` (subcloud apply type ${pyStr(plan.subcloudApplyType)}, max parallel subclouds ${plan.maxParallelSubclouds},` +
      ` stop on failure ${pyStr(plan.stopOnFailure)}); stage n starts as slots of the previous ones free up.`,
  ]
  const table = formatList(
    ['cloud', 'stage'],
    plan.steps.map((step) => [step.cloud, step.stage]),
    defaultOutputOptions(),
  )
  const skipped = plan.skipped.map((s) => `  ${s.cloud}: ${s.reason}`)
  return (
    lines.join('\n') +
    '\n' +
    table +
    (skipped.length > 0
      ? `No step for ${skipped.length} subcloud${skipped.length === 1 ? '' : 's'}:\n${skipped.join('\n')}\n`
      : '')
  )
}
