// Placeholder until the renderer lands (issue 2 §5): keeps the build green for the skeleton commit.
import type {Cell, OutputOptions} from './types.js'

export type {Cell, OutputOptions} from './types.js'

export function formatList(_columns: string[], _rows: Cell[][], _options: OutputOptions): string {
  throw new Error('formatList is not implemented yet')
}

export function formatShow(_fields: string[], _values: Cell[], _options: OutputOptions): string {
  throw new Error('formatShow is not implemented yet')
}
