import {Flags} from '@oclif/core'

/** `--data-dir` of every `dcm lab ...` command; src/lab/lab-files.ts resolveDataDir() applies the default. */
export const labFlags = {
  'data-dir': Flags.string({
    description: 'lab state directory [default: $DCM_LAB_DIR or ~/.local/state/dcm/lab]',
    env: 'DCM_LAB_DIR',
  }),
}
