import {Flags, type Interfaces} from '@oclif/core'

import {LIST_FORMATS, SHOW_FORMATS} from '../core/output/formats.js'
import type {CsvQuote, OutputFormat, OutputOptions} from '../core/output/types.js'

/** cliff's "output formatters" options (dcmanager-api.md §5.1), shared by every Lister and ShowOne command. */
const common = {
  column: Flags.string({
    char: 'c',
    multiple: true,
    description: 'specify the column(s) to include, can be repeated to show multiple columns',
    helpGroup: 'OUTPUT',
  }),
  noindent: Flags.boolean({description: 'whether to disable indenting the JSON', helpGroup: 'OUTPUT'}),
  'max-width': Flags.integer({
    description:
      'Maximum display width, <1 to disable. You can also use the CLIFF_MAX_TERM_WIDTH environment variable, but the parameter takes precedence.',
    env: 'CLIFF_MAX_TERM_WIDTH',
    default: 0,
    helpGroup: 'OUTPUT',
  }),
  'fit-width': Flags.boolean({
    description:
      'Fit the table to the display width. Implied if --max-width greater than 0. Set the environment variable CLIFF_FIT_WIDTH=1 to always enable',
    env: 'CLIFF_FIT_WIDTH',
    helpGroup: 'OUTPUT',
  }),
  'print-empty': Flags.boolean({description: 'Print empty table if there is no data to show.', helpGroup: 'OUTPUT'}),
}

export const listerFlags = {
  ...common,
  format: Flags.string({
    char: 'f',
    description: 'the output format, defaults to table',
    options: LIST_FORMATS,
    default: 'table',
    helpGroup: 'OUTPUT',
  }),
  quote: Flags.string({
    description: 'when to include quotes, defaults to nonnumeric',
    options: ['all', 'minimal', 'none', 'nonnumeric'],
    default: 'nonnumeric',
    helpGroup: 'OUTPUT',
  }),
  'sort-column': Flags.string({
    multiple: true,
    description:
      'specify the column(s) to sort the data (columns specified first have a priority, non-existing columns are ignored), can be repeated',
    helpGroup: 'OUTPUT',
  }),
  'sort-ascending': Flags.boolean({
    description: 'sort the column(s) in ascending order',
    helpGroup: 'OUTPUT',
    exclusive: ['sort-descending'],
  }),
  'sort-descending': Flags.boolean({description: 'sort the column(s) in descending order', helpGroup: 'OUTPUT'}),
}

export const showFlags = {
  ...common,
  format: Flags.string({
    char: 'f',
    description: 'the output format, defaults to table',
    options: SHOW_FORMATS,
    default: 'table',
    helpGroup: 'OUTPUT',
  }),
  prefix: Flags.string({description: 'add a prefix to all variable names', default: '', helpGroup: 'OUTPUT'}),
}

/** Parsed values of `listerFlags` or `showFlags` (each command has one of the two). */
export type OutputFlagValues = Partial<Interfaces.InferredFlags<typeof listerFlags & typeof showFlags>>

/** Turn parsed output flags into the library's options; the terminal width only when stdout is a TTY. */
export function outputOptionsFrom(flags: OutputFlagValues): OutputOptions {
  return {
    format: (flags.format ?? 'table') as OutputFormat,
    columns: flags.column ?? [],
    noindent: flags.noindent ?? false,
    maxWidth: flags['max-width'] ?? 0,
    fitWidth: flags['fit-width'] ?? false,
    printEmpty: flags['print-empty'] ?? false,
    quote: (flags.quote ?? 'nonnumeric') as CsvQuote,
    prefix: flags.prefix ?? '',
    sortColumns: flags['sort-column'] ?? [],
    sortDescending: flags['sort-descending'] ?? false,
    terminalWidth: process.stdout.isTTY ? process.stdout.columns : undefined,
  }
}
