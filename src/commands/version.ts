import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../cli/base-command.js'
import {jsonShape} from '../cli/json-shape.js'
import {showFlags} from '../cli/output-flags.js'
import {runtimeInfo} from '../core/build-info.js'

/** `dcm version --verbose`, in the order printed. */
const VERSION_FIELDS = [
  'dcm',
  'single_executable',
  'build_commit',
  'built_at',
  'node',
  'v8',
  'openssl',
  'os',
  'arch',
  'libc',
  'executable',
] as const

export default class Version extends BaseCommand<typeof Version> {
  static summary = 'Print the version of dcm (with --verbose: Node.js, OS and how this dcm was built).'
  static description = `Without --verbose prints the same line as \`dcm --version\`. With --verbose shows a Field | Value table
(-f json|yaml|value|shell as every show command): whether this dcm runs as the single executable or from the
npm package, the Node.js runtime it carries or runs on, the OS and the build.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> version',
    '<%= config.bin %> version --verbose',
    '<%= config.bin %> version --verbose -f json',
  ]
  static jsonShape = jsonShape.oneOf(jsonShape.object(['version']), jsonShape.object(VERSION_FIELDS))
  static flags = {
    ...showFlags,
    verbose: Flags.boolean({
      char: 'v',
      description: 'also show Node.js, OS, build and whether this is the single executable',
    }),
  }

  async run() {
    if (!this.flags.verbose) {
      if (!this.jsonEnabled()) this.log(this.config.userAgent)
      return {version: this.config.version}
    }
    const info = runtimeInfo()
    const values = [
      this.config.version,
      info.singleExecutable ? 'yes' : 'no',
      info.build.commit ?? '',
      info.build.builtAt ?? '',
      info.node,
      info.v8,
      info.openssl,
      info.os,
      info.arch,
      info.libc,
      process.execPath,
    ]
    return this.printShow([...VERSION_FIELDS], values)
  }
}
