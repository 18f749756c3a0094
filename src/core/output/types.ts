import type {OutputFormat} from './formats.js'

/** What a command hands to the output layer: plain values, never pre-formatted text. */
export type Cell = string | number | boolean | null | undefined

/**
 * A rendered list: text, or its UTF-8 bytes when the writer built them in a buffer (fleet-sized tables, json, csv),
 * which a command writes to stdout as they are.
 */
export type ListText = string | Buffer

export type {OutputFormat} from './formats.js'
export type CsvQuote = 'all' | 'minimal' | 'none' | 'nonnumeric'

/** cliff's output-formatter options (dcmanager-api.md §5.1). */
export interface OutputOptions {
  format: OutputFormat
  /** `-c` names as typed; matched exactly against the column names, like cliff. Empty = all columns. */
  columns: string[]
  noindent: boolean
  /** 0 = no limit. */
  maxWidth: number
  fitWidth: boolean
  printEmpty: boolean
  quote: CsvQuote
  prefix: string
  /** Lister only. */
  sortColumns: string[]
  sortDescending: boolean
  /** Width of the terminal when stdout is a TTY, else undefined (no fitting). */
  terminalWidth?: number
  /** The header of a ShowOne table: cliff's `Field | Value` unless the upstream printer says otherwise. */
  showHeader?: readonly [string, string]
}
