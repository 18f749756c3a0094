import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {jsonShape} from '../../../cli/json-shape.js'
import {showFlags} from '../../../cli/output-flags.js'
import {
  buildUploadForm,
  checkUploadRequest,
  DEPLOY_FILES,
  deployFilesRow,
} from '../../../core/subclouds/deploy-files.js'

const RELEASE_HELP =
  'software release used to install, bootstrap and/or deploy the subcloud with. If not specified, the current software release of the system controller will be used.'

export default class SubcloudDeployUpload extends BaseCommand<typeof SubcloudDeployUpload> {
  static summary = 'Upload the subcloud deployment files'
  static description = `Stores the deploy playbook, overrides and chart (and the prestage image list) on the System Controller for a release; an upload replaces the release's file of the same kind. A playbook with a roles/ directory beside it is sent as one zip of both. The playbook and chart go together unless only --prestage-images is given (checked before sending).

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud deploy upload --deploy-playbook deploy.yml --deploy-overrides overrides.yml --deploy-chart chart.tgz --release 25.09',
    '<%= config.bin %> subcloud deploy upload --prestage-images images.lst',
  ]
  static jsonShape = jsonShape.object(DEPLOY_FILES)
  static flags = {
    ...showFlags,
    ...authFlags,
    'deploy-playbook': Flags.string({
      description:
        'An ansible playbook to be run after the subcloud has been successfully bootstrapped. It will be run with the subcloud as the target and authentication is handled automatically. Must be a local file path.',
    }),
    'deploy-overrides': Flags.string({
      description:
        'YAML file containing subcloud variables to be passed to the deploy playbook. Must be a local file path',
    }),
    'deploy-chart': Flags.string({
      description: 'Deployment Manager helm chart to be passed to the deploy playbook. Must be a local file path',
    }),
    'prestage-images': Flags.string({
      description: 'Container image list to be passed to prestage_images playbook. Must be a local file path',
    }),
    release: Flags.string({description: RELEASE_HELP}),
  }

  async run() {
    const f = this.flags
    const request = {
      files: {
        deploy_playbook: f['deploy-playbook'],
        deploy_overrides: f['deploy-overrides'],
        deploy_chart: f['deploy-chart'],
        prestage_images: f['prestage-images'],
      },
      release: f.release,
    }
    await checkUploadRequest(request)
    const fields = await buildUploadForm(request)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(DEPLOY_FILES, deployFilesRow(await client.deployFiles.upload(fields)))
  }
}
