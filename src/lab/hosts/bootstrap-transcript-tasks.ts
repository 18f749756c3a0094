/**
 * The task list a simulated controller-0 plays for `ansible-playbook .../bootstrap.yml`: the twelve
 * top-level roles of the StarlingX bootstrap play in order (local-bootstrap.md §2), each with a handful of
 * the tasks an operator actually sees in `ansible.log`, their usual result, and a weight for how much of the
 * run they take (apply-manifest, essential services and applications dominate a real bootstrap).
 *
 * A failure template is what the task prints when it fails, so that `--fail-at` produces the same
 * `fatal: [...]: FAILED! =>` block (and therefore the same dcmanager error_description) as the real thing.
 */
export type TaskResult = 'ok' | 'changed' | 'skipping'

export interface TaskFailure {
  /** Lines of the YAML result block after `fatal: [host]: FAILED! => changed=...`, without indentation. */
  changed: boolean
  msg: string
  cmd?: string
  rc?: number
  stderr?: string
}

export interface TranscriptTask {
  role: string
  name: string
  result: TaskResult
  /** Loop items: one result line per item (`ok: [host] => (item=...)`). */
  items?: string[]
  /** Runs on the machine holding the override files (`[host -> localhost]`). */
  delegated?: boolean
  /** An `include_tasks` task: prints `included: <file> for <host>` (not counted in the recap). */
  includes?: string
  /** Relative share of the run's duration. */
  weight: number
  failure?: TaskFailure
  /** The task that marks the host bootstrapped (complete-bootstrap). */
  marksBootstrapped?: boolean
  /**
   * Runs only when `distributed_cloud_role` is `subcloud` (else `skipping`): creates or removes the
   * `<override_files_dir>/.<host>_deploy_not_abortable` flag an abort must wait for (local-bootstrap.md §5.7).
   */
  notAbortable?: 'set' | 'clear'
}

const commandFailure = (cmd: string, stderr: string, rc = 1): TaskFailure => ({
  changed: true,
  msg: 'non-zero return code',
  cmd,
  rc,
  stderr,
})

const fail = (msg: string): TaskFailure => ({changed: false, msg})

/**
 * `{host}`, `{overrides}`, `{mgmt_address}` and `{mgmt_subnet}` are substituted when the transcript is played (the
 * last two from the host's own override file, so a failure names addresses of that subcloud).
 */
