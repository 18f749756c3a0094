import {readFileSync} from 'node:fs'
import path from 'node:path'

/** Text recorded in test/fixtures/spec/orchestration.md, found by the line that introduces it. */
const SPEC = readFileSync(path.join(process.cwd(), 'test/fixtures/spec/orchestration.md'), 'utf8')

/** The first fenced block after the line containing `marker`, with its final newline. */
export function specBlock(marker: string): string {
  const at = SPEC.indexOf(marker)
  if (at < 0) throw new Error(`spec marker not found: ${marker}`)
  const open = SPEC.indexOf('```\n', at)
  const close = SPEC.indexOf('\n```', open + 4)
  return SPEC.slice(open + 4, close + 1)
}
