import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {labFlags} from '../../cli/lab-flags.js'
import {OperationError} from '../../core/errors.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class LabEnv extends BaseCommand<typeof LabEnv> {
  static summary = 'Print the environment that points dcm (and OpenStack clients) at a running lab.'
  static description = `Prints \`export OS_...\` lines as /etc/platform/openrc would on a System Controller, to be eval'ed.
They include the lab's admin password (generated per data dir, kept in <data-dir>/admin-password, mode 0600).
DCM_SSH_CONFIG and DCM_KNOWN_HOSTS point dcm's SSH at the lab's simulated subcloud hosts (dcm lab host add), so
\`dcm subcloud bootstrap\` and the pre-flight of \`dcm subcloud add\` reach them by their bootstrap addresses; any
other address is refused, so nothing leaves loopback. DCM_LAB_DIR makes later \`dcm lab\` commands use this lab.
DCM_SYSADMIN_PASSWORD is a lab value (generated per data dir, <data-dir>/lab-sysadmin-password): the password
\`dcm lab host add\` gives the simulated hosts and \`dcm subcloud add\` then logs in with, so neither asks.
With --subcloud, the lines are those of a shell on that subcloud; \`eval "$(dcm lab env)"\` switches back.

${EXIT_CODES_HELP}`
  static examples = [
    'eval "$(<%= config.bin %> lab env)"',
    'eval "$(<%= config.bin %> lab env --data-dir ./mylab)"',
    'eval "$(<%= config.bin %> lab env --subcloud subcloud1)"    # a shell on the subcloud: its region and sysinv',
  ]
  static jsonShape = jsonShape.none()
  static flags = {
    ...labFlags,
    subcloud: Flags.string({
      description:
        "the environment of a shell on this subcloud's controller-0 (source /etc/platform/openrc there): its own region and sysinv",
    }),
  }

  async run() {
    const {resolveDataDir, labEnvironment, readAdminPassword, ensureLabSysadminPassword, LAB_SYSADMIN_PASSWORD_FILE} =
      await import('../../lab/lab-files.js')
    const {runningInstance, shellQuote} = await import('../../lab/lab-process.js')
    const dataDir = resolveDataDir(this.flags['data-dir'], this.flags.site)
    const instance = await runningInstance(dataDir)
    const password = await readAdminPassword(dataDir)
    if (!instance || !password) {
      throw new OperationError(`No lab is running in ${dataDir}`, {
        hint: `dcm lab start --detach --data-dir ${dataDir}`,
      })
    }
    let env = labEnvironment(instance, password)
    if (this.flags.subcloud) {
      const {subcloudShellEnvironment} = await import('../../lab/sysinv/sysinv-env.js')
      const shell = await subcloudShellEnvironment(dataDir, instance.url, env, this.flags.subcloud)
      this.log(`# ${this.flags.subcloud}: region ${shell.regionName}, sysinv ${shell.sysinvUrl}`)
      // The subcloud's own Keystone URL (the lab serves it under /identity/<region>): a client's token cache
      // then never hands the subcloud shell a System Controller token whose catalog predates the subcloud.
      env = {...shell.env, OS_AUTH_URL: `${instance.url}/identity/${shell.regionName}/v3`}
    }
    if (!this.flags.subcloud) {
      // The lab's simulated subcloud hosts (dcm lab host): dcm's SSH reaches them by bootstrap address.
      const {labSshEnvironment} = await import('../../lab/hosts/host-files.js')
      env = {...env, ...labSshEnvironment(dataDir)}
    }
    // Later `dcm lab ...` commands in this shell then work on the same lab without --data-dir.
    env = {...env, DCM_LAB_DIR: dataDir}
    for (const [key, value] of Object.entries(env)) this.log(`export ${key}=${shellQuote(value)}`)
    if (!this.flags.subcloud) {
      // `lab host add` and `subcloud add` then agree on the hosts' password without anyone typing it.
      const sysadmin = await ensureLabSysadminPassword(dataDir)
      this.log(`# lab value: the sysadmin password of this lab's simulated hosts only (${LAB_SYSADMIN_PASSWORD_FILE})`)
      this.log(`export DCM_SYSADMIN_PASSWORD=${shellQuote(sysadmin)}`)
    }
  }
}
