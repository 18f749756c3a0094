import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from '@jest/globals'

import {repoRoot} from '../../helpers/cli.js'

/**
 * The lab's modules import one way (issue 9: the shell, its programs and ansible used to import each other).
 * Every relative import of src/lab is followed, type-only ones included, and any cycle is reported as a path.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(file)
    return entry.name.endsWith('.ts') ? [file] : []
  })
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specifiers = [...text.matchAll(/^(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)].map((m) => m[1])
  return specifiers.map((specifier) => path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')))
}

function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (file: string) => {
    state.set(file, 'open')
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (!state.has(file)) visit(file)
  return cycles
}

function importGraph(files: string[]): Map<string, string[]> {
  return new Map(files.map((file) => [file, importsOf(file).filter((target) => files.includes(target))]))
}

describe('src/lab imports', () => {
  it('have no cycles', () => {
    const cycles = findCycles(importGraph(sourceFiles(path.join(repoRoot, 'src', 'lab'))))
    expect(cycles.map((cycle) => cycle.map((file) => path.relative(repoRoot, file)))).toEqual([])
  })

  it('the check finds a cycle and reads the imports it follows', () => {
    const graph = new Map([
      ['shell', ['programs', 'fs']],
      ['programs', ['ansible']],
      ['ansible', ['shell']],
      ['fs', []],
    ])
    expect(findCycles(graph)).toEqual([['shell', 'programs', 'ansible', 'shell']])
    const hosts = path.join(repoRoot, 'src', 'lab', 'hosts')
    expect(importsOf(path.join(hosts, 'ssh-host-shell.ts'))).toContain(path.join(hosts, 'ssh-host-programs.ts'))
  })
})
