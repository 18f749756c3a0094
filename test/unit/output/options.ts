import type {OutputOptions} from '../../../src/lib/output/index.js'

/** cliff's defaults (no output flags given, stdout not a TTY), overridden per test. */
export function options(overrides: Partial<OutputOptions> = {}): OutputOptions {
  return {
    format: 'table',
    columns: [],
    noindent: false,
    maxWidth: 0,
    fitWidth: false,
    printEmpty: false,
    quote: 'nonnumeric',
    prefix: '',
    sortColumns: [],
    sortDescending: false,
    ...overrides,
  }
}
