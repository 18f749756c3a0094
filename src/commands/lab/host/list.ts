import {BaseCommand, EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {labFlags} from '../../../cli/lab-flags.js'
import {listerFlags} from '../../../cli/output-flags.js'
import {jsonShape} from '../../../cli/json-shape.js'

const LAB_HOST_COLUMNS = ['name', 'bootstrap_address', 'ssh_port', 'release', 'fail_at', 'bootstrapped']

export default class LabHostList extends BaseCommand<typeof LabHostList> {
  static summary = 'List the simulated subcloud controllers the running lab serves.'
  static description = `One row per lab host: its bootstrap address, the loopback SSH port it is served on, its release, the injected
failure (if any) and whether a bootstrap has completed on it.

${EXIT_CODES_HELP}`
  static jsonShape = jsonShape.list(LAB_HOST_COLUMNS)
  static examples = ['<%= config.bin %> lab host list', '<%= config.bin %> lab host list -f value -c name -c ssh_port']
  static flags = {
    ...listerFlags,
    ...labFlags,
  }

  async run() {
    const {resolveDataDir} = await import('../../../lab/lab-files.js')
    const dataDir = resolveDataDir(this.flags['data-dir'], this.flags.site)
    const {LabHostClient} = await import('../../../lab/hosts/host-admin-client.js')
    const client = await LabHostClient.connect(dataDir)
    try {
      const {hosts} = await client.list()
      return this.printList(
        LAB_HOST_COLUMNS,
        hosts.map((host) => [
          host.name,
          host.bootstrap_address,
          host.port,
          host.release,
          host.fail_at,
          host.bootstrapped,
        ]),
      )
    } finally {
      await client.close()
    }
  }
}
