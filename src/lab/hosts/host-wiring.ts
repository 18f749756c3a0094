import {registerDeployer} from '../deploy/deployers.js'
import {hostAdminMount} from './host-admin-service.js'
import {labMountFactories} from '../http/lab-mounts.js'
import {SshDeployer} from '../deploy/ssh-deployer.js'
import {labHostRegistry} from './ssh-host-registry.js'

/**
 * Plug the simulated subcloud hosts into the lab: the `/lab/hosts` admin API (which also serves the data
 * dir's hosts while the lab runs) and the `ssh` deployer that bootstraps subclouds against them.
 * Idempotent; the lab server calls it before it builds its deployer and mounts.
 */
let registered = false

export function registerLabHosts(): void {
  if (registered) return
  registered = true
  labMountFactories.push(hostAdminMount)
  registerDeployer(
    'ssh',
    (context) => new SshDeployer({dataDir: context.dataDir, registry: () => labHostRegistry(context.dataDir)}),
  )
}
