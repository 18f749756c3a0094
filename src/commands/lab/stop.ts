import path from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../base-command.js'

export default class LabStop extends BaseCommand<typeof LabStop> {
  static summary = 'Stop the lab running in a data dir (its state stays for the next start).'
  static description = `Sends SIGTERM and waits (SIGKILL after 10 s). A deploy in progress ends in its phase's failure state,
as dcmanager leaves it after a restart. Stopping when no lab runs is not an error.

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> lab stop', '<%= config.bin %> lab stop --data-dir ./mylab']
  static flags = {
    'data-dir': Flags.string({
      description: 'lab state directory [default: $DCM_LAB_DIR or ~/.local/state/dcm/lab]',
      env: 'DCM_LAB_DIR',
    }),
  }

  async run() {
    const {defaultDataDir} = await import('../../lib/lab/lab-files.js')
    const {stopInstance} = await import('../../lib/lab/lab-process.js')
    const dataDir = path.resolve(this.flags['data-dir'] ?? defaultDataDir())
    const pid = await stopInstance(dataDir)
    this.log(pid ? `Stopped the lab in ${dataDir} (pid ${pid})` : `No lab is running in ${dataDir}`)
  }
}
