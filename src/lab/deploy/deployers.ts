import {UsageError} from '../../core/errors.js'
import type {Deployer} from './deployer.js'
import {SimulatedDeployer} from './simulated-deployer.js'

/**
 * The deployers a lab can run, by kind (`dcm lab start --deployer KIND`). The simulated one is built in;
 * others (the SSH deployer against lab hosts) register a factory here.
 */
export interface DeployerContext {
  dataDir: string
  /** Scales the simulated timings (1 = default; tests use small values). */
  timeScale: number
  /** Subcloud names whose bootstrap must fail (failure injection). */
  failFor: string[]
}

export type DeployerFactory = (context: DeployerContext) => Deployer | Promise<Deployer>

const factories = new Map<string, DeployerFactory>([
  [
    'simulated',
    (context) =>
      new SimulatedDeployer({
        prepareMs: 500 * context.timeScale,
        bootstrapMs: 2000 * context.timeScale,
        failFor: context.failFor,
      }),
  ],
])

export function registerDeployer(kind: string, factory: DeployerFactory): void {
  factories.set(kind, factory)
}

export function deployerKinds(): string[] {
  return [...factories.keys()]
}

export async function createDeployer(kind: string, context: DeployerContext): Promise<Deployer> {
  const factory = factories.get(kind)
  if (!factory) throw new UsageError(`Unknown deployer "${kind}" (known: ${deployerKinds().join(', ')})`)
  return factory(context)
}
