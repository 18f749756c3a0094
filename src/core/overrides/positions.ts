/** Map a parameter path to its line and column in the source file, from the YAML parser's node ranges. */
import {isMap, isPair, isScalar, isSeq, type Node} from 'yaml'

import type {LoadedOverrides} from './types.js'

export interface Position {
  line: number
  column: number
}

/**
 * Where `path` is written: the value node (`target: 'value'`, default) or its key. When the path does not exist
 * (a missing key) the deepest existing parent is used, so a message still points somewhere useful.
 */
export function positionOf(
  loaded: Pick<LoadedOverrides, 'document' | 'lineCounter'>,
  path: readonly (string | number)[],
  target: 'key' | 'value' = 'value',
): Position {
  let node: unknown = loaded.document.contents
  let offset = firstOffset(node)
  for (const [index, step] of path.entries()) {
    const last = index === path.length - 1
    if (isMap(node)) {
      // The last pair with that key wins (PyYAML semantics for duplicate keys).
      const pair = [...node.items]
        .reverse()
        .find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(step))
      if (!pair) break
      const keyOffset = (pair.key as Node).range?.[0]
      if (last && target === 'key' && keyOffset !== undefined) return toPosition(loaded, keyOffset)
      const valueOffset = (pair.value as Node | null)?.range?.[0]
      offset = valueOffset ?? keyOffset ?? offset
      node = pair.value
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step] as Node | undefined
      if (!item) break
      offset = item.range?.[0] ?? offset
      node = item
    } else break
  }
  return toPosition(loaded, offset)
}

function firstOffset(node: unknown): number {
  if (isMap(node) && node.items.length > 0) return (node.items[0].key as Node | null)?.range?.[0] ?? 0
  return (node as Node | null)?.range?.[0] ?? 0
}

function toPosition(loaded: Pick<LoadedOverrides, 'lineCounter'>, offset: number): Position {
  const {line, col} = loaded.lineCounter.linePos(offset)
  return {line, column: col}
}
