import type {AuthConfig} from './auth-config.js'
import {KeystoneSession} from './keystone.js'
import {defaultCacheDir, TokenCache} from './token-cache.js'
import {HttpTransport} from './transport.js'

export interface ConnectOptions {
  /** Receives the redacted HTTP exchange (`--debug`). */
  debug?: (line: string) => void
  /** Overrides the token cache directory (tests); default $DCM_CACHE_DIR, $XDG_CACHE_HOME/dcm, ~/.cache/dcm. */
  cacheDir?: string
  /** Use only a cached token, never Keystone (shell completion). */
  cacheOnly?: boolean
}

/** One transport and one Keystone session for a command, built from resolved settings. */
export function openSession(config: AuthConfig, options: ConnectOptions = {}): KeystoneSession {
  const transport = new HttpTransport({
    cacert: config.cacert,
    insecure: config.insecure,
    connectTimeoutMs: config.connectTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    maxResponseBytes: config.maxResponseBytes,
    debug: options.debug,
  })
  const cache = config.noCache ? undefined : new TokenCache(options.cacheDir ?? defaultCacheDir())
  return new KeystoneSession(transport, config.credentials, {
    cache,
    refreshCache: config.refreshCache,
    cacheOnly: options.cacheOnly,
    defaultInterface: config.interface,
  })
}
