import type {ServerChannel} from 'ssh2'

import type {HostMachine} from './ssh-host-machine.js'
import {BrokenPipe, type Input, KilledBySignal, type Output, Shell} from './ssh-host-shell.js'

/**
 * An interactive login on a simulated controller-0 (`ssh -F $DCM_SSH_CONFIG 10.10.10.12`): a prompt, line
 * editing on a pty (echo, backspace, Ctrl-C to interrupt the running command, Ctrl-D to log out), and every
 * line run by the same interpreter as exec channels, keeping cwd and variables between lines. Without a pty
 * (`ssh -T host < script`) lines are read from stdin and run without prompt or echo.
 */
export function runLoginShell(channel: ServerChannel, machine: HostMachine, env: Record<string, string>, pty: boolean) {
  const process = machine.spawn(['-bash'])
  const shell = new Shell({machine, process, env})
  let closed = false
  const raw = (text: string | Buffer) => {
    if (closed) throw new BrokenPipe()
    channel.write(pty ? String(text).replace(/\r?\n/g, '\r\n') : text)
  }
  const stdout: Output = {write: raw}
  const stderr: Output = {write: raw}

  // Typed lines, as the line discipline of a terminal delivers them.
  const lines: string[] = []
  let waiting: ((line: string | null) => void) | undefined
  let current = ''
  let echo = true
  let running: {pgid: number} | undefined
  const deliver = (line: string | null) => {
    if (waiting) {
      const resolve = waiting
      waiting = undefined
      resolve(line)
    } else if (line !== null) lines.push(line)
  }
  const nextLine = () =>
    new Promise<string | null>((resolve) => {
      if (lines.length) resolve(lines.shift()!)
      else if (closed) resolve(null)
      else waiting = resolve
    })
  const commandInput: Input = {
    terminal: pty,
    setEcho: (on) => (echo = on),
    readLine: nextLine,
    async readAll() {
      const collected: string[] = []
      for (let line = await nextLine(); line !== null; line = await nextLine()) collected.push(line)
      return Buffer.from(collected.map((line) => line + '\n').join(''))
    },
  }

  const onData = (data: Buffer) => {
    if (!pty) {
      current += data.toString()
      let newline: number
      while ((newline = current.indexOf('\n')) >= 0) {
        deliver(current.slice(0, newline).replace(/\r$/, ''))
        current = current.slice(newline + 1)
      }
      return
    }
    for (const char of data.toString()) {
      if (char === '\r' || char === '\n') {
        raw('\n')
        deliver(current)
        current = ''
      } else if (char === '\x7f' || char === '\b') {
        if (current) {
          current = current.slice(0, -1)
          raw('\b \b')
        }
      } else if (char === '\x03') {
        raw('^C\n')
        current = ''
        if (running) machine.kill(-running.pgid, 'INT')
        else deliver('')
      } else if (char === '\x04') {
        if (current === '') deliver(null)
      } else if (char >= ' ') {
        current += char
        if (echo) raw(char)
      }
    }
  }
  channel.on('data', onData)
  channel.on('end', () => deliver(null))
  channel.on('close', () => {
    closed = true
    deliver(null)
  })
  channel.on('error', () => (closed = true))

  const prompt = () => {
    if (!pty) return
    const home = shell.env.HOME
    const where =
      shell.cwd === home ? '~' : shell.cwd.startsWith(home + '/') ? '~' + shell.cwd.slice(home.length) : shell.cwd
    raw(`${shell.user}@localhost:${where}$ `)
  }

  void (async () => {
    if (pty) {
      raw(
        `Simulated StarlingX controller-0 (dcm lab host ${machine.hostname}, release ${machine.options.release}).\n` +
          `The bootstrap playbook is ansible-playbook /usr/share/ansible/stx-ansible/playbooks/bootstrap.yml\n`,
      )
    }
    let status = 0
    try {
      for (;;) {
        prompt()
        const line = await nextLine()
        if (line === null) break
        if (line.trim() === '') continue
        // Each command line runs as the foreground job in its own process group, so Ctrl-C stops just it.
        const job = machine.spawn(['-bash'])
        running = job
        const jobShell = new Shell({machine, process: job, env: shell.env, cwd: shell.cwd, user: shell.user})
        jobShell.lastStatus = status
        try {
          status = await jobShell.runScript(line, {stdin: commandInput, stdout, stderr})
        } catch (error) {
          if (error instanceof KilledBySignal) status = 128 + (error.signalName === 'INT' ? 2 : 15)
          else throw error
        } finally {
          running = undefined
          machine.exit(job)
        }
        shell.cwd = jobShell.cwd
        Object.assign(shell.env, jobShell.env)
        if (/^\s*exit\b/.test(line)) break
      }
      if (pty && !closed) raw('logout\n')
    } catch (error) {
      if (!(error instanceof BrokenPipe)) status = 1
    } finally {
      machine.exit(process)
      if (!closed) {
        channel.exit(status)
        channel.end()
      }
    }
  })()
}