export const BOOTSTRAP_TASKS: readonly TranscriptTask[] = [
  // 1. common/prepare-env
  {
    role: 'common/prepare-env',
    name: 'stat',
    result: 'ok',
    delegated: true,
    items: ['{overrides}/secrets.yml', '{overrides}/{host}.yml'],
    weight: 1,
  },
  {role: 'common/prepare-env', name: 'include_vars', result: 'ok', items: ['None', 'None'], weight: 1},
  {role: 'common/prepare-env', name: 'Set ansible_become_pass from override file', result: 'ok', weight: 1},
  {
    role: 'common/prepare-env',
    name: 'Check if the become password is correct',
    result: 'ok',
    weight: 2,
    failure: commandFailure('sudo -S -k -v', 'sudo: 1 incorrect password attempt'),
  },
  {role: 'common/prepare-env', name: 'Detect Debian codename', result: 'ok', weight: 1},
  // 2. common/validate-target
  {
    role: 'common/validate-target',
    name: 'Get software version of the target host',
    result: 'changed',
    weight: 1,
    failure: commandFailure("grep SW_VERSION /etc/build.info | cut -d '\"' -f2", 'grep: /etc/build.info: No such file'),
  },
  {
    role: 'common/validate-target',
    name: 'Fail if host software version is not supported by this playbook',
    result: 'skipping',
    weight: 1,
    failure: fail('This playbook is not compatible with {host} software version.'),
  },
  {role: 'common/validate-target', name: 'Get system type of the target host', result: 'changed', weight: 1},
  // 3. bootstrap/prepare-env
  {
    role: 'bootstrap/prepare-env',
    name: 'Look for unmistakenly StarlingX packages',
    result: 'changed',
    weight: 1,
    failure: commandFailure('dpkg -l sysinv cgts-client', 'dpkg-query: no packages found matching sysinv'),
  },
  {role: 'bootstrap/prepare-env', name: 'Fail if host is not running the right image', result: 'skipping', weight: 1},
  {
    role: 'bootstrap/prepare-env',
    name: 'Fail if any of the mandatory configurations are not defined',
    result: 'skipping',
    items: [
      'system_mode',
      'timezone',
      'management_subnet',
      'external_oam_subnet',
      'external_oam_gateway_address',
      'external_oam_floating_address',
      'dns_servers',
      'admin_username',
      'admin_password',
    ],
    weight: 1,
    failure: fail('Mandatory configuration parameter admin_password is not defined.'),
  },
  {role: 'bootstrap/prepare-env', name: 'Check initial config flag', result: 'ok', weight: 1},
  {role: 'bootstrap/prepare-env', name: 'Check if bootstrap_finalized flag exists on host', result: 'ok', weight: 1},
  {
    role: 'bootstrap/prepare-env',
    name: 'Fail if host is unlocked or host configurations have already started',
    result: 'skipping',
    weight: 1,
    failure: fail(
      'The bootstrap of host {host} has already been finalized. Please re-install before attempting to bootstrap it again.',
    ),
  },
  {role: 'bootstrap/prepare-env', name: 'Set initial address facts if not defined', result: 'ok', weight: 1},
  {role: 'bootstrap/prepare-env', name: 'Merge user and default registries dictionaries', result: 'ok', weight: 1},
  {role: 'bootstrap/prepare-env', name: 'Check Docker status', result: 'changed', weight: 1},
  {role: 'bootstrap/prepare-env', name: 'Look for openrc file', result: 'ok', weight: 1},
  {
    role: 'bootstrap/prepare-env',
    name: 'Check size of root disk',
    result: 'ok',
    weight: 1,
    failure: fail('Minimum disk size requirement is not met. Root disk size 120GB is less than 240GB.'),
  },
  // 4. bootstrap/validate-config
  {
    role: 'bootstrap/validate-config',
    name: 'Validate system mode if system type is All-in-one',
    result: 'skipping',
    weight: 1,
  },
  {
    role: 'bootstrap/validate-config',
    name: 'Validate DNS IP format and reachability',
    result: 'ok',
    weight: 2,
    failure: fail('DNS server 10.10.10.53 is unreachable.'),
  },
  {role: 'bootstrap/validate-config', name: 'Validate and parse docker registries', result: 'ok', weight: 1},
  {
    role: 'bootstrap/validate-config',
    name: 'Fail if multicast subnet is not in valid range',
    result: 'skipping',
    weight: 1,
    failure: fail('Invalid multicast subnet: management_multicast_subnet -> 192.168.1.0/28'),
  },
  {
    role: 'bootstrap/validate-config',
    name: 'Validate address ranges',
    result: 'ok',
    weight: 1,
    failure: fail('management_start_address is not within the management_subnet.'),
  },
  {role: 'bootstrap/validate-config', name: 'Create config workdir', result: 'changed', weight: 1},
  {
    role: 'bootstrap/validate-config',
    name: 'Generate config ini file for python sysinv db population script',
    result: 'changed',
    weight: 1,
  },
  {role: 'bootstrap/validate-config', name: 'Write simplex flag', result: 'changed', weight: 1},
  // 5. bootstrap/store-passwd
  {role: 'bootstrap/store-passwd', name: 'Store keystone admin password', result: 'changed', weight: 2},
  {role: 'bootstrap/store-passwd', name: 'Persist keyring data', result: 'changed', weight: 1},
  // 6. bootstrap/apply-manifest
  {
    role: 'bootstrap/apply-manifest',
    name: 'Set unabortable flag for {host}',
    result: 'changed',
    delegated: true,
    weight: 1,
    notAbortable: 'set',
  },
  {role: 'bootstrap/apply-manifest', name: 'Create config workdir', result: 'changed', weight: 1},
  {
    role: 'bootstrap/apply-manifest',
    name: 'Generating static config data',
    result: 'changed',
    weight: 3,
    failure: commandFailure(
      '/usr/bin/sysinv-puppet create-static-config /tmp/hieradata',
      'sysinv-puppet: error: unable to create static config',
    ),
  },
  {
    role: 'bootstrap/apply-manifest',
    name: 'Applying puppet bootstrap manifest',
    result: 'changed',
    weight: 40,
    failure: commandFailure(
      '/usr/local/bin/puppet-manifest-apply.sh /tmp/hieradata {mgmt_address} controller ansible_bootstrap > /tmp/apply_manifest.log',
      "See /var/log/puppet/latest/puppet.log for details\nError: 2026-01-01 00:00:00 Execution of '/usr/bin/keystone-manage bootstrap' returned 1",
    ),
  },
  {role: 'bootstrap/apply-manifest', name: 'Ensure Puppet directory exists', result: 'changed', weight: 1},
  // 7. bootstrap/persist-config
  {
    role: 'bootstrap/persist-config',
    name: 'Populate initial system database',
    result: 'changed',
    weight: 6,
    failure: commandFailure(
      'python /tmp/populate_initial_config.py /tmp/config/bootstrap_config',
      'Exception: Subnet {mgmt_subnet} overlaps with subnet of network mgmt',
    ),
  },
  {
    role: 'bootstrap/persist-config',
    name: 'Add the new management address for service hostname lookup',
    result: 'changed',
    weight: 1,
  },
  {
    role: 'bootstrap/persist-config',
    name: 'Save the current system and network config for reference',
    result: 'changed',
    weight: 1,
  },
  {role: 'bootstrap/persist-config', name: 'Set input parameters to populate config script', result: 'ok', weight: 1},
  {
    role: 'bootstrap/persist-config',
    name: 'Remove unabortable flag for {host}',
    result: 'changed',
    delegated: true,
    weight: 1,
    notAbortable: 'clear',
  },
  // 8. bootstrap/bringup-essential-services
  {role: 'bootstrap/bringup-essential-services', name: 'Add loopback interface', result: 'changed', weight: 2},
  {
    role: 'bootstrap/bringup-essential-services',
    name: 'Set up default route to the oam gateway',
    result: 'ok',
    includes: 'bootstrap/bringup-essential-services/tasks/setup_default_route.yml',
    weight: 1,
  },
  {
    role: 'bootstrap/bringup-essential-services',
    name: 'Add default route to the oam gateway',
    result: 'ok',
    weight: 1,
    failure: commandFailure(
      'ip route add default via 10.10.10.1 dev enp0s3',
      'RTNETLINK answers: Network is unreachable',
      2,
    ),
  },
  {role: 'bootstrap/bringup-essential-services', name: 'Configure local docker registry', result: 'changed', weight: 2},
  {
    role: 'bootstrap/bringup-essential-services',
    name: 'Bring up local docker registry',
    result: 'changed',
    weight: 4,
    failure: fail('Failed to start docker-distribution: Unit docker-distribution.service not found.'),
  },
  {role: 'bootstrap/bringup-essential-services', name: 'Bring up etcd', result: 'changed', weight: 2},
  {
    role: 'common/bringup-kubemaster',
    name: 'Initializing Kubernetes master',
    result: 'changed',
    weight: 12,
    failure: commandFailure(
      'kubeadm init --config=/etc/kubernetes/kubeadm.yaml',
      "[wait-control-plane] timed out waiting for the condition\nerror execution phase wait-control-plane: couldn't initialize a Kubernetes cluster",
    ),
  },
  {role: 'common/bringup-kubemaster', name: 'Bring up Helm', result: 'changed', weight: 2},
  {
    role: 'bootstrap/bringup-essential-services',
    name: 'Check controller-0 is in online state',
    result: 'changed',
    weight: 3,
  },
  {
    role: 'bootstrap/bringup-essential-services',
    name: 'Fail if any of the Kubernetes component, Networking or Armada pods are not ready by this time',
    result: 'skipping',
    weight: 6,
    failure: fail('Pod k8s-app=calico-node is still not ready.'),
  },
  // 9. bootstrap/bringup-bootstrap-applications
  {
    role: 'bootstrap/bringup-bootstrap-applications',
    name: 'Upload application cert-manager',
    result: 'changed',
    weight: 4,
  },
  {
    role: 'bootstrap/bringup-bootstrap-applications',
    name: 'Wait until application is in applied state',
    result: 'changed',
    weight: 8,
    failure: fail('Application nginx-ingress-controller apply failed: apply-failed.'),
  },
  {
    role: 'bootstrap/bringup-bootstrap-applications',
    name: 'Create system local CA certificate',
    result: 'changed',
    weight: 2,
  },
  // 10. bootstrap/configure-kernel
  {role: 'bootstrap/configure-kernel', name: 'Set lowlatency kernel if requested', result: 'skipping', weight: 1},
  // 11. bootstrap/bringup-mgmt-ipsec
  {role: 'bootstrap/bringup-mgmt-ipsec', name: 'Enable IPsec on management network', result: 'skipping', weight: 1},
  // 12. bootstrap/complete-bootstrap
  {
    role: 'bootstrap/complete-bootstrap',
    name: 'Set bootstrap completed flag',
    result: 'changed',
    weight: 1,
    marksBootstrapped: true,
  },
  {role: 'bootstrap/complete-bootstrap', name: 'Remove temporary bootstrap config files', result: 'changed', weight: 1},
]

/**
 * Find the task an operator named in `--fail-at`: a task name, `role : task`, or a role (its first task
 * that can fail). Matching ignores case and surrounding spaces; undefined when nothing matches.
 */
export function findTask(spec: string, tasks: readonly TranscriptTask[] = BOOTSTRAP_TASKS): TranscriptTask | undefined {
  const wanted = spec.trim().toLowerCase().replace(/\s+/g, ' ')
  if (!wanted) return undefined
  const qualified = (task: TranscriptTask) => `${task.role} : ${task.name}`.toLowerCase()
  return (
    tasks.find((task) => qualified(task) === wanted) ??
    tasks.find((task) => task.name.toLowerCase() === wanted) ??
    tasks.find((task) => task.role.toLowerCase() === wanted && task.failure) ??
    tasks.find((task) => task.role.toLowerCase() === wanted)
  )
}

/** The roles in play order, for help texts and error hints. */
export function roleNames(tasks: readonly TranscriptTask[] = BOOTSTRAP_TASKS): string[] {
  return [...new Set(tasks.map((task) => task.role))]
}
