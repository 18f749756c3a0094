import {Flags} from '@oclif/core'
import {nameArg, nameFlag} from '../../cli/names.js'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL, subcloudShow} from '../../core/subclouds/columns.js'
import {buildUpdateForm, checkUpdateRequest, type UpdateRequest} from '../../core/subclouds/update.js'
import {showFlags} from '../../cli/output-flags.js'
import {confirmHighRisk} from '../../cli/prompts.js'
import {
  bmcPasswordFlag,
  passwordFlags,
  resolveBmcPassword,
  resolveSysadminPassword,
} from '../../cli/subcloud-passwords.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudUpdate extends BaseCommand<typeof SubcloudUpdate> {
  static summary = 'Update attributes of a subcloud.'
  static description = `Rename, describe, move to a group, reconfigure the management network (all four --management-* options and --bootstrap-address; needs the sysadmin password), or replace install/bootstrap values. Asks for confirmation only when CLI_CONFIRMATIONS=enabled (as dcmanager).\n\n${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud update subcloud1 --description "Edge site 1" --location Ottawa',
    '<%= config.bin %> subcloud update subcloud1 --group 2',
  ]
  static jsonShape = jsonShape.object(SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL)
  static args = {subcloud: nameArg('Subcloud', {description: 'name or id of the subcloud'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    name: nameFlag({description: 'new name (the subcloud must be deployed and unmanaged)'}),
    description: Flags.string({description: 'description of the subcloud'}),
    location: Flags.string({description: 'location of the subcloud'}),
    group: nameFlag({description: 'name or id of the subcloud group'}),
    'management-subnet': Flags.string({description: 'network reconfiguration: management subnet'}),
    'management-gateway-ip': Flags.string({description: 'network reconfiguration: management gateway address'}),
    'management-start-ip': Flags.string({description: 'network reconfiguration: start of the management range'}),
    'management-end-ip': Flags.string({description: 'network reconfiguration: end of the management range'}),
    'bootstrap-address': Flags.string({description: 'bootstrap address of the subcloud'}),
    ...passwordFlags({sysadmin: 'sysadmin password (network reconfiguration) [env: DCM_SYSADMIN_PASSWORD]'}),
    'install-values': Flags.string({description: 'YAML file with the subcloud install values'}),
    ...bmcPasswordFlag('BMC password (with --install-values) [env: DCM_BMC_PASSWORD]'),
    'bootstrap-values': Flags.string({description: 'YAML file with the subcloud bootstrap values (rehome data)'}),
    'peer-group': Flags.string({description: "name or id of the subcloud peer group, or 'none'"}),
    yes: Flags.boolean({description: 'Skip confirmation and proceed with the action.'}),
  }

  async run() {
    const f = this.flags
    const request: UpdateRequest = {
      name: f.name,
      description: f.description,
      location: f.location,
      group: f.group,
      managementSubnet: f['management-subnet'],
      managementGatewayIp: f['management-gateway-ip'],
      managementStartIp: f['management-start-ip'],
      managementEndIp: f['management-end-ip'],
      bootstrapAddress: f['bootstrap-address'],
      installValues: f['install-values'],
      bootstrapValues: f['bootstrap-values'],
      peerGroup: f['peer-group'],
    }
    const ref = this.args.subcloud
    const needs = await checkUpdateRequest(request)
    const secrets = {
      sysadminPassword: needs.sysadminPassword ? await resolveSysadminPassword(f) : undefined,
      bmcPassword: needs.bmcPassword ? await resolveBmcPassword(f) : undefined,
    }
    await confirmHighRisk(f.yes)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const subcloud = await client.subclouds.update(
      ref,
      await buildUpdateForm(request, secrets),
      `Unable to update subcloud ${ref}`,
    )
    if (subcloud.info_message && !this.jsonEnabled()) process.stdout.write(subcloud.info_message)
    const {fields, values} = subcloudShow(subcloud)
    return this.printShow(fields, values)
  }
}
