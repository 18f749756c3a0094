/**
 * `bytes` random bytes as hex (temporary file names, multipart boundaries), from node:crypto loaded on first use:
 * a module-level import would load it, ~4 ms, at the start of every command, and most never need a random name.
 */
export function randomHex(bytes: number): string {
  return process.getBuiltinModule('node:crypto').randomBytes(bytes).toString('hex')
}
