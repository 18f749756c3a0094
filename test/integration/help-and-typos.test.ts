import {readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from '@jest/globals'

import {repoRoot, runDcm} from '../helpers/cli.js'

/**
 * The first minutes with dcm: `-h` is help everywhere, help shows a command's own flags first (the shared
 * connection, SSH and output flags collapsed behind one line), and a mistyped command or flag gets a
 * suggestion even without a terminal (these runs have none).
 */
interface ManifestFlag {
  char?: string
  helpGroup?: string
}
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
  commands: Record<string, {flags: Record<string, ManifestFlag>}>
}

describe('help', () => {
  it('-h is help on every command: no command gives -h another meaning', async () => {
    for (const [id, command] of Object.entries(manifest.commands)) {
      const short = Object.entries(command.flags).filter(([, flag]) => flag.char === 'h')
      expect([id, short]).toEqual([id, []])
    }
    for (const args of [['lab', 'host', 'add'], ['host-route-add'], ['subcloud-group', 'list']]) {
      const [short, long] = await Promise.all([runDcm([...args, '-h']), runDcm([...args, '--help'])])
      expect(short).toMatchObject({code: 0, stderr: ''})
      expect(short.stdout).toBe(long.stdout)
      expect(short.stdout).toMatch(/^\S.*\n\nUSAGE\n/)
    }
  })

  it('subcloud add --help: examples first, its own flags, the shared ones behind one line', async () => {
    const help = await runDcm(['subcloud', 'add', '--help'])
    expect(help).toMatchObject({code: 0, stderr: ''})
    const headers = help.stdout.split('\n').filter((line) => /^[A-Z][A-Z ]+$/.test(line))
    expect(headers.slice(0, 3)).toEqual(['USAGE', 'EXAMPLES', 'FLAGS'])
    expect(headers).not.toContain('CONNECTION FLAGS')
    expect(help.stdout).not.toContain('--os-auth-url')
    expect(help.stdout).not.toContain('--ssh-host-key-policy')
    expect(help.stdout).toContain('--bootstrap-values')
    expect(help.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^CONNECTION, SSH, OUTPUT FLAGS \(\d+ more, shared by many commands\): dcm subcloud add --help --all, or dcm help subcloud add$/,
    )
    const [all, helpCommand] = await Promise.all([
      runDcm(['subcloud', 'add', '--help', '--all']),
      runDcm(['help', 'subcloud', 'add']),
    ])
    expect(all.stdout).toBe(helpCommand.stdout)
    for (const heading of ['CONNECTION FLAGS', 'SSH FLAGS', 'OUTPUT FLAGS'])
      expect(all.stdout).toContain(`\n${heading}\n`)
    expect(all.stdout).toContain('--os-auth-url')
    expect(help.stdout.split('\n').length).toBeLessThan(all.stdout.split('\n').length * 0.7)
  })
})

describe('typos, without a terminal', () => {
  it('an unknown command is exit 2 with the closest command', async () => {
    const [command, topic, nothing] = await Promise.all([
      runDcm(['subclod', 'list']),
      runDcm(['subcloud', 'lst']),
      runDcm(['frobnicate']),
    ])
    expect(command).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'Error: subclod list is not a dcm command\nHint: did you mean "dcm subcloud list"? (dcm help lists them)\n',
    })
    expect(topic).toMatchObject({
      code: 2,
      stderr:
        'Error: subcloud lst is not a dcm command\nHint: did you mean "dcm subcloud list"? (dcm help subcloud lists them)\n',
    })
    expect(nothing).toMatchObject({
      code: 2,
      stderr: 'Error: frobnicate is not a dcm command\nHint: dcm help lists the commands\n',
    })
  })

  it('a word after a command that takes no argument is an unexpected argument, not an unknown command', async () => {
    const [list, restore] = await Promise.all([
      runDcm(['subcloud', 'list', 'extra']),
      runDcm(['subcloud', 'restore', 'subcloud1', 'more']),
    ])
    expect(list).toMatchObject({
      code: 2,
      stdout: '',
      stderr: "Error: Unexpected argument: extra\nHint: see 'dcm subcloud list --help'\n",
    })
    expect(restore).toMatchObject({
      code: 2,
      stderr: "Error: Unexpected argument: subcloud1 more\nHint: see 'dcm subcloud restore --help'\n",
    })
  })

  it('an unknown flag is exit 2 with the closest flag of that command', async () => {
    const [misspelt, truncated] = await Promise.all([
      runDcm(['subcloud', 'add', '--bootstrap-adress', '10.10.10.12']),
      runDcm(['host-route-list', '1', '--os-region', 'RegionOne']),
    ])
    expect(misspelt).toMatchObject({
      code: 2,
      stderr:
        'Error: Nonexistent flag: --bootstrap-adress\n' +
        'Hint: did you mean --bootstrap-address? (dcm subcloud add --help lists the flags)\n',
    })
    expect(truncated).toMatchObject({
      code: 2,
      stderr:
        'Error: Nonexistent flag: --os-region\nHint: did you mean --os-region-name? (dcm host-route-list --help lists the flags)\n',
    })
  })
})
