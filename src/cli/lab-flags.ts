import {Flags} from '@oclif/core'

/** `--data-dir` of every `dcm lab ...` command; src/lab/lab-files.ts resolveDataDir() applies the default. */
export const labFlags = {
  'data-dir': Flags.string({
    description: 'lab state directory [default: $DCM_LAB_DIR or ~/.local/state/dcm/lab]',
    env: 'DCM_LAB_DIR',
  }),
  site: Flags.string({
    description:
      "a named lab site (geo-redundancy: one System Controller per site): its data dir is lab-sites/NAME beside the default lab dir, and a new site's system is named NAME",
    exclusive: ['data-dir'],
  }),
}
