import path from 'node:path'

import {registerSecret} from '../core/secrets.js'
import type {DemoContext} from './demo.js'
import {ensureAdminPassword, labEnvironment} from './lab-files.js'

/**
 * The steps every demo scenario opens with: a System Controller on loopback whose subcloud hosts are
 * simulated over SSH, and a client authenticated like `source /etc/platform/openrc` + any dcm command.
 */
export async function startLabStep(context: DemoContext): Promise<void> {
  const password = await ensureAdminPassword(context.dataDir)
  registerSecret(password)
  context.adminPassword = password
  // Subcloud controllers are lab hosts (dcm lab host): served over SSH on loopback and bootstrapped for
  // real by the lab's `ssh` deployer with dcm's own engine.
  const {registerLabHosts} = await import('./hosts/host-wiring.js')
  registerLabHosts()
  const {startLab} = await import('./lab-server.js')
  const lab = await startLab({
    dataDir: context.dataDir,
    adminPassword: password,
    timeScale: context.timeScale,
    deployer: 'ssh',
  })
  context.lab = lab
  context.step('Start a local System Controller (dcm lab)', [
    `Keystone and the dcmanager API listen on ${lab.url} (loopback only), state in ${context.dataDir}`,
    `deployer: ${lab.deployerKind} (subcloud hosts are simulated; nothing leaves this machine)`,
    `the same environment \`eval "$(dcm lab env)"\` gives: OS_AUTH_URL=${lab.authUrl} OS_USERNAME=admin ...`,
  ])
}

export async function authenticateStep(context: DemoContext): Promise<void> {
  const {resolveAuthConfig} = await import('../core/api/auth-config.js')
  const {openSession} = await import('../core/api/connect.js')
  const {DcmanagerClient} = await import('../core/api/dcmanager-client.js')
  context.env = labEnvironment({authUrl: context.lab.authUrl}, context.adminPassword ?? '')
  const config = await resolveAuthConfig({}, context.env)
  const session = openSession(config, {cacheDir: path.join(context.dataDir, 'client-cache')})
  context.client = new DcmanagerClient(session, {interface: config.interface})
  context.step('Authenticate to Keystone and find dcmanager in the catalog', [
    `dcmanager endpoint (region SystemController): ${await context.client.baseUrl()}`,
  ])
}
