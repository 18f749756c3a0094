/**
 * Read an override file the way dcmanager reads it (PyYAML `safe_load`, YAML 1.1), keeping source positions so
 * every finding can name `file:line:col`. Anything that is not a readable YAML mapping is refused here with one
 * line (a UsageError, exit 2): later stages can then assume a mapping.
 */
import {readFileSync, statSync} from 'node:fs'

import {
  isAlias,
  isMap,
  isScalar,
  LineCounter,
  parseDocument,
  stringify,
  type Document,
  type ScalarTag,
  type Tags,
} from 'yaml'

import {UsageError} from '../errors.js'
import {registerSecret} from '../secrets.js'
import type {Finding, LoadedOverrides} from './types.js'
import {yamlProblem} from './yaml-messages.js'

/** Bigger than any real override file (certificates embedded as text included), small enough to refuse junk fast. */
export const MAX_OVERRIDE_FILE_BYTES = 2 * 1024 * 1024

/** Read and parse one override file. Throws UsageError naming the file (and line:col where there is one). */
export interface LoadOptions {
  /** The form field named in upstream's load errors: `bootstrap_values` (default) or `install_values`. */
  field?: string
}

export function loadOverrideFile(file: string, options: LoadOptions = {}): LoadedOverrides {
  let size: number
  try {
    const stat = statSync(file)
    if (stat.isDirectory()) throw new UsageError(`${file}: is a directory, expected a YAML override file`)
    if (!stat.isFile()) throw new UsageError(`${file}: not a regular file`)
    size = stat.size
  } catch (error) {
    throw asUsageError(file, error)
  }
  if (size > MAX_OVERRIDE_FILE_BYTES)
    throw new UsageError(
      `${file}: ${size} bytes is larger than the ${MAX_OVERRIDE_FILE_BYTES / 1024 / 1024} MiB an override file may have`,
      {hint: 'Pass the bootstrap-values YAML file itself, not an image or an archive.'},
    )
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (error) {
    throw asUsageError(file, error)
  }
  return parseOverrideBytes(bytes, file, options)
}

/**
 * Override values that did not come from a file as such (the file merged with `subcloud add` form fields, the
 * lab's stored payload): written out as YAML and read back, so findings still point at a line of that text.
 */
export function overridesFromValues(values: Record<string, unknown>, file = 'bootstrap_values'): LoadedOverrides {
  return parseOverrideText(stringify(values, {version: '1.1', lineWidth: 0}), file)
}

/** Parse override text already in memory (the lab's uploaded form field, a template). */
export function parseOverrideText(text: string, file: string, options: LoadOptions = {}): LoadedOverrides {
  return parseOverrideBytes(Buffer.from(text, 'utf8'), file, options)
}

/** Parse override bytes from anywhere (standard input): the same size, text and YAML checks as a file. */
export function parseOverrideBytes(bytes: Buffer, file: string, options: LoadOptions = {}): LoadedOverrides {
  const field = options.field ?? 'bootstrap_values'
  if (bytes.length > MAX_OVERRIDE_FILE_BYTES)
    throw new UsageError(
      `${file}: ${bytes.length} bytes is larger than the ${MAX_OVERRIDE_FILE_BYTES / 1024 / 1024} MiB an override file may have`,
    )
  const text = decodeText(bytes, file)
  const lineCounter = new LineCounter()
  // YAML 1.1 as PyYAML: yes/no/on/off are booleans, 1e3 is a float, `<<` merges. Duplicate keys are allowed (the
  // last one wins, as in PyYAML) and reported below as a warning, because they are almost always a mistake.
  let document: Document.Parsed
  try {
    document = parseDocument(text, {
      version: '1.1',
      merge: true,
      uniqueKeys: false,
      lineCounter,
      prettyErrors: false,
      strict: false,
      customTags: pyyamlBooleans,
    })
  } catch (error) {
    throw new UsageError(`${file}: Unable to load ${field} file contents: ${yamlProblem(error)}`)
  }
  const problem = document.errors[0]
  if (problem) {
    const offset = problem.pos?.[0] ?? 0
    const {line, col} = lineCounter.linePos(offset)
    throw new UsageError(
      `${file}:${line}:${col}: Unable to load ${field} file contents (problem on line: ${line}): ${yamlProblem(problem)}`,
    )
  }
  const contents = document.contents
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === undefined)))
    throw new UsageError(`${file}: Unable to load ${field} file contents (empty file provided).`)
  if (!isMap(contents)) {
    const {line, col} = lineCounter.linePos(contents.range?.[0] ?? 0)
    const kind = Array.isArray(contents.toJSON()) ? 'a list' : 'a single value'
    throw new UsageError(
      `${file}:${line}:${col}: the top level must be a mapping of parameter names to values, not ${kind}`,
    )
  }
  let values: unknown
  try {
    values = document.toJS({maxAliasCount: 100})
  } catch (error) {
    throw new UsageError(`${file}: Unable to load ${field} file contents: ${yamlProblem(error)}`)
  }
  if (values === null || typeof values !== 'object' || Array.isArray(values))
    throw new UsageError(`${file}:1:1: the top level must be a mapping of parameter names to values`)
  const record = values as Record<string, unknown>
  rememberSecrets(document, text)
  return {file, values: record, document, lineCounter, loadFindings: duplicateKeys(document, lineCounter, file)}
}

