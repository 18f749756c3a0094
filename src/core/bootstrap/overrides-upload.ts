import {Document, isMap, isScalar, parseDocument, Scalar} from 'yaml'

import {UsageError} from '../errors.js'
import {pyyamlBooleans} from '../overrides/load.js'
import {yamlProblem} from '../overrides/yaml-messages.js'

/**
 * The overrides file as uploaded to controller-0's `$HOME/localhost.yml` (local-bootstrap.md §4): the operator's
 * document plus `ansible_become_pass` when it does not set it, so the playbook's `sudo -S -k -v` check and its
 * become steps get the sysadmin password from a 0600 file instead of the command line (§7).
 *
 * Built as a YAML document (parse, set the key, stringify), never by appending text: a flow-style file (`{...}`,
 * JSON) must get the key inside its mapping, not after the closing brace. Parsed as YAML 1.1 with PyYAML's
 * booleans, as Ansible reads it, so every other value keeps the meaning it had (comments, anchors, quoting and
 * number forms are kept by the document).
 */
export function overridesForUpload(overridesText: string, password: string): string {
  const document = parseDocument(overridesText, {
    version: '1.1',
    merge: true,
    uniqueKeys: false,
    strict: false,
    prettyErrors: false,
    customTags: pyyamlBooleans,
  })
  const [problem] = document.errors
  if (problem) throw new UsageError(`the bootstrap values are not valid YAML: ${yamlProblem(problem)}`)
  const empty = document.contents === null || (isScalar(document.contents) && document.contents.value === null)
  const target: Document = empty ? new Document({}, {version: '1.1'}) : document
  if (!isMap(target.contents))
    throw new UsageError('the bootstrap values must be a mapping of parameter names to values')
  if (target.has('ansible_become_pass')) return overridesText
  // Double-quoted: any character of the password (quotes, colons, `#`, newlines, `yes`) stays a string.
  const value = new Scalar(password)
  value.type = Scalar.QUOTE_DOUBLE
  target.set('ansible_become_pass', value)
  return target.toString({lineWidth: 0})
}
