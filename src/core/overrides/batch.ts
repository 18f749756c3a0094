/**
 * Validate many files in one call (`dcm subcloud validate a.yml b.yml ...`): each file on its own, then the
 * conflicts between them. A file that cannot be loaded becomes one error finding so the others are still checked;
 * with a single file the load error is thrown as is (one line, exit 2).
 */
import type {Readable} from 'node:stream'
import path from 'node:path'

import {DcmError, UsageError} from '../errors.js'
import {parseAddress, parseSubnet, contains} from '../net/cidr.js'
import {findCrossFileConflicts} from './cross-file.js'
import {FILE_KEY, sortFindings} from './findings.js'
import {loadOverrideFile, parseOverrideBytes} from './load.js'
import {readOverrideStream} from './read-stream.js'
import type {Finding, LoadedOverrides, SubcloudValidationOptions, SystemControllerNetwork} from './types.js'
import {
  DEFAULT_SYSTEM_CONTROLLERS,
  prepareValidation,
  validateSubcloudOverrides,
  validateSystemControllerOverrides,
} from './validate.js'

export type FileKind = 'subcloud' | 'system-controller'

/** `-` names standard input (`dcm subcloud template | dcm subcloud validate -`). */
export const STDIN = '-'
export const STDIN_NAME = '<stdin>'

export async function validateFiles(
  files: readonly string[],
  kind: FileKind,
  options: SubcloudValidationOptions & {stdin?: Readable} = {},
): Promise<Finding[]> {
  await prepareValidation()
  const findings: Finding[] = []
  const loadedFiles: LoadedOverrides[] = []
  // The same file named twice (a shell glob and an explicit name) is one file, not a duplicate subcloud.
  const seen = new Set<string>()
  for (const file of files) {
    const resolved = path.resolve(file)
    if (seen.has(resolved)) continue
    seen.add(resolved)
    let loaded: LoadedOverrides
    try {
      loaded =
        file === STDIN
          ? parseOverrideBytes(await readOverrideStream(options.stdin ?? process.stdin, STDIN_NAME), STDIN_NAME)
          : loadOverrideFile(file)
    } catch (error) {
      if (files.length === 1 || !(error instanceof DcmError)) throw error
      findings.push(loadFailure(file === STDIN ? STDIN_NAME : file, error.message))
      continue
    }
    loadedFiles.push(loaded)
    findings.push(
      ...(kind === 'subcloud'
        ? await validateSubcloudOverrides(loaded, options)
        : await validateSystemControllerOverrides(loaded)),
    )
  }
  if (kind === 'subcloud' && loadedFiles.length > 1) findings.push(...findCrossFileConflicts(loadedFiles))
  return sortFindings(
    findings,
    files.map((file) => (file === STDIN ? STDIN_NAME : file)),
  )
}

/** `a.yml:3:5: reason` -> a finding at 3:5; `a.yml: reason` -> a finding at 1:1. */
function loadFailure(file: string, message: string): Finding {
  const match = /^(.*?):(\d+):(\d+): (.*)$/s.exec(message)
  const plain = message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message
  return {
    severity: 'error',
    rule: 'load',
    key: FILE_KEY,
    message: match && match[1] === file ? match[4] : plain,
    file,
    line: match && match[1] === file ? Number(match[2]) : 1,
    column: match && match[1] === file ? Number(match[3]) : 1,
  }
}

/**
 * The System Controller networks from `--system-controller-subnet CIDR` and `--system-controller-pool START-END`
 * (each repeatable, one per IP family). Without flags: StarlingX's defaults. A pool goes with the subnet of its
 * family; a subnet without a pool is refused unless it is a default one (its default pool is used).
 */
export function systemControllersFromFlags(
  subnets: readonly string[] = [],
  pools: readonly string[] = [],
): SystemControllerNetwork[] {
  const parsedPools = pools.map((text) => {
    const [start, end, ...rest] = text.split('-')
    const low = parseAddress(start ?? '')
    const high = parseAddress(end ?? '')
    if (rest.length > 0 || !low || !high || low.family !== high.family || low.value > high.value)
      throw new UsageError(
        `--system-controller-pool ${text}: expected START-END, two addresses of one IP family, START <= END`,
        {
          hint: 'e.g. --system-controller-pool 192.168.204.2-192.168.204.50',
        },
      )
    return {text, start: start as string, end: end as string, family: low.family, low}
  })
  const bases =
    subnets.length > 0
      ? subnets.map((text) => {
          const subnet = parseSubnet(text)
          if (!subnet || !text.includes('/'))
            throw new UsageError(
              `--system-controller-subnet ${text}: not a valid subnet (expected CIDR such as 192.168.204.0/24)`,
            )
          return {text, subnet}
        })
      : DEFAULT_SYSTEM_CONTROLLERS.map((network) => ({
          text: network.managementSubnet,
          subnet: parseSubnet(network.managementSubnet)!,
        }))
  const families = new Set<number>()
  for (const {subnet} of bases) {
    if (families.has(subnet.family))
      throw new UsageError(
        `--system-controller-subnet: give at most one subnet per IP family (IPv${subnet.family} twice)`,
      )
    families.add(subnet.family)
  }
  return bases.map(({text, subnet}) => {
    const pool = parsedPools.find((candidate) => candidate.family === subnet.family)
    if (pool) {
      if (!contains(subnet, pool.low) || !contains(subnet, parseAddress(pool.end)!))
        throw new UsageError(
          `--system-controller-pool ${pool.text} is not inside the System Controller management subnet ${text}`,
        )
      return {managementSubnet: text, poolStart: pool.start, poolEnd: pool.end}
    }
    const known = DEFAULT_SYSTEM_CONTROLLERS.find(
      (network) => parseSubnet(network.managementSubnet)?.text === subnet.text,
    )
    if (!known)
      throw new UsageError(
        `--system-controller-subnet ${text} needs its address pool: --system-controller-pool START-END`,
        {
          hint: "The pool is the System Controller's management address range (system addrpool-list).",
        },
      )
    return {...known, managementSubnet: text}
  })
}
