import {existsSync, readFileSync, readdirSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {UsageError} from '../errors.js'
import type {ResolvedHop, ResolvedTarget, SshTargetOptions} from './types.js'

/**
 * The subset of the OpenSSH client config (ssh_config(5)) dcm honours: Host blocks with patterns and
 * negations, HostName (with %h), Port, User, IdentityFile (accumulating, with ~ and %d/%u/%h/%r), ProxyJump,
 * HostKeyAlias, Include. As in OpenSSH the first value obtained for an option wins, so specific Host blocks go
 * first. Match blocks are not evaluated (they never apply): rare for the jump host / address mapping operators
 * (and `dcm lab`) use this for.
 */
export interface SshConfigEntry {
  keyword: string
  value: string
  line: number
}

export interface SshConfigBlock {
  /** Empty for the options before the first Host line (they apply to every host). */
  patterns: string[]
  /** Match blocks are kept so nothing below them is attributed to the previous Host. */
  isMatch: boolean
  entries: SshConfigEntry[]
}

export interface SshConfig {
  file: string
  blocks: SshConfigBlock[]
}

/**
 * dcm's one keyword of its own: a Host block with `DcmRefuse "<why>"` is refused before anything connects.
 * `dcm lab` ends its ssh_config with one for every address it does not map, so a typo in an address never
 * reaches a real host while DCM_SSH_CONFIG points at a lab (OpenSSH skips it through `IgnoreUnknown`).
 */
export const REFUSE_KEYWORD = 'dcmrefuse'

const KNOWN = new Set(['hostname', 'port', 'user', 'identityfile', 'proxyjump', 'hostkeyalias', REFUSE_KEYWORD])

/** Reads the files an `Include` names (already expanded); used by loadSshConfig, replaceable in tests. */
export type IncludeReader = (pattern: string, from: string) => {file: string; text: string}[]

const MAX_INCLUDE_DEPTH = 16

export function parseSshConfig(text: string, file: string, readInclude?: IncludeReader): SshConfig {
  const blocks: SshConfigBlock[] = [{patterns: [], isMatch: false, entries: []}]
  const parse = (body: string, source: string, depth: number) => {
    body.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.trim()
      if (line === '' || line.startsWith('#')) return
      const match = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line)
      if (!match) throw new UsageError(`${source}:${index + 1}:1: '${line}' has no value`)
      const keyword = match[1].toLowerCase()
      const value = unquote(match[2].trim())
      if (keyword === 'host') {
        const patterns = value.split(/\s+/).filter(Boolean)
        if (patterns.length === 0) throw new UsageError(`${source}:${index + 1}:1: Host needs at least one pattern`)
        blocks.push({patterns, isMatch: false, entries: []})
      } else if (keyword === 'match') {
        blocks.push({patterns: [], isMatch: true, entries: []})
      } else if (keyword === 'include') {
        if (!readInclude) return
        if (depth >= MAX_INCLUDE_DEPTH)
          throw new UsageError(`${source}:${index + 1}:1: Include nested more than ${MAX_INCLUDE_DEPTH} deep (a loop?)`)
        // The included lines apply in the current Host context; afterwards that context resumes (as OpenSSH).
        const outer = blocks[blocks.length - 1]
        const before = blocks.length
        for (const pattern of value.split(/\s+/).filter(Boolean))
          for (const included of readInclude(pattern, source)) parse(included.text, included.file, depth + 1)
        if (blocks.length !== before) blocks.push({patterns: outer.patterns, isMatch: outer.isMatch, entries: []})
      } else if (KNOWN.has(keyword)) {
        if (keyword === 'port' && !isPort(value))
          throw new UsageError(
            `${source}:${index + 1}:${raw.indexOf(match[2]) + 1}: Port '${value}' is not a port number`,
          )
        blocks[blocks.length - 1].entries.push({keyword, value, line: index + 1})
      }
    })
  }
  parse(text, file, 0)
  return {file, blocks}
}

/**
 * OpenSSH's Include: `~` expanded, relative paths under ~/.ssh, `*` and `?` in the file name; files that do not
 * exist are skipped silently (a glob matching nothing is not an error in OpenSSH either).
 */
export const readIncludeFiles: IncludeReader = (pattern) => {
  const expanded = pattern.replace(/^~(?=\/|$)/, os.homedir())
  const full = path.isAbsolute(expanded) ? expanded : path.join(os.homedir(), '.ssh', expanded)
  const dir = path.dirname(full)
  const base = path.basename(full)
  let names: string[]
  if (/[*?]/.test(base)) {
    try {
      names = readdirSync(dir)
        .filter((name) => hostMatches([base], name) && !name.startsWith('.'))
        .sort()
    } catch {
      names = []
    }
  } else names = [base]
  const files: {file: string; text: string}[] = []
  for (const name of names) {
    const file = path.join(dir, name)
    try {
      if (statSync(file).isFile()) files.push({file, text: readFileSync(file, 'utf8')})
    } catch {
      // missing: skipped
    }
  }
  return files
}

export function loadSshConfig(file: string): SshConfig {
  let text: string
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`${file}: is a directory, not an SSH client config file`)
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`${file}: cannot read the SSH client config (${(error as NodeJS.ErrnoException).code})`)
  }
  return parseSshConfig(text, file, readIncludeFiles)
}

