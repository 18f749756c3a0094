import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'

import {killGroupCommand, NOT_ABORTABLE_FLAG, playbookCommand} from '../../../src/core/bootstrap/remote-commands.js'
import {shellQuote} from '../../../src/core/ssh/shell-quote.js'
import {
  BOOTSTRAP_COMPLETED_FLAG,
  hashPassword,
  HostMachine,
  PLAYBOOK_PATH,
} from '../../../src/lab/hosts/ssh-host-machine.js'
import {bufferInput, Shell} from '../../../src/lab/hosts/ssh-host-shell.js'
import {parseScript, ShellSyntaxError} from '../../../src/lab/hosts/ssh-host-shell-parse.js'

const PASSWORD = 'St4rl!ng X $ecret'

function newMachine(options: {failAt?: string; durationMs?: number} = {}) {
  return new HostMachine({
    hostname: 'subcloud1',
    release: '24.09',
    password: hashPassword(PASSWORD, 'salt'),
    durationMs: options.durationMs ?? 30,
    failAt: options.failAt,
    bootstrapped: false,
  })
}

/** Run a command line as an exec channel would: its own process (session leader), sysadmin's shell. */
async function run(machine: HostMachine, command: string, stdin = '') {
  const process = machine.spawn(['-bash'])
  const shell = new Shell({machine, process, env: {}})
  let stdout = ''
  let stderr = ''
  try {
    const status = await shell.runScript(command, {
      stdin: bufferInput(Buffer.from(stdin)),
      stdout: {write: (chunk) => (stdout += chunk)},
      stderr: {write: (chunk) => (stderr += chunk)},
    })
    return {status, stdout, stderr, pid: process.pid}
  } finally {
    machine.exit(process)
  }
}

const withOverrides = (machine: HostMachine, becomePass = PASSWORD) =>
  machine.fs.writeFile(
    '/home/sysadmin/localhost.yml',
    `system_mode: simplex\nansible_become_pass: ${JSON.stringify(becomePass)}\n`,
    {mode: 0o600},
  )

describe('shell language', () => {
  it('keeps single-quoted words literal and expands variables elsewhere', async () => {
    const machine = newMachine()
    expect((await run(machine, `X=1; echo '$X' "$X" $X \${X}y ~ "~"`)).stdout).toBe('$X 1 1 1y /home/sysadmin ~\n')
  })

  it('round-trips any argument quoted with the SSH layer’s shellQuote', async () => {
    const machine = newMachine()
    await fc.assert(
      fc.asyncProperty(fc.string({unit: 'grapheme', maxLength: 30}), async (value) => {
        const {stdout} = await run(machine, `printf '%s' ${shellQuote(value)}`)
        expect(stdout).toBe(value)
      }),
      {numRuns: 200},
    )
  })

  it('runs &&, ||, ;, pipes, negation, if and while with arithmetic', async () => {
    const machine = newMachine()
    expect((await run(machine, 'false && echo no || echo yes; ! false && echo negated')).stdout).toBe('yes\nnegated\n')
    expect((await run(machine, 'cat /etc/build.info | grep SW_VERSION')).stdout).toBe('SW_VERSION="24.09"\n')
    expect((await run(machine, 'n=0; while [ $n -lt 3 ]; do echo $n; n=$((n+1)); done')).stdout).toBe('0\n1\n2\n')
    expect(
      (await run(machine, 'if [ -d /tmp ]; then echo dir; elif true; then echo x; else echo file; fi')).stdout,
    ).toBe('dir\n')
    expect((await run(machine, 'exit 7; echo never')).status).toBe(7)
  })

  it('passes sh -c positional parameters, one word per "$@" element', async () => {
    const machine = newMachine()
    const {stdout} = await run(machine, `sh -c 'printf "<%s>" "$@"; echo " $0 $#"' me 'a b' c`)
    expect(stdout).toBe('<a b><c> me 2\n')
  })

  it('reports unknown commands (127), syntax errors (2) and unprivileged writes like bash', async () => {
    const machine = newMachine()
    expect(await run(machine, 'kubectl get pods')).toMatchObject({
      status: 127,
      stderr: 'bash: line 1: kubectl: command not found\n',
    })
    expect((await run(machine, 'echo "unterminated')).status).toBe(2)
    expect(() => parseScript('echo $(id)')).toThrow(ShellSyntaxError)
    expect(await run(machine, 'mkdir -p /opt/dc-vault')).toMatchObject({
      status: 1,
      stderr: "mkdir: cannot create directory '/opt/dc-vault': Permission denied\n",
    })
    expect((await run(machine, 'mkdir -p -m 700 ~/overrides && stat -c %a ~/overrides')).stdout).toBe('700\n')
  })
})

describe('sudo -S', () => {
  it('reads the password from stdin and runs the command as root (the SSH layer’s exact wrapper)', async () => {
    const machine = newMachine()
    const wrapped = `sudo -S -k -p '' -- sh -c ${shellQuote('exec mkdir -p /opt/dc-vault/ansible </dev/null')}`
    expect((await run(machine, wrapped, `${PASSWORD}\n`)).status).toBe(0)
    expect(machine.fs.stat('/opt/dc-vault/ansible')?.type).toBe('dir')
    expect((await run(machine, `sudo -S -p '' id -un`, `${PASSWORD}\n`)).stdout).toBe('root\n')
  })

  it('refuses a wrong password with sudo’s messages and never runs the command', async () => {
    const machine = newMachine()
    const result = await run(machine, `sudo -S -k -p '' -- sh -c 'exec touch /etc/owned'`, 'wrong\n')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('Sorry, try again.')
    expect(result.stderr).toContain('sudo: 1 incorrect password attempt')
    expect(machine.fs.exists('/etc/owned')).toBe(false)
    expect((await run(machine, 'sudo -n true')).stderr).toBe('sudo: a password is required\n')
  })
})

