/**
 * Every environment variable dcm reads, in one list: the ENVIRONMENT section of `dcm --help`, docs/environment.md
 * and `dcm version --verbose` are rendered from it, and a unit test fails when the code reads an OS_* or DCM_*
 * variable that is not here.
 */
export interface EnvironmentVariable {
  name: string
  description: string
  /** Read only by tests and development tools: listed apart, after the operator's variables. */
  testOnly?: boolean
  /** Holds a secret: `dcm version --verbose` says whether it is set, never its value. */
  secret?: boolean
}

export const ENVIRONMENT_VARIABLES: EnvironmentVariable[] = [
  {name: 'OS_AUTH_URL', description: 'Keystone URL (as in /etc/platform/openrc); --os-auth-url'},
  {name: 'OS_USERNAME', description: 'Keystone user; --os-username'},
  {name: 'OS_PASSWORD', description: 'Keystone password; --os-password', secret: true},
  {name: 'OS_AUTH_TOKEN', description: 'an existing Keystone token, re-scoped to the project', secret: true},
  {name: 'OS_PROJECT_NAME', description: 'project to scope to (OS_TENANT_NAME is read first, as upstream)'},
  {name: 'OS_TENANT_NAME', description: 'older name of OS_PROJECT_NAME'},
  {name: 'OS_PROJECT_ID', description: 'project id to scope to (OS_TENANT_ID is read first)'},
  {name: 'OS_TENANT_ID', description: 'older name of OS_PROJECT_ID'},
  {name: 'OS_USER_DOMAIN_NAME', description: "user's domain name"},
  {name: 'OS_USER_DOMAIN_ID', description: "user's domain id"},
  {name: 'OS_PROJECT_DOMAIN_NAME', description: "project's domain name"},
  {name: 'OS_PROJECT_DOMAIN_ID', description: "project's domain id"},
  {name: 'OS_REGION_NAME', description: 'region of the endpoints (SystemController for dcmanager)'},
  {name: 'OS_INTERFACE', description: 'endpoint interface: public, internal or admin (also OS_ENDPOINT_TYPE)'},
  {name: 'OS_ENDPOINT_TYPE', description: 'older name of OS_INTERFACE'},
  {name: 'OS_CACERT', description: 'PEM bundle of CAs to trust for HTTPS'},
  {name: 'OS_CLOUD', description: 'entry of clouds.yaml to use; --os-cloud'},
  {name: 'OS_CLIENT_CONFIG_FILE', description: 'clouds.yaml to read before the usual places'},
  {name: 'OS_IDENTITY_API_VERSION', description: 'printed by `dcm lab env` for other clients; dcm speaks v3 only'},
  {name: 'DCMANAGER_URL', description: 'dcmanager endpoint, skipping the catalog; --dcmanager-url'},
  {name: 'DCCLIENT_NO_CACHE', description: 'do not use or write the token cache (as dcmanager); --no-cache'},
  {name: 'CLI_CONFIRMATIONS', description: 'enabled: ask before delete, unmanage and other risky changes unless --yes'},
  {name: 'CLIFF_MAX_TERM_WIDTH', description: 'maximum table width; --max-width'},
  {name: 'CLIFF_FIT_WIDTH', description: 'fit tables to the terminal width; --fit-width'},
  {name: 'DCM_DEBUG', description: 'as --debug: stack traces and the HTTP/SSH exchange, secrets redacted'},
  {name: 'DCM_MAX_RESPONSE_MB', description: 'largest API response body accepted, in MiB (default 64)'},
  {name: 'DCM_CACHE_DIR', description: 'token cache directory (default $XDG_CACHE_HOME/dcm or ~/.cache/dcm)'},
  {
    name: 'DCM_SYSADMIN_PASSWORD',
    description: 'subcloud sysadmin password when no flag or stdin gives it',
    secret: true,
  },
  {
    name: 'DCM_PEER_MANAGER_PASSWORD',
    description: "the peer site's manager password (system-peer) when no flag or stdin gives it",
    secret: true,
  },
  {name: 'DCM_BMC_PASSWORD', description: 'subcloud BMC password when no flag or stdin gives it', secret: true},
  {name: 'DCM_SSH_CONFIG', description: 'OpenSSH client config to honour (default ~/.ssh/config); --ssh-config'},
  {name: 'DCM_KNOWN_HOSTS', description: 'known_hosts file (default ~/.ssh/known_hosts); --known-hosts'},
  {name: 'DCM_BOOTSTRAP_PLAYBOOK', description: 'bootstrap playbook path on the controller; --playbook'},
  {name: 'DCM_LOG_DIR', description: 'where bootstrap logs are written; --log-dir'},
  {name: 'DCM_LAB_DIR', description: "the lab's data dir (default $XDG_STATE_HOME/dcm/lab); --data-dir"},
  {
    name: 'DCM_NO_BUNDLE',
    description:
      "bin/run.js starts file by file from dist/, not from the bundled script (tests patching dist's modules)",
    testOnly: true,
  },
  {name: 'DCM_REGENERATE_VALIDATORS', description: 'rewrite schemas/generated/validators.mjs', testOnly: true},
]

/** The section body: `NAME  description` lines, names aligned. */
export function environmentHelp(width = 100): string {
  const pad = Math.max(...ENVIRONMENT_VARIABLES.map((variable) => variable.name.length)) + 2
  const line = ({name, description}: EnvironmentVariable) => {
    const text = `${name.padEnd(pad)}${description}`
    return text.length <= width ? text : text.slice(0, width - 1) + '…'
  }
  const operator = ENVIRONMENT_VARIABLES.filter((variable) => !variable.testOnly).map(line)
  const tests = ENVIRONMENT_VARIABLES.filter((variable) => variable.testOnly).map(line)
  return [...operator, '', 'For tests and development only:', ...tests].join('\n')
}
