import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {jsonShape} from '../../../cli/json-shape.js'
import {showFlags} from '../../../cli/output-flags.js'
import {DEPLOY_FILES, deployFilesRow} from '../../../core/subclouds/deploy-files.js'

export default class SubcloudDeployShow extends BaseCommand<typeof SubcloudDeployShow> {
  static summary = 'Show the uploaded deployment files.'
  static description = `The deploy files stored for a release (None where none was uploaded).

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud deploy show', '<%= config.bin %> subcloud deploy show --release 25.09']
  static jsonShape = jsonShape.object(DEPLOY_FILES)
  static flags = {
    ...showFlags,
    ...authFlags,
    release: Flags.string({
      description:
        'software release used to install, bootstrap and/or deploy the subcloud with. If not specified, the current software release of the system controller will be used.',
    }),
  }

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(DEPLOY_FILES, deployFilesRow(await client.deployFiles.show(this.flags.release)))
  }
}