describe('ansible-playbook and process groups', () => {
  it("runs the engine's exact playbook command: pgid marker, transcript, bootstrapped flag", async () => {
    const machine = newMachine()
    withOverrides(machine)
    const result = await run(machine, playbookCommand('ansible-playbook', PLAYBOOK_PATH))
    expect(result.status).toBe(0)
    const marker = /^dcm-pgid=(\d+)\n$/.exec(result.stderr)
    expect(marker).not.toBeNull()
    expect(result.stdout).toMatch(/^\nPLAY \[all\] \*+\n/)
    expect(result.stdout).toContain('localhost                  : ok=')
    expect(machine.fs.exists(BOOTSTRAP_COMPLETED_FLAG)).toBe(true)
    expect(machine.processes.size).toBe(0)
  })

  it('fails realistically: missing playbook, wrong become password, injected task', async () => {
    const machine = newMachine({failAt: 'Populate initial system database'})
    expect(await run(machine, 'ansible-playbook /nope.yml')).toMatchObject({
      status: 1,
      stderr: 'ERROR! the playbook: /nope.yml could not be found\n',
    })
    withOverrides(machine, 'not the password')
    const wrong = await run(machine, `ansible-playbook ${PLAYBOOK_PATH}`)
    expect(wrong.status).toBe(2)
    expect(wrong.stdout).toMatch(
      /TASK \[common\/prepare-env : Check if the become password is correct\][^]*fatal: \[localhost\]/,
    )
    withOverrides(machine)
    const injected = await run(machine, `ansible-playbook ${PLAYBOOK_PATH}`)
    expect(injected.status).toBe(2)
    expect(injected.stdout).toContain('Subnet 192.168.101.0/24 overlaps with subnet of network mgmt')
    expect(machine.isBootstrapped()).toBe(false)
  })

  it("uses --limit and -e override_files_dir like dcmanager's command", async () => {
    const machine = newMachine()
    await run(machine, `sudo -S -p '' mkdir -p /opt/dc-vault/ansible`, `${PASSWORD}\n`)
    machine.fs.writeFile('/opt/dc-vault/ansible/subcloud1.yml', `ansible_become_pass: ${JSON.stringify(PASSWORD)}\n`)
    machine.fs.writeFile('/opt/dc-vault/ansible/subcloud1_inventory.yml', 'all: {}\n')
    const result = await run(
      machine,
      `ansible-playbook ${PLAYBOOK_PATH} -i /opt/dc-vault/ansible/subcloud1_inventory.yml --limit subcloud1 -e "override_files_dir='/opt/dc-vault/ansible' region_name=abc"`,
    )
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('ok: [subcloud1 -> localhost] => (item=/opt/dc-vault/ansible/subcloud1.yml)')
  })

  it("kills the playbook's process group from a second channel with the engine's kill command", async () => {
    const machine = newMachine({durationMs: 60_000})
    withOverrides(machine)
    const running = run(machine, playbookCommand('ansible-playbook', PLAYBOOK_PATH)).catch((error: Error) => error)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const pgrep = await run(machine, 'pgrep -f ansible-playbook')
    expect(pgrep.status).toBe(0)
    const [pid] = pgrep.stdout.trim().split('\n').map(Number)
    const pgid = machine.processes.get(pid)!.pgid
    const kill = await run(machine, killGroupCommand(pgid, 5))
    expect(kill.stdout).toBe('stopped\n')
    const outcome = await running
    expect(outcome).toMatchObject({signalName: 'TERM'})
    expect((await run(machine, `pgrep -g ${pgid}`)).status).toBe(1)
    expect(machine.isBootstrapped()).toBe(false)
  })

  it('holds an abort while the not-abortable flag exists (apply-manifest to persist-config, subclouds only)', async () => {
    const machine = newMachine({durationMs: 4000})
    machine.fs.writeFile(
      '/home/sysadmin/localhost.yml',
      `distributed_cloud_role: subcloud\nansible_become_pass: ${JSON.stringify(PASSWORD)}\n`,
    )
    let output = ''
    const process = machine.spawn(['-bash'])
    const shell = new Shell({machine, process, env: {}})
    const running = shell
      .runScript(playbookCommand('ansible-playbook', PLAYBOOK_PATH), {
        stdin: bufferInput(Buffer.alloc(0)),
        stdout: {write: (chunk) => (output += chunk)},
        stderr: {write: () => undefined},
      })
      .catch((error: Error) => error)
    const flag = `/home/sysadmin/${NOT_ABORTABLE_FLAG}`
    while (!machine.fs.exists(flag)) await new Promise((resolve) => setTimeout(resolve, 20))
    const kill = await run(machine, killGroupCommand(process.pgid, 30))
    // The engine's kill saw the flag (and says so), waited, then stopped the group.
    expect(kill.stdout).toMatch(/^dcm-waiting-not-abortable\n(?:.*\n)*stopped\n$/)
    expect(await running).toMatchObject({signalName: 'TERM'})
    machine.exit(process)
    // The kill came only once persist-config had removed the flag: apply-manifest was never interrupted.
    expect(output).toContain(
      'changed: [localhost -> localhost]\n\nTASK [bootstrap/apply-manifest : Create config workdir]',
    )
    expect(output).toMatch(
      /TASK \[bootstrap\/persist-config : Remove unabortable flag for localhost\][^]*changed: \[localhost -> localhost\]/,
    )
    expect(output).not.toContain('PLAY RECAP')
    expect(machine.fs.exists(flag)).toBe(false)
  })
})
