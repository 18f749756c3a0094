import type {AuthConfig} from '../core/api/auth-config.js'
import type {SystemPeer} from '../core/api/geo-types.js'

/**
 * Log in to a peer System Controller as dcmanager itself does (the system peer record's manager endpoint and user,
 * project admin in domain Default) with this command's TLS and timeout settings. The peer's token is not cached:
 * the cache belongs to the operator's own cloud.
 */
export async function peerDcmanager(
  record: SystemPeer,
  password: string,
  config: AuthConfig,
  debug?: (line: string) => void,
) {
  const [{openSession}, {DcmanagerClient}] = await Promise.all([
    import('../core/api/connect.js'),
    import('../core/api/dcmanager-client.js'),
  ])
  const session = openSession(
    {
      ...config,
      credentials: {
        authUrl: record['manager-endpoint'],
        username: record['manager-username'],
        password,
        projectName: 'admin',
        userDomainName: 'Default',
        projectDomainName: 'Default',
      },
      dcmanagerUrl: undefined,
      noCache: true,
      refreshCache: false,
    },
    {debug},
  )
  await session.authenticate()
  return new DcmanagerClient(session, {interface: config.interface})
}
