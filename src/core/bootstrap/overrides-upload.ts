import {isMap, parseDocument} from 'yaml'

/**
 * The overrides file as uploaded to controller-0's `$HOME/localhost.yml` (local-bootstrap.md §4): the operator's
 * text, plus `ansible_become_pass` when the file does not set it, so the playbook's `sudo -S -k -v` check and
 * its become steps get the sysadmin password from a 0600 file instead of the command line (§7).
 */
export function overridesForUpload(overridesText: string, password: string): string {
  let hasBecomePass: boolean
  try {
    const document = parseDocument(overridesText)
    hasBecomePass = isMap(document.contents) && document.has('ansible_become_pass')
  } catch {
    hasBecomePass = false
  }
  if (hasBecomePass) return overridesText
  const separator = overridesText === '' || overridesText.endsWith('\n') ? '' : '\n'
  // A JSON string is a valid YAML double-quoted scalar: any character of the password survives as is.
  return `${overridesText}${separator}ansible_become_pass: ${JSON.stringify(password)}\n`
}
