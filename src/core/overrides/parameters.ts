/**
 * The platform networks of a bootstrap override file and their defaults (bootstrap-overrides.md §4.3, §5), in the
 * order the playbook creates them in sysinv (§8.3): that order decides which network an overlap is reported on.
 */
export interface NetworkSpec {
  /** Key prefix: `management` -> `management_subnet`, `management_start_address`, ... */
  prefix: string
  /** The name the playbook uses in its `Failed validation, <net> ...` messages. */
  net: string
  /** Playbook default (`default.yml`); undefined when the file must give it (subcloud management, admin). */
  defaultSubnet?: string
  /** Derived start/end: start `<` end strictly (oam, pod, service, multicast) or `<=` allowed. */
  strictOrder: boolean
  /** Playbook minima (table 5): subnet and range sizes for simplex / other modes. */
  minSubnet: {simplex: number; duplex: number}
  minRange: {simplex: number; duplex: number}
  maxSubnet?: number
}

export const NETWORKS: readonly NetworkSpec[] = [
  {
    prefix: 'management',
    net: 'management',
    defaultSubnet: '192.168.204.0/24',
    strictOrder: false,
    minSubnet: {simplex: 3, duplex: 5},
    minRange: {simplex: 1, duplex: 3},
  },
  {
    prefix: 'pxeboot',
    net: 'pxeboot',
    defaultSubnet: '169.254.202.0/24',
    strictOrder: false,
    minSubnet: {simplex: 3, duplex: 5},
    minRange: {simplex: 1, duplex: 3},
  },
  {
    prefix: 'external_oam',
    net: 'oam',
    defaultSubnet: '10.10.10.0/24',
    strictOrder: true,
    minSubnet: {simplex: 5, duplex: 5},
    minRange: {simplex: 3, duplex: 3},
  },
  {
    prefix: 'management_multicast',
    net: 'multicast',
    defaultSubnet: '239.1.1.0/28',
    strictOrder: true,
    minSubnet: {simplex: 6, duplex: 6},
    minRange: {simplex: 4, duplex: 4},
  },
  {
    prefix: 'cluster_host',
    net: 'cluster_host',
    defaultSubnet: '192.168.206.0/24',
    strictOrder: false,
    minSubnet: {simplex: 3, duplex: 5},
    minRange: {simplex: 1, duplex: 3},
  },
  {
    prefix: 'cluster_pod',
    net: 'cluster_pod',
    defaultSubnet: '172.16.0.0/16',
    strictOrder: true,
    minSubnet: {simplex: 65536, duplex: 65536},
    minRange: {simplex: 65534, duplex: 65534},
  },
  {
    prefix: 'cluster_service',
    net: 'cluster_service',
    defaultSubnet: '10.96.0.0/12',
    strictOrder: true,
    minSubnet: {simplex: 65536, duplex: 65536},
    minRange: {simplex: 65534, duplex: 65534},
    maxSubnet: 1048576,
  },
  {
    prefix: 'admin',
    net: 'admin',
    strictOrder: false,
    minSubnet: {simplex: 3, duplex: 5},
    minRange: {simplex: 1, duplex: 3},
  },
]

/** Networks sysinv lets overlap each other (§8.3): the Kubernetes cluster networks among themselves. */
export const MAY_OVERLAP = new Set(['cluster_host', 'cluster_pod', 'cluster_service'])

const subnetKeys = new Set(NETWORKS.map((network) => `${network.prefix}_subnet`))
const addressKeys = new Set([
  ...NETWORKS.flatMap((network) =>
    ['start', 'end', 'floating', 'gateway'].map((part) => `${network.prefix}_${part}_address`),
  ),
  'external_oam_node_0_address',
  'external_oam_node_1_address',
  'systemcontroller_gateway_address',
  'bootstrap-address',
])

export function isSubnetKey(key: string): boolean {
  return subnetKeys.has(key)
}

export function isAddressKey(key: string): boolean {
  return addressKeys.has(key)
}

/** Keys dcmanager writes itself (§4.11): refused in a subcloud file, `admin_password` only warned about. */
export const RESERVED_SUBCLOUD_KEYS = new Set([
  'region_config',
  'distributed_cloud_role',
  'region_name',
  'system_controller_subnet',
  'system_controller_floating_address',
  'system_controller_oam_subnet',
  'system_controller_oam_floating_address',
  'system_controller_keystone_admin_user_id',
  'system_controller_keystone_admin_project_id',
  'system_controller_keystone_services_project_id',
  'system_controller_keystone_sysinv_user_id',
  'system_controller_keystone_dcmanager_user_id',
  'users',
  'dc_root_ca_cert',
  'sc_ca_cert',
  'sc_ca_key',
  'ansible_ssh_pass',
  'ansible_become_pass',
  'sysadmin_password',
  'software_version',
  'install_values',
  'deploy_config',
  'deploy_playbook',
  'deploy_values',
  'deploy_chart',
  'deploy_overrides',
])

/**
 * Parameters the playbook knows that the schema does not list (so they are not typos): §4.5-4.9 and the local
 * bootstrap keys. Anything else gets the SEM-KEYS-2 warning.
 */
export const OTHER_KNOWN_KEYS = new Set([
  'kernel',
  'override_files_dir',
  'password_change',
  'password_change_responses',
  'bootstrap_registry_filesystem_fqpn',
  'vault_admin_password',
  'vault_docker_registries',
  'vault_password_change_responses',
  'ansible_ssh_user',
  'ansible_user',
  'ansible_host',
  'ansible_port',
])

/** Keys whose values must never be printed. */
export function isSecretKey(key: string): boolean {
  return /pass(word)?|secret|token|(^|_)key$|responses/i.test(key)
}
