import {Flags} from '@oclif/core'
import {durationFlag} from '../cli/duration-flags.js'

import {BaseCommand, EXIT_CODES_HELP} from '../cli/base-command.js'
import type {Executor} from '../core/netconfig/executor.js'
import {SessionRenderer} from '../core/netconfig/render.js'
import {LoggingExecutor, DEFAULT_LOG_FILE} from '../core/netconfig/logging-executor.js'
import {type SessionResult, type SessionUi, type UndoResult, runSession, runUndo} from '../core/netconfig/session.js'
import {DEFAULT_RECORD_DIR, recordFileFor} from '../core/netconfig/undo-record.js'
import {openTarget, requireRoot, sessionAddress} from '../core/netconfig/target.js'
import {type LinePrompter, canPrompt, openLinePrompter} from '../cli/prompts.js'
import {jsonShape} from '../cli/json-shape.js'

export default class ConfigManagement extends BaseCommand<typeof ConfigManagement> {
  static summary = "Bring up a subcloud controller's management interface and its route to the System Controller."
  static description = `Does what the upstream config_management console script does, on a freshly installed subcloud controller, as root: enables the links, shows the LLDP neighbours, asks for the management interface, address (CIDR), gateway and System Controller subnet with the same prompts and messages, then adds the address and the route.
Unlike upstream it polls LLDP instead of sleeping 120 s, shows the exact ip commands before running them (--dry-run stops there), checks every command, skips what is already configured, refuses conflicting addresses and routes, and rolls back every change of the run on a failure or Ctrl-C. Without a terminal every value comes from a flag (and --yes).
The changes are runtime state only: they are lost at the next reboot.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> config-management',
    '<%= config.bin %> config-management --interface enp0s8 --address 192.168.101.10/24 --gateway 192.168.101.1 --system-controller-subnet 192.168.204.0/24 --yes',
    '<%= config.bin %> config-management --interface enp0s8 --address fd00:101::10/64 --system-controller-subnet fd00:204::/64 --dry-run',
  ]

  static jsonShape = jsonShape.oneOf(
    jsonShape.object(
      [
        'interface',
        'address',
        'gateway',
        'systemControllerSubnet',
        'dryRun',
        'applied',
        'planned',
        'unchanged',
        'kept',
        'neighbours',
      ],
      ['recordFile'],
    ),
    jsonShape.object(['undo', 'dryRun', 'applied', 'planned', 'unchanged', 'recordFile']),
  )
  static flags = {
    interface: Flags.string({description: 'management interface name (as `ip link` shows it, without @parent)'}),
    address: Flags.string({description: 'management IP address in CIDR notation, ie. ip/prefix_length'}),
    gateway: Flags.string({description: 'management gateway IP address [default: first address of the subnet]'}),
    'system-controller-subnet': Flags.string({description: "System Controller's management subnet in CIDR notation"}),
    yes: Flags.boolean({char: 'y', description: 'apply the planned changes without asking'}),
    'dry-run': Flags.boolean({description: 'show the planned changes and stop; nothing is changed'}),
    'keep-other-interfaces': Flags.boolean({
      description: 'leave the other interfaces up (upstream brings every non-management interface down)',
    }),
    'lldp-timeout': durationFlag({
      description: 'seconds to wait for LLDP neighbours; 0 reads them once without waiting',
      default: 120,
      min: 0,
    }),
    'lldp-socket': Flags.string({description: "lldpd's control socket (lldpcli -u), when not the default"}),
    undo: Flags.boolean({
      description: 'take back what earlier runs added (addresses, routes, link states), newest first',
      exclusive: ['interface', 'address', 'gateway', 'system-controller-subnet', 'keep-other-interfaces'],
    }),
    'log-file': Flags.string({
      description: 'append every command run and its result to this file (created 0600)',
      default: DEFAULT_LOG_FILE,
    }),
    host: Flags.string({description: 'run on this remote controller over SSH instead of locally', helpGroup: 'REMOTE'}),
    'ssh-user': Flags.string({description: 'SSH user (must be root)', default: 'root', helpGroup: 'REMOTE'}),
    'ssh-port': Flags.integer({description: 'SSH port', min: 1, max: 65535, helpGroup: 'REMOTE'}),
    'identity-file': Flags.string({description: 'SSH private key (repeatable)', multiple: true, helpGroup: 'REMOTE'}),
    // The lab path of the README (and how the integration tests run it): every command inside a namespace.
    netns: Flags.string({
      description:
        'run every command inside this network namespace (ip netns exec): a lab stand-in for a subcloud console',
    }),
    'lldp-interval': durationFlag({description: 'seconds between LLDP polls', default: 2, min: 1, hidden: true}),
    // Where --undo records live (default /run/dcm: emptied at reboot, like the changes themselves).
    'record-dir': Flags.string({
      description: 'directory of the undo records',
      default: DEFAULT_RECORD_DIR,
      hidden: true,
    }),
  }

  async run(): Promise<SessionResult | UndoResult> {
    return this.withInterrupt((signal, interrupt) => this.configure(signal, interrupt))
  }

  private async configure(signal: AbortSignal, interrupt: () => void): Promise<SessionResult | UndoResult> {
    const {flags} = this
    const json = this.jsonEnabled()
    let executor: Executor | undefined
    let prompter: LinePrompter | undefined
    try {
      executor = await openTarget({
        host: flags.host,
        sshPort: flags['ssh-port'],
        sshUser: flags['ssh-user'],
        identityFiles: flags['identity-file'],
        netns: flags.netns,
        onDebug: this.debugLine,
      })
      await requireRoot(executor, Boolean(flags.host))
      const interactive = !json && canPrompt()
      executor = withLog(executor, flags['log-file'])
      const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text)
      const renderer = new SessionRenderer({
        out: write(json ? process.stderr : process.stdout),
        err: write(process.stderr),
        tty: Boolean(process.stdout.isTTY) && !json,
        debug: this.debugLine,
      })
      const ui: SessionUi = {
        emit: renderer.handle,
        ask: async (question) => {
          renderer.closeLine()
          prompter ??= await openLinePrompter(interrupt)
          return prompter.ask(question)
        },
      }
      const recordFile = recordFileFor(executor.where, flags['record-dir'])
      if (flags.undo) {
        const undo = {executor, recordFile, interactive, yes: flags.yes, dryRun: flags['dry-run']}
        return await runUndo({...undo, signal}, ui)
      }
      return await runSession(
        {
          executor,
          input: {
            interface: flags.interface,
            address: flags.address,
            gateway: flags.gateway,
            systemControllerSubnet: flags['system-controller-subnet'],
          },
          interactive,
          yes: flags.yes,
          dryRun: flags['dry-run'],
          keepOtherInterfaces: flags['keep-other-interfaces'],
          lldpSocket: flags['lldp-socket'],
          lldpTimeoutMs: flags['lldp-timeout'] * 1000,
          lldpIntervalMs: flags['lldp-interval'] * 1000,
          sessionAddress: await sessionAddress(executor, Boolean(flags.host)),
          signal,
          recordFile,
        },
        ui,
      )
    } finally {
      prompter?.close()
      await executor?.close?.()
    }
  }
}

/** The command log is a help, not a precondition: when it cannot be written, say so and carry on. */
function withLog(executor: Executor, file: string): Executor {
  try {
    return new LoggingExecutor(executor, file)
  } catch (error) {
    process.stderr.write(`Warning: no command log: ${(error as Error).message}\n`)
    return executor
  }
}
