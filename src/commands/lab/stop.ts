import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {labFlags} from '../../cli/lab-flags.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class LabStop extends BaseCommand<typeof LabStop> {
  static summary = 'Stop the lab running in a data dir (its state stays for the next start).'
  static description = `Sends SIGTERM and waits (SIGKILL after 10 s). A deploy in progress ends in its phase's failure state,
as dcmanager leaves it after a restart. Stopping when no lab runs is not an error.

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> lab stop', '<%= config.bin %> lab stop --data-dir ./mylab']
  static jsonShape = jsonShape.none()
  static flags = {
    ...labFlags,
  }

  async run() {
    const {resolveDataDir} = await import('../../lab/lab-files.js')
    const {stopInstance} = await import('../../lab/lab-process.js')
    const dataDir = resolveDataDir(this.flags['data-dir'], this.flags.site)
    const pid = await stopInstance(dataDir)
    this.log(pid ? `Stopped the lab in ${dataDir} (pid ${pid})` : `No lab is running in ${dataDir}`)
  }
}
