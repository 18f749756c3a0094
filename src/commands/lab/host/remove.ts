import {nameArg} from '../../../cli/names.js'

import {BaseCommand, EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {labFlags} from '../../../cli/lab-flags.js'
import {jsonShape} from '../../../cli/json-shape.js'

export default class LabHostRemove extends BaseCommand<typeof LabHostRemove> {
  static summary = 'Stop serving a simulated subcloud controller and forget it.'
  static description = `Closes the host's SSH port (a bootstrap running on it dies with it), deletes its host key and removes it from
<data-dir>/ssh_config and known_hosts.

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> lab host remove subcloud1']
  static jsonShape = jsonShape.object(['name', 'bootstrap_address'])
  static args = {
    name: nameArg('Host name', {description: 'host name'}),
  }
  static flags = {
    ...labFlags,
  }

  async run() {
    const {resolveDataDir} = await import('../../../lab/lab-files.js')
    const dataDir = resolveDataDir(this.flags['data-dir'], this.flags.site)
    const {LabHostClient} = await import('../../../lab/hosts/host-admin-client.js')
    const client = await LabHostClient.connect(dataDir)
    try {
      const {host} = await client.remove(this.args.name)
      this.log(`Lab host ${host.name} (${host.bootstrap_address}) removed.`)
      return {name: host.name, bootstrap_address: host.bootstrap_address}
    } finally {
      await client.close()
    }
  }
}
