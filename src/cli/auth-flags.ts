import {Flags, type Interfaces} from '@oclif/core'

import {type AuthConfig, type AuthInput, resolveAuthConfig} from '../core/api/auth-config.js'
import {openSession} from '../core/api/connect.js'
import type {KeystoneSession} from '../core/api/keystone.js'
import {durationFlag} from './duration-flags.js'

/**
 * The OpenStack connection flags every API command takes, named as the `dcmanager`/`openstack` clients
 * name them. Environment variables are resolved by src/core/api/auth-config.ts (not by oclif) so that
 * "flag > --os-cloud entry > OS_* variable" holds and the first non-empty of OS_INTERFACE/OS_ENDPOINT_TYPE wins.
 */
const group = 'CONNECTION'

export const authFlags = {
  'os-auth-url': Flags.string({description: 'Keystone v3 URL [env: OS_AUTH_URL]', helpGroup: group}),
  'os-username': Flags.string({description: 'user name [env: OS_USERNAME, default admin]', helpGroup: group}),
  'os-password': Flags.string({
    description: 'password; prefer OS_PASSWORD, argv is visible to other users [env: OS_PASSWORD]',
    helpGroup: group,
  }),
  'os-project-name': Flags.string({
    description: 'project to scope the token to [env: OS_PROJECT_NAME, OS_TENANT_NAME]',
    helpGroup: group,
  }),
  'os-project-id': Flags.string({description: 'project id [env: OS_PROJECT_ID]', helpGroup: group}),
  'os-user-domain-name': Flags.string({
    description: 'user domain [env: OS_USER_DOMAIN_NAME, default Default]',
    helpGroup: group,
  }),
  'os-project-domain-name': Flags.string({
    description: 'project domain [env: OS_PROJECT_DOMAIN_NAME, default Default]',
    helpGroup: group,
  }),
  'os-auth-token': Flags.string({
    description: 'existing Keystone token, re-scoped to the project [env: OS_AUTH_TOKEN]',
    helpGroup: group,
  }),
  'os-region-name': Flags.string({
    description:
      'region for region-scoped services such as sysinv; dcmanager is looked up in any region [env: OS_REGION_NAME]',
    helpGroup: group,
  }),
  'os-interface': Flags.string({
    aliases: ['os-endpoint-type'],
    description: 'endpoint interface: internal (default), public, admin [env: OS_INTERFACE, OS_ENDPOINT_TYPE]',
    helpGroup: group,
  }),
  'os-cacert': Flags.string({
    description: 'PEM file of the CA that signed the API certificates [env: OS_CACERT]',
    helpGroup: group,
  }),
  insecure: Flags.boolean({description: 'do not verify TLS certificates (unsafe)', helpGroup: group}),
  'os-cloud': Flags.string({
    description: 'take the settings of this cloud from clouds.yaml [env: OS_CLOUD]',
    helpGroup: group,
  }),
  'dcmanager-url': Flags.string({
    description: 'dcmanager API URL, bypassing the catalog (Keystone auth still happens) [env: DCMANAGER_URL]',
    helpGroup: group,
  }),
  'no-cache': Flags.boolean({
    description: 'do not read or write the token cache',
    env: 'DCCLIENT_NO_CACHE',
    helpGroup: group,
  }),
  'refresh-cache': Flags.boolean({
    description: 'authenticate again even when a cached token is valid, and cache the new one',
    helpGroup: group,
  }),
  'connect-timeout': durationFlag({
    description: 'seconds to wait for a TCP/TLS connection',
    default: 10,
    min: 1,
    helpGroup: group,
  }),
  'request-timeout': durationFlag({
    description: 'seconds allowed for each whole response (headers and body), not reset by a slow trickle',
    default: 60,
    min: 1,
    helpGroup: group,
  }),
}

/** Parsed values of `authFlags`, as any command that spreads them has them. */
export type AuthFlagValues = Partial<Interfaces.InferredFlags<typeof authFlags>>

export function authInputFromFlags(flags: AuthFlagValues): AuthInput {
  return {
    authUrl: flags['os-auth-url'],
    username: flags['os-username'],
    password: flags['os-password'],
    authToken: flags['os-auth-token'],
    projectName: flags['os-project-name'],
    projectId: flags['os-project-id'],
    userDomainName: flags['os-user-domain-name'],
    projectDomainName: flags['os-project-domain-name'],
    regionName: flags['os-region-name'],
    interface: flags['os-interface'],
    cacert: flags['os-cacert'],
    insecure: flags.insecure,
    cloud: flags['os-cloud'],
    dcmanagerUrl: flags['dcmanager-url'],
    noCache: flags['no-cache'],
    refreshCache: flags['refresh-cache'],
    connectTimeout: flags['connect-timeout'],
    requestTimeout: flags['request-timeout'],
  }
}

/** Resolve the settings and open a Keystone session; `debug` receives the redacted HTTP exchange. */
export async function sessionFromFlags(
  flags: AuthFlagValues,
  debug?: (line: string) => void,
): Promise<{session: KeystoneSession; config: AuthConfig}> {
  const config = await resolveAuthConfig(authInputFromFlags(flags))
  return {session: openSession(config, {debug}), config}
}

/** The dcmanager client of a command: `--dcmanager-url` when given, else the catalog (any region). */
export async function dcmanagerFromFlags(flags: AuthFlagValues, debug?: (line: string) => void) {
  const {DcmanagerClient} = await import('../core/api/dcmanager-client.js')
  const {session, config} = await sessionFromFlags(flags, debug)
  return new DcmanagerClient(session, {url: config.dcmanagerUrl, interface: config.interface})
}
