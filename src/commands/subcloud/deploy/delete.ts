import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {jsonShape} from '../../../cli/json-shape.js'
import {confirmHighRisk} from '../../../cli/prompts.js'

export default class SubcloudDeployDelete extends BaseCommand<typeof SubcloudDeployDelete> {
  static summary = 'Delete the uploaded subcloud deployment files'
  static description = `Without --deployment-files or --prestage-images every file of the release is deleted. Asks for confirmation only when CLI_CONFIRMATIONS=enabled (as dcmanager): then on a terminal, and without one it needs --yes.

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud deploy delete --release 25.09 --deployment-files --yes']
  static jsonShape = jsonShape.object(['release', 'deployment_files', 'prestage_images'])
  static flags = {
    ...authFlags,
    release: Flags.string({
      description:
        'Release version that the user is trying to delete If not specified, the current software release of the system controller will be used.',
    }),
    'prestage-images': Flags.boolean({description: 'Delete prestage images list file only '}),
    'deployment-files': Flags.boolean({description: 'Delete deploy playbook, deploy overrides, deploy chart files '}),
    yes: Flags.boolean({description: 'Skip confirmation and proceed with the action.'}),
  }

  async run() {
    const f = this.flags
    await confirmHighRisk(f.yes)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const what = {deploymentFiles: Boolean(f['deployment-files']), prestageImages: Boolean(f['prestage-images'])}
    await client.deployFiles.delete(f.release, what)
    return {release: f.release ?? null, deployment_files: what.deploymentFiles, prestage_images: what.prestageImages}
  }
}
