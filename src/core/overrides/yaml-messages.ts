/**
 * The yaml library's own words for a problem are written for programmers ("please use YAML.parseAllDocuments()",
 * "Maximum call stack size exceeded", "Excessive alias count indicates a resource exhaustion attack"); an operator
 * reading `dcm` output needs what is wrong with the file. Every YAML load of operator input goes through here.
 */
export function yamlProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const first = message.split('\n')[0].trim()
  if (/multiple documents/i.test(first))
    return 'expected a single document in the stream, but found another document (a second ---)'
  if (isStackExhaustion(error))
    return 'the mappings or lists are nested too deeply to load (several hundred levels); no bootstrap parameter nests like this'
  if (/alias count|resource exhaustion/i.test(first))
    return 'too many alias (*name) expansions: the file would grow without bound (a "billion laughs" document)'
  if (/Unresolved alias|Aliased anchor not found/i.test(first))
    return first.replace(/^Unresolved alias/, 'unknown alias')
  return first.replace(/\s*at line \d+, column \d+:?$/, '')
}

export function isStackExhaustion(error: unknown): boolean {
  // The composer catches the RangeError and reports it as a parse problem with the same text.
  return error instanceof Error && /Maximum call stack size exceeded/i.test(error.message)
}
