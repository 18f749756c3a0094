/**
 * One place that knows every secret value this process has seen (passwords, tokens), so that any text
 * leaving the process (errors, debug lines, log files) can be scrubbed of them.
 */
const REDACTED = '******'
const secrets = new Set<string>()

/** Remember a secret so that `redact` hides it. Also hides its base64 form, which dcmanager sends. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 3) return
  secrets.add(value)
  secrets.add(Buffer.from(value, 'utf8').toString('base64'))
}

/** `scheme://user:password@host`: the password part of a URL's userinfo, wherever a URL appears in a line. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):[^\s/?#@]*@/gi

export function redact(text: string): string {
  let out = text.includes('://') ? text.replace(URL_PASSWORD, `$1:${REDACTED}@`) : text
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED)
  }
  return out
}

/** Test hook: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear()
}

/**
 * Names of environment variables that hold secrets: the OpenStack credentials, dcm's own password
 * variables, and anything named like a password, token, secret or credential.
 */
const SECRET_NAME = /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|^OS_AUTH_URL$/i

/**
 * The environment to give a child process: the parent's without any secret, neither by name nor by a
 * registered secret value (a password exported under an innocent name). OS_AUTH_URL goes too: it may carry
 * userinfo (`http://user:pw@host`), and no child dcm starts needs it.
 */
export function childEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || SECRET_NAME.test(name)) continue
    if ([...secrets].some((secret) => value.includes(secret))) continue
    out[name] = value
  }
  return out
}
