/**
 * Public types of the override-file validator (bootstrap-overrides.md). Commands, `subcloud add`, the remote
 * bootstrap and the lab all code against these shapes.
 */
import type {Document, LineCounter} from 'yaml'

export type Severity = 'error' | 'warning'

/** One problem found in an override file, pointing at the line and column of the offending key or value. */
export interface Finding {
  severity: Severity
  /** The rule id of bootstrap-overrides.md §9 (`SEM-OVL-1`, `SEM-MGMT-6`, ...), `schema`, or `XFILE-*` across files. */
  rule: string
  /** The parameter, dotted for nested ones (`docker_registries.defaults.password`). */
  key: string
  /** The exact upstream text where upstream has one (dcmanager API, playbook or sysinv), else dcm's own. */
  message: string
  /** The file as the operator named it. */
  file: string
  /** 1-based. */
  line: number
  /** 1-based. */
  column: number
}

/** The System Controller's management network, as sysinv reports it (`mgmt` address pools); one per IP family. */
export interface SystemControllerNetwork {
  /** CIDR, e.g. `192.168.204.0/24`. */
  managementSubnet: string
  /** First address of the pool's first range, e.g. `192.168.204.2`. */
  poolStart: string
  /** Last address of the pool's first range, e.g. `192.168.204.50`. */
  poolEnd: string
}

/**
 * A subcloud already known to the System Controller (`GET /v1.0/subclouds`). The management fields are the STORED
 * ones: for a subcloud added with an admin network they hold the admin subnet and range (bootstrap-overrides.md §7).
 */
export interface ExistingSubcloud {
  name: string
  management_subnet: string
  management_start_ip?: string
  management_end_ip?: string
  /** Only when known (an override file of the same batch, or the lab's store). */
  external_oam_subnet?: string
  admin_subnet?: string
}

/** An override file parsed with source positions. `values` is the plain data (PyYAML `safe_load` semantics). */
export interface LoadedOverrides {
  /** The file name as given by the operator (used in every message). */
  file: string
  /** The top-level mapping as plain values. */
  values: Record<string, unknown>
  /** The parsed YAML document, kept for positions. */
  document: Document.Parsed
  lineCounter: LineCounter
  /** Problems noticed while loading that do not stop validation (duplicate keys). */
  loadFindings: Finding[]
}

export interface SubcloudValidationOptions {
  /** The System Controller's management networks; default {@link DEFAULT_SYSTEM_CONTROLLERS}. */
  systemControllers?: SystemControllerNetwork[]
  /** Subclouds already deployed, for name uniqueness and range/OAM overlap (SEM-NAME-4, SEM-MGMT-4, SEM-OAM-2). */
  existingSubclouds?: ExistingSubcloud[]
  /** `--bootstrap-address` of `subcloud add`; the form field wins over a `bootstrap-address` key in the file. */
  bootstrapAddress?: string
  /** The System Controller's RegionOne name (default `RegionOne`). */
  regionOneName?: string
}
