/**
 * ssh2 is CommonJS: under Node's ESM loader only some names are detected as named exports (`utils` is not),
 * while Jest's loader exposes them all. Going through the default export works in both, so every user of
 * ssh2 loads it here, lazily (it costs startup time and most commands never need it).
 */
export type Ssh2Module = typeof import('ssh2')

export async function loadSsh2(): Promise<Ssh2Module> {
  const module = await import('ssh2')
  return (module as unknown as {default?: Ssh2Module}).default ?? module
}
