/**
 * Offline checks of `subcloud-backup create --backup-values` and `restore --restore-values` (subcloud-lifecycle.md
 * §5.1-5.4): the file must load as a YAML mapping (upstream's `yaml_safe_load` of the form field), and the few keys
 * dcmanager itself reads must have the type it expects. Every other key is a playbook override passed to Ansible as
 * it is, so unknown keys are fine here. Each problem names file:line:col, so the command exits 2 before any request.
 */
import {parseAddress} from '../net/cidr.js'
import {pythonStr} from './install-values.js'
import {loadOverrideFile} from './load.js'
import {positionOf} from './positions.js'
import type {Finding, LoadedOverrides} from './types.js'

export type BackupValuesKind = 'backup_values' | 'restore_values'

/** Load (exit 2 on unreadable YAML or a non-mapping) and check one values file. */
export function validateBackupValuesFile(file: string, kind: BackupValuesKind): Finding[] {
  const loaded = loadOverrideFile(file, {field: kind})
  return [...loaded.loadFindings, ...(kind === 'restore_values' ? restoreFindings(loaded) : backupFindings(loaded))]
}

function restoreFindings(loaded: LoadedOverrides): Finding[] {
  const findings: Finding[] = []
  const {values} = loaded
  if ('bootstrap_address' in values) {
    const map = values.bootstrap_address
    if (map === null || typeof map !== 'object' || Array.isArray(map)) {
      // The server's own text (api/subcloud_backup.py); the map is `<subcloud name>: <address>`.
      findings.push(
        finding(
          loaded,
          ['bootstrap_address'],
          'The bootstrap_address provided in restore_values is in invalid format.',
        ),
      )
    } else {
      for (const [name, address] of Object.entries(map as Record<string, unknown>)) {
        if (typeof address === 'string' && parseAddress(address.trim()) && address.trim() === address) continue
        findings.push(
          finding(
            loaded,
            ['bootstrap_address', name],
            `Subcloud ${name} must have a valid bootstrap address: ${pythonStr(address)}`,
          ),
        )
      }
    }
  }
  if ('restore_timeout' in values && !isPythonInt(values.restore_timeout))
    findings.push(
      finding(loaded, ['restore_timeout'], 'restore_timeout in restore_values must be a numeric value in seconds.'),
    )
  return findings
}

function backupFindings(loaded: LoadedOverrides): Finding[] {
  const findings: Finding[] = []
  // The playbook compares the home directory's size with it (MB); anything but a whole number breaks that test.
  if ('max_home_dir_usage' in loaded.values && !isPythonInt(loaded.values.max_home_dir_usage))
    findings.push(finding(loaded, ['max_home_dir_usage'], 'max_home_dir_usage must be a whole number of MB'))
  return findings
}

/** What Python's `int()` accepts (the server's own test): a number, or digits with optional sign and spaces. */
function isPythonInt(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value)
  return typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)
}

function finding(loaded: LoadedOverrides, path: string[], message: string): Finding {
  const {line, column} = positionOf(loaded, path)
  return {severity: 'error', rule: 'values', key: path.join('.'), message, file: loaded.file, line, column}
}
