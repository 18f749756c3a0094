/**
 * What a command prints with `--json` on success, declared next to its flags (`static jsonShape`), so
 * that oclif records it in oclif.manifest.json and the command snapshot (test/fixtures/command-snapshot.json)
 * holds it: renaming a key or turning an object into a list is then a reviewed change, like removing a flag.
 * Keys are the ones scripts read: the column names of a list, the field names of a show.
 */
export type JsonShape =
  /** `[{key: value, ...}, ...]`: a Lister's rows keyed by column name. */
  | {kind: 'list'; keys: string[]}
  /** `{key: value, ...}`: a ShowOne's fields, or a command's own result; `optional` keys appear only sometimes. */
  | {kind: 'object'; keys: string[]; optional?: string[]}
  /** Prints nothing on success (the command's output is not data, or there is none). */
  | {kind: 'none'}
  /** One of these, depending on the flags (e.g. `subcloud list -d`). */
  | {kind: 'oneOf'; of: JsonShape[]}

export const jsonShape = {
  list: (keys: readonly string[]): JsonShape => ({kind: 'list', keys: [...keys]}),
  object: (keys: readonly string[], optional: readonly string[] = []): JsonShape =>
    optional.length > 0
      ? {kind: 'object', keys: [...keys], optional: [...optional]}
      : {kind: 'object', keys: [...keys]},
  none: (): JsonShape => ({kind: 'none'}),
  oneOf: (...of: JsonShape[]): JsonShape => ({kind: 'oneOf', of}),
}
