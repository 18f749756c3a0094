// dcm(1): one man page with every command, generated from oclif.manifest.json (summaries, usage, arguments,
// flags with their values and defaults), the ENVIRONMENT list (dist/cli/environment.js) and the exit codes.
// Used by scripts/package-deb.js; `node scripts/man-page.js > dcm.1` prints it.
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Escape text for roff: backslashes, and a leading dot or quote that would read as a request. */
function roff(text) {
  return String(text)
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n')
}

/** A block of preformatted text (descriptions keep their own line breaks and indented lists). */
const preformatted = (text) => ['.nf', roff(text), '.fi']

function flagLine(flag) {
  const names = [flag.char ? `\\-${flag.char}` : undefined, `\\-\\-${roff(flag.name)}`].filter(Boolean).join(', ')
  const value = flag.type === 'option' ? (flag.options ? ` ${roff(flag.options.join('|'))}` : ' \\fIVALUE\\fR') : ''
  const notes = []
  if (flag.default !== undefined && flag.type === 'option') notes.push(`default: ${flag.default}`)
  if (flag.env) notes.push(`env: ${flag.env}`)
  if (flag.multiple) notes.push('repeatable')
  return ['.TP', `.B ${names}${value}`, roff(`${flag.description ?? flag.summary ?? ''}${notes.length ? ` [${notes.join('; ')}]` : ''}`)]
}

export function manPage({manifest, pjson, environment, date = new Date()}) {
  const bin = pjson.oclif.bin
  const commands = Object.entries(manifest.commands)
    .filter(([, command]) => !command.hidden)
    .sort(([a], [b]) => a.localeCompare(b))
  const lines = [
    `.TH ${bin.toUpperCase()} 1 "${date.toISOString().slice(0, 10)}" "${bin} ${pjson.version}" "User Commands"`,
    '.SH NAME',
    `${bin} \\- ${roff(pjson.description)}`,
    '.SH SYNOPSIS',
    `.B ${bin}`,
    '.I COMMAND',
    '[\\fIARGUMENTS\\fR] [\\fIFLAGS\\fR]',
    '.br',
    `.B ${bin}`,
    '\\-\\-help | \\-\\-version',
    '.SH DESCRIPTION',
    roff(
      `${bin} manages the subclouds of a StarlingX Distributed Cloud the way the dcmanager client does (same command ` +
        'words, columns and output formats), adds host routes over the sysinv API, brings up a subcloud\'s management ' +
        'network (config-management), and runs a local System Controller for practice and tests (lab). ' +
        `Every command prints its own help with \`${bin} COMMAND --help\`.`,
    ),
    '.SH COMMANDS',
  ]
  for (const [id, command] of commands) {
    const words = id.split(':').join(' ')
    lines.push(`.SS "${bin} ${roff(words)}"`)
    if (command.summary) lines.push(roff(command.summary), '.PP')
    const args = Object.values(command.args ?? {})
    const usage = [bin, words, ...args.map((arg) => (arg.required ? arg.name.toUpperCase() : `[${arg.name.toUpperCase()}]`))]
    lines.push(`.B ${roff(usage.join(' '))}`, '.PP')
    if (command.description) lines.push(...preformatted(command.description.replace(/\n*EXIT CODES[\s\S]*$/, '')))
    for (const arg of args) lines.push('.TP', `.I ${roff(arg.name.toUpperCase())}`, roff(arg.description ?? ''))
    for (const flag of Object.values(command.flags ?? {}).filter((flag) => !flag.hidden)) lines.push(...flagLine(flag))
  }
  lines.push('.SH ENVIRONMENT')
  for (const variable of environment.filter((variable) => !variable.testOnly))
    lines.push('.TP', `.B ${roff(variable.name)}`, roff(variable.description))
  lines.push(
    '.SH EXIT STATUS',
    '.TP', '.B 0', 'success',
    '.TP', '.B 1', 'the operation failed (API error, bootstrap failed, remote command failed)',
    '.TP', '.B 2', 'usage or input error (bad flag, invalid override file); nothing was sent',
    '.TP', '.B 3', 'cannot reach or authenticate to a service (connection, TLS, 401)',
    '.TP', '.B 4', 'timed out waiting (\\-\\-wait \\-\\-timeout)',
    '.TP', '.B 130', 'interrupted (Ctrl\\-C)',
    '.SH FILES',
    '.TP', '.I ~/.cache/dcm/tokens/', 'cached Keystone tokens (0600), as the dcmanager client keeps them',
    '.TP', '.I ~/.local/state/dcm/lab/', `default data directory of \\fB${bin} lab\\fR`,
    '.SH SEE ALSO',
    '.BR ssh (1),',
    '.BR ansible\\-playbook (1)',
    '',
  )
  return lines.join('\n')
}

/** The inputs from the package root: the manifest, package.json and the compiled environment list. */
export async function manPageOfPackage(date) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'))
  const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
  const {ENVIRONMENT_VARIABLES} = await import(pathToFileURL(path.join(root, 'dist', 'cli', 'environment.js')).href)
  return manPage({manifest, pjson, environment: ENVIRONMENT_VARIABLES, date})
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(await manPageOfPackage())
}
