/**
 * Subcloud names for shell completion: from the dcmanager API, but only with a token already in dcm's cache (no
 * login, no prompt, no network call without one) and within a short deadline. Any failure yields no names: a
 * completion must never print an error into the operator's command line.
 */
import {resolveAuthConfig} from '../api/auth-config.js'
import {openSession} from '../api/connect.js'

export const COMPLETION_DEADLINE_MS = 1500

export async function subcloudNamesFromCache(
  env: NodeJS.ProcessEnv = process.env,
  deadlineMs = COMPLETION_DEADLINE_MS,
  debug: (line: string) => void = () => {},
): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => {
      debug(`no subcloud names: no answer within ${deadlineMs} ms`)
      resolve([])
    }, deadlineMs)
  })
  try {
    return await Promise.race([listNames(env, deadlineMs), deadline])
  } catch (error) {
    debug(`no subcloud names: ${(error as Error).message}`)
    return []
  } finally {
    clearTimeout(timer)
  }
}

async function listNames(env: NodeJS.ProcessEnv, deadlineMs: number): Promise<string[]> {
  const seconds = Math.max(1, Math.ceil(deadlineMs / 1000))
  // DCCLIENT_NO_CACHE: the operator keeps no token cache, so there is nothing to complete from.
  if (/^(1|true|yes)$/i.test(env.DCCLIENT_NO_CACHE ?? '')) return []
  const config = await resolveAuthConfig({connectTimeout: seconds, requestTimeout: seconds}, env)
  const session = openSession(config, {cacheOnly: true})
  const {DcmanagerClient} = await import('../api/dcmanager-client.js')
  const client = new DcmanagerClient(session, {url: config.dcmanagerUrl, interface: config.interface})
  return (await client.subclouds.list()).map((subcloud) => subcloud.name).sort()
}