/**
 * The yaml package's 1.1 schema also reads `y`/`n` as booleans; PyYAML does not (its resolver knows
 * yes/no/true/false/on/off only), so `n: 1` or `kernel: y` must stay strings as on the System Controller.
 */
export function pyyamlBooleans(tags: Tags): Tags {
  const pick = (value: boolean, test: RegExp): ScalarTag => ({
    tag: 'tag:yaml.org,2002:bool',
    default: true,
    identify: (candidate: unknown) => candidate === value,
    test,
    resolve: () => value,
  })
  const booleans = [
    pick(true, /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/),
    pick(false, /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/),
  ]
  const others = tags.filter((tag) => (tag as ScalarTag).tag !== 'tag:yaml.org,2002:bool')
  return [...booleans, ...others]
}

/** Refuse binary content with the position of the first offending byte. */
function decodeText(bytes: Buffer, file: string): string {
  const nul = bytes.indexOf(0)
  let text: string
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(bytes)
  } catch {
    throw new UsageError(`${file}: not a text file (invalid UTF-8)`, {
      hint: 'Pass the bootstrap-values YAML file itself, not an image or an archive.',
    })
  }
  if (nul >= 0) {
    const before = bytes.subarray(0, nul).toString('utf8')
    const line = before.split('\n').length
    const col = before.length - before.lastIndexOf('\n')
    throw new UsageError(`${file}:${line}:${col}: not a text file (NUL byte)`, {
      hint: 'Pass the bootstrap-values YAML file itself, not an image or an archive.',
    })
  }
  return text.startsWith('\ufeff') ? text.slice(1) : text
}

function duplicateKeys(document: Document.Parsed, lineCounter: LineCounter, file: string): Finding[] {
  const findings: Finding[] = []
  const contents = document.contents
  if (!isMap(contents)) return findings
  const seen = new Map<string, number>()
  for (const pair of contents.items) {
    if (!isScalar(pair.key)) continue
    const key = String(pair.key.value)
    const {line, col} = lineCounter.linePos(pair.key.range?.[0] ?? 0)
    const first = seen.get(key)
    if (first === undefined) seen.set(key, line)
    else
      findings.push({
        severity: 'warning',
        rule: 'YAML-DUP',
        key,
        message: `${key} is given twice (first on line ${first}); the last value wins`,
        file,
        line,
        column: col,
      })
  }
  return findings
}

/** Top-level fields whose values are secrets (bootstrap, install and deploy values). */
const SECRET_KEYS = ['admin_password', 'ansible_become_pass', 'ansible_ssh_pass', 'sysadmin_password', 'bmc_password']

/**
 * Secrets in the file (registry and admin passwords) must never reach any output, so register them at once: the
 * parsed value (what is sent in JSON or typed back) and the exact source text of the scalar (what a --debug line
 * of the uploaded file shows). The source text matters for folded, literal, multi-line plain and escaped scalars,
 * whose text differs from their value: `>-` folds lines, `"a\x41"` is "aA".
 */
function rememberSecrets(document: Document.Parsed, text: string): void {
  const remember = (node: unknown): void => {
    if (isAlias(node)) return remember(node.resolve(document))
    if (!isScalar(node)) return
    if (typeof node.value === 'string') registerSecret(node.value)
    if (!node.range) return
    const source = text.slice(node.range[0], node.range[1])
    registerSecret(source)
    // A --debug line may break a long body anywhere; each source line of a multi-line secret is hidden on its own.
    for (const line of source.split(/\r?\n/)) registerSecret(line.trim())
  }
  const contents = document.contents
  if (!isMap(contents)) return
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : ''
    if (SECRET_KEYS.includes(key)) remember(pair.value)
    else if (key === 'docker_registries' && isMap(pair.value)) {
      for (const registry of pair.value.items)
        if (isMap(registry.value))
          for (const field of registry.value.items)
            if (isScalar(field.key) && field.key.value === 'password') remember(field.value)
    } else if (key === 'password_change_responses' && isMap(pair.value)) {
      for (const answer of pair.value.items) remember(answer.value)
    }
  }
}

function asUsageError(file: string, error: unknown): Error {
  if (error instanceof UsageError) return error
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new UsageError(`${file}: no such file`)
  if (code === 'EACCES' || code === 'EPERM') return new UsageError(`${file}: permission denied`)
  if (code === 'EISDIR') return new UsageError(`${file}: is a directory, expected a YAML override file`)
  return new UsageError(`${file}: cannot read (${code ?? (error as Error).message})`)
}
