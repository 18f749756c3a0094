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