/** Which config file applies: the explicit one, else $DCM_SSH_CONFIG, else ~/.ssh/config if it exists. */
export function defaultSshConfigFile(explicit: string | null | undefined): string | undefined {
  if (explicit === null) return undefined
  if (explicit) return explicit
  if (process.env.DCM_SSH_CONFIG) return process.env.DCM_SSH_CONFIG
  const home = path.join(os.homedir(), '.ssh', 'config')
  return existsSync(home) ? home : undefined
}

/** OpenSSH pattern list semantics: any negated match excludes, otherwise any positive match includes. */
export function hostMatches(patterns: string[], host: string): boolean {
  let matched = false
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!')
    const glob = negated ? pattern.slice(1) : pattern
    if (globMatch(glob, host)) {
      if (negated) return false
      matched = true
    }
  }
  return matched
}

function globMatch(glob: string, text: string): boolean {
  const regex = new RegExp(
    '^' +
      glob
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
        .join('') +
      '$',
    'i',
  )
  return regex.test(text)
}

interface HopRequest {
  host: string
  port?: number
  user?: string
  identityFiles?: string[]
}

/** Options of the blocks that apply to `host`, first value wins (IdentityFile accumulates). */
function lookup(config: SshConfig | undefined, host: string): Map<string, string[]> {
  const found = new Map<string, string[]>()
  if (!config) return found
  for (const block of config.blocks) {
    if (block.isMatch) continue
    if (block.patterns.length > 0 && !hostMatches(block.patterns, host)) continue
    for (const entry of block.entries) {
      const values = found.get(entry.keyword)
      if (entry.keyword === 'identityfile') found.set(entry.keyword, [...(values ?? []), entry.value])
      else if (!values) found.set(entry.keyword, [entry.value])
    }
  }
  return found
}

function resolveHop(
  config: SshConfig | undefined,
  request: HopRequest,
  defaultUser: string,
): ResolvedHop & {proxyJump?: string} {
  const options = lookup(config, request.host)
  const first = (key: string) => options.get(key)?.[0]
  const refused = first(REFUSE_KEYWORD)
  if (refused !== undefined) {
    throw new UsageError(`${request.host} ${refused || 'is refused by the SSH client config'} (${config?.file})`, {
      hint: 'add it with `dcm lab host add`, or unset DCM_SSH_CONFIG and DCM_KNOWN_HOSTS to reach a real host',
    })
  }
  const hostname = (first('hostname') ?? request.host).replace(/%h/g, request.host).replace(/%%/g, '%')
  const port = request.port ?? (first('port') ? Number(first('port')) : 22)
  const user = request.user ?? first('user') ?? defaultUser
  const expand = (file: string) =>
    file
      .replace(/^~(?=\/|$)/, os.homedir())
      .replace(/%d/g, os.homedir())
      .replace(/%u/g, os.userInfo().username)
      .replace(/%h/g, hostname)
      .replace(/%r/g, user)
      .replace(/%%/g, '%')
  const identityFiles = [...(request.identityFiles ?? []), ...(options.get('identityfile') ?? []).map(expand)]
  const hostKeyAlias = first('hostkeyalias')
  return {alias: request.host, hostname, port, user, identityFiles, hostKeyAlias, proxyJump: first('proxyjump')}
}

/** `[user@]host[:port]` (also `[v6addr]:port`), as ProxyJump writes each hop. */
export function parseJumpSpec(spec: string, where: string): HopRequest {
  const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec.trim())
  if (!match || (match[3] !== undefined && !isPort(match[3])))
    throw new UsageError(`${where}: ProxyJump '${spec}' is not [user@]host[:port]`)
  return {user: match[1], host: match[2].replace(/^\[|\]$/g, ''), port: match[3] ? Number(match[3]) : undefined}
}

/**
 * Apply the client config to a target, before anything connects: the lab maps 10.x bootstrap addresses to
 * loopback ports this way, and operators reach subclouds through jump hosts.
 */
export function resolveSshTarget(options: SshTargetOptions, defaultUser = 'sysadmin'): ResolvedTarget {
  const file = defaultSshConfigFile(options.configFile)
  const config = file ? loadSshConfig(file) : undefined
  const main = resolveHop(
    config,
    {host: options.host, port: options.port, user: options.user, identityFiles: options.identityFiles},
    defaultUser,
  )
  const jumps: ResolvedHop[] = []
  // ProxyJump of the target lists the hops in order; a hop's own ProxyJump is prepended (OpenSSH recursion).
  const expandJumps = (spec: string | undefined, depth: number): ResolvedHop[] => {
    if (!spec || spec.toLowerCase() === 'none') return []
    if (depth > 8) throw new UsageError(`${file ?? 'ssh config'}: ProxyJump chain is longer than 8 hops (a loop?)`)
    const hops: ResolvedHop[] = []
    for (const part of spec.split(',')) {
      const hop = resolveHop(config, parseJumpSpec(part, file ?? 'ssh config'), os.userInfo().username)
      hops.push(...expandJumps(hop.proxyJump, depth + 1))
      const {proxyJump: _ignored, ...plain} = hop
      hops.push(plain)
    }
    return hops
  }
  jumps.push(...expandJumps(main.proxyJump, 0))
  const {proxyJump: _ignored, ...target} = main
  return {...target, jumps, configFile: file}
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value
}

function isPort(value: string): boolean {
  const n = Number(value)
  return /^\d+$/.test(value) && n >= 1 && n <= 65535
}
