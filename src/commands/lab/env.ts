import path from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../base-command.js'
import {OperationError} from '../../lib/errors.js'

export default class LabEnv extends BaseCommand<typeof LabEnv> {
  static summary = 'Print the environment that points dcm (and OpenStack clients) at a running lab.'
  static description = `Prints \`export OS_...\` lines as /etc/platform/openrc would on a System Controller, to be eval'ed.
They include the lab's admin password (generated per data dir, kept in <data-dir>/admin-password, mode 0600).

${EXIT_CODES_HELP}`
  static examples = ['eval "$(<%= config.bin %> lab env)"', 'eval "$(<%= config.bin %> lab env --data-dir ./mylab)"']
  static flags = {
    'data-dir': Flags.string({
      description: 'lab state directory [default: $DCM_LAB_DIR or ~/.local/state/dcm/lab]',
      env: 'DCM_LAB_DIR',
    }),
  }

  async run() {
    const {defaultDataDir, labEnvironment, readAdminPassword} = await import('../../lib/lab/lab-files.js')
    const {runningInstance, shellQuote} = await import('../../lib/lab/lab-process.js')
    const dataDir = path.resolve(this.flags['data-dir'] ?? defaultDataDir())
    const instance = await runningInstance(dataDir)
    const password = await readAdminPassword(dataDir)
    if (!instance || !password) {
      throw new OperationError(`No lab is running in ${dataDir}`, {
        hint: `dcm lab start --detach --data-dir ${dataDir}`,
      })
    }
    const env = labEnvironment(instance, password)
    for (const [key, value] of Object.entries(env)) this.log(`export ${key}=${shellQuote(value)}`)
  }
}
