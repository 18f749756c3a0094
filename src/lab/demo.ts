import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type {DcmanagerClient} from '../core/api/dcmanager-client.js'
import type {Subcloud} from '../core/api/dcmanager-types.js'
import type {LabHandle} from './lab-server.js'

/**
 * `dcm lab demo`: a scenario (a list of steps) played against a throwaway lab, through the same client
 * library and flows the `dcm ...` commands use. Steps report what happens as events; the command narrates
 * them. A scenario module (src/lab/demo-scenarios/) supplies its steps, usually starting with the shared
 * ones below (start the lab, authenticate) so every scenario opens the same way.
 */
export type DemoEvent =
  | {kind: 'step'; number: number; title: string; detail?: string[]}
  | {kind: 'progress'; line: string}
  | {kind: 'list'; subclouds: Subcloud[]}
  | {kind: 'show'; subcloud: Subcloud}
  | {kind: 'note'; line: string}

export interface DemoOptions {
  /** Scale of the simulated deploy time (1 = about 4 s). */
  timeScale?: number
  /** Keep the lab's data dir (and print how to restart it) instead of removing it. */
  keep?: boolean
  onEvent: (event: DemoEvent) => void
  signal?: AbortSignal
  /** Default: the installation guide's add-a-subcloud scenario. */
  scenario?: DemoScenario
}

export interface DemoResult {
  dataDir: string
  subcloud?: Subcloud
}

/** One step of a scenario: does its work through `context` and announces itself with `context.step`. */
export type DemoStep = (context: DemoContext) => Promise<void>

/** A scenario: its steps, made afresh for each run so that steps can share values through the closure. */
export interface DemoScenario {
  name: string
  steps: () => DemoStep[]
}

/**
 * What the steps share. The lab and the client are set by the shared opening steps; asking for one
 * before it exists is a scenario bug, said so.
 */
export class DemoContext {
  /** The lab admin's password (random, in the data dir, never printed). */
  adminPassword?: string
  /** The environment `dcm lab env` prints, for a client or a subcloud shell. */
  env?: NodeJS.ProcessEnv
  /** The subcloud the scenario works on, shown at the end. */
  subcloud?: Subcloud
  private labHandle?: LabHandle
  private dcmanager?: DcmanagerClient
  private stepNumber = 0

  constructor(
    readonly dataDir: string,
    readonly timeScale: number,
    readonly emit: (event: DemoEvent) => void,
    readonly signal?: AbortSignal,
  ) {}

  /** Announce the next numbered step. */
  step(title: string, detail?: string[]): void {
    this.emit({kind: 'step', number: ++this.stepNumber, title, detail})
  }

  get lab(): LabHandle {
    if (!this.labHandle) throw new Error('demo scenario: a step needs the lab before startLabStep ran')
    return this.labHandle
  }

  set lab(handle: LabHandle) {
    this.labHandle = handle
  }

  get client(): DcmanagerClient {
    if (!this.dcmanager) throw new Error('demo scenario: a step needs the client before authenticateStep ran')
    return this.dcmanager
  }

  set client(client: DcmanagerClient) {
    this.dcmanager = client
  }

  /** Stop the lab if a step started it (always, also after a failed step). */
  async stop(): Promise<void> {
    await this.labHandle?.stop()
  }
}

export async function runLabDemo(options: DemoOptions): Promise<DemoResult> {
  const scenario = options.scenario ?? (await import('./demo-scenarios/add-subcloud.js')).addSubcloudScenario
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-demo-'))
  const context = new DemoContext(dataDir, options.timeScale ?? 1, options.onEvent, options.signal)
  try {
    for (const step of scenario.steps()) await step(context)
    return {dataDir, subcloud: context.subcloud}
  } finally {
    await context.stop()
    if (!options.keep) await fs.rm(dataDir, {recursive: true, force: true})
  }
}
