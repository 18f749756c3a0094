import path from 'node:path'

import {Flags} from '@oclif/core'
import {durationFlag} from '../../cli/duration-flags.js'

import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {labFlags} from '../../cli/lab-flags.js'
import {OperationError, UsageError} from '../../core/errors.js'
import {jsonShape} from '../../cli/json-shape.js'
import {runningAsSingleExecutable} from '../../core/package-files.js'

export default class LabStart extends BaseCommand<typeof LabStart> {
  static summary = 'Start a local System Controller (Keystone + dcmanager API) on 127.0.0.1.'
  static description = `Serves Keystone v3 and the dcmanager API over the state of --data-dir (kept across restarts; passwords are
never written). In the foreground (default) it runs until Ctrl-C; with --detach it starts in the background,
writes <data-dir>/lab.json and returns once it answers. Then \`eval "$(dcm lab env)"\` points dcm at it.

Deploys run dcm's SSH bootstrap engine against the lab's simulated subcloud hosts (deployer "ssh": add a host
for each bootstrap address with \`dcm lab host add\`); \`--deployer simulated\` gives the timed simulation instead.
\`dcm lab status\` shows which one runs.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> lab start --detach',
    '<%= config.bin %> lab start --port 8119 --data-dir ./mylab',
    '<%= config.bin %> lab start --detach --tls    # HTTPS with a private CA: OS_CACERT=<data-dir>/tls/ca.pem',
  ]
  static jsonShape = jsonShape.none()
  static flags = {
    ...labFlags,
    port: Flags.integer({
      description:
        'TCP port on 127.0.0.1 (0 = the port this data dir used last time when it is free, else any free port)',
      default: 0,
      min: 0,
      max: 65535,
    }),
    detach: Flags.boolean({description: 'run in the background and return once the lab answers'}),
    tls: Flags.boolean({description: 'serve HTTPS with a certificate from a private CA generated in <data-dir>/tls'}),
    'tls-cert': Flags.string({description: 'serve HTTPS with this PEM certificate', dependsOn: ['tls-key']}),
    'tls-key': Flags.string({description: 'PEM private key of --tls-cert', dependsOn: ['tls-cert']}),
    'token-lifetime': durationFlag({description: 'Keystone token lifetime in seconds', default: 3600, min: 1}),
    deployer: Flags.string({
      description:
        'how added subclouds are deployed: ssh (a real SSH bootstrap of the lab host at the bootstrap address, see dcm lab host add) or simulated (timed, no hosts needed)',
      default: 'ssh',
    }),
    'time-scale': Flags.string({
      description: 'scale of the simulated deploy timings (1 = about 4 s per subcloud)',
      default: '1',
    }),
    'fail-subcloud': Flags.string({
      description: 'make the simulated bootstrap of this subcloud fail (repeatable)',
      multiple: true,
    }),
    release: Flags.string({
      description:
        'a release (MM.mm) the System Controller has deployed besides its own 24.09, for sw-deploy and prestage strategies (repeatable)',
      multiple: true,
    }),
    'sc-network': Flags.string({
      description:
        'System Controller management network and pool, SUBNET,START-END (repeatable; default 192.168.204.0/24,192.168.204.2-192.168.204.50 and fd00:204::/64,fd00:204::2-fd00:204::50)',
      multiple: true,
    }),
  }

  async run() {
    const {resolveDataDir, ensureAdminPassword, writeInstance, removeInstance, labEnvironment} =
      await import('../../lab/lab-files.js')
    const {runningInstance, startDetached} = await import('../../lab/lab-process.js')
    const flags = this.flags
    const dataDir = resolveDataDir(flags['data-dir'], flags.site)
    const timeScale = Number(flags['time-scale'])
    // The simulated deploy steps are timers: a scale beyond 1000 (days per step) only risks their overflow.
    if (!Number.isFinite(timeScale) || timeScale < 0 || timeScale > 1000) {
      throw new UsageError(`--time-scale must be a number from 0 to 1000, got "${flags['time-scale']}"`)
    }
    const {DEFAULT_SYSTEM_CONTROLLER, parseScNetwork} = await import('../../lab/lab-config.js')
    const networks = (flags['sc-network'] ?? []).map((text) => {
      const network = parseScNetwork(text)
      if (!network) throw new UsageError(`--sc-network must look like SUBNET,START-END, got "${text}"`)
      return network
    })

    for (const release of flags.release ?? []) {
      if (!/^\d{2}\.\d{2}$/.test(release))
        throw new UsageError(`--release must be MM.mm (e.g. 25.09), got "${release}"`)
    }

    const existing = await runningInstance(dataDir)
    if (existing) {
      throw new OperationError(`A lab is already running in ${dataDir} (pid ${existing.pid}, ${existing.url})`, {
        hint: `dcm lab stop --data-dir ${dataDir}`,
      })
    }

    if (flags.detach) {
      const args = this.argv.filter((arg) => arg !== '--detach')
      if (!flags['data-dir'] && !flags.site) args.push('--data-dir', dataDir)
      const runScript = runningAsSingleExecutable ? undefined : path.join(this.config.root, 'bin', 'run.js')
      const instance = await startDetached({runScript, dataDir, args})
      this.log(`Lab started in the background (pid ${instance.pid}): ${instance.url}`)
      this.log(`  data dir:  ${dataDir}  (log: ${path.join(dataDir, 'lab.log')})`)
      this.log(`  use it:    eval "$(dcm lab env --data-dir ${dataDir})"`)
      this.log(`  stop it:   dcm lab stop --data-dir ${dataDir}`)
      return
    }

    const {promises: fs} = await import('node:fs')
    const {startLab} = await import('../../lab/lab-server.js')
    // The simulated subcloud hosts (dcm lab host, served by this lab) and the `ssh` deployer bootstrapping them.
    const {registerLabHosts} = await import('../../lab/hosts/host-wiring.js')
    registerLabHosts()
    const password = await ensureAdminPassword(dataDir)
    let tls: {cert: Buffer; key: Buffer} | undefined
    let caCert: string | undefined
    if (flags['tls-cert'] && flags['tls-key']) {
      tls = {cert: await fs.readFile(flags['tls-cert']), key: await fs.readFile(flags['tls-key'])}
      caCert = path.resolve(flags['tls-cert'])
    } else if (flags.tls) {
      const {ensureLabCertificate} = await import('../../lab/http/lab-tls.js')
      const files = await ensureLabCertificate(dataDir)
      tls = {cert: await fs.readFile(files.cert), key: await fs.readFile(files.key)}
      caCert = files.caCert
    }
    const {startOnRememberedPort} = await import('../../lab/lab-port.js')
    const lab = await startOnRememberedPort(dataDir, flags.port, (port) =>
      startLab({
        dataDir,
        port,
        tls,
        adminPassword: password,
        tokenLifetimeSeconds: flags['token-lifetime'],
        deployer: flags.deployer,
        timeScale,
        failFor: flags['fail-subcloud'],
        siteName: flags.site,
        releases: [DEFAULT_SYSTEM_CONTROLLER.softwareVersion, ...(flags.release ?? [])],
        systemController: networks.length
          ? {...DEFAULT_SYSTEM_CONTROLLER, managementNetworks: networks}
          : DEFAULT_SYSTEM_CONTROLLER,
      }),
    )
    // The store rolls back a change the disk refused and the API answers 500; the cause belongs in lab.log.
    lab.store.on('persist-failed', (error: Error) =>
      this.logToStderr(`${new Date().toISOString()} dcm lab: ${error.message}`),
    )
    await writeInstance(dataDir, {
      pid: process.pid,
      port: lab.port,
      url: lab.url,
      authUrl: lab.authUrl,
      dcmanagerUrl: lab.dcmanagerUrl,
      caCert,
      deployer: lab.deployerKind,
      startedAt: new Date().toISOString(),
    })
    const env = labEnvironment({authUrl: lab.authUrl, caCert}, password)
    const system = lab.geo.tables.system
    this.log(`dcm lab: System Controller listening on ${lab.url} (deployer: ${lab.deployerKind})`)
    this.log(`  system:     ${system.name} (uuid ${system.uuid}, ${system.mode})`)
    this.log(`  data dir:   ${dataDir}`)
    this.log(`  OS_AUTH_URL=${env.OS_AUTH_URL}${caCert ? `  OS_CACERT=${caCert}` : ''}`)
    this.log(`  in another shell: eval "$(dcm lab env --data-dir ${dataDir})"`)
    this.log('Press Ctrl-C to stop.')

    await this.withInterrupt(
      (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), {once: true})),
      {signals: ['SIGINT', 'SIGTERM', 'SIGHUP']},
    )
    await lab.stop()
    await removeInstance(dataDir, process.pid)
    this.log('dcm lab: stopped')
  }
}
