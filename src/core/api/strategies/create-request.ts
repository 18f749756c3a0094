import {UsageError} from '../../errors.js'
import type {CreateValues, StrategyDeclaration} from './declaration.js'

/**
 * The create body, built and checked the way upstream's client does (orchestration.md §2.2): the --group
 * checks, then the type's own checks, then the body keys in upstream order with `type` last. Pure: the
 * caller resolves the sysadmin password (prompt, stdin, environment) between the steps upstream does.
 */
export interface CreateRequest {
  /** Upstream's notices for stdout (deprecated options). */
  notices: string[]
  body: Record<string, unknown>
}

/** The three `validate_group_params` checks, only when --group is given. */
export function checkGroupOptions(values: CreateValues): void {
  if (!values.group) return
  if (values.cloud_name) throw new UsageError('The cloud_name and group options are mutually exclusive.')
  if (values['subcloud-apply-type'])
    throw new UsageError('The --subcloud-apply-type is not supported when --group option is applied.')
  if (values['max-parallel-subclouds'])
    throw new UsageError('The --max-parallel-subclouds options is not supported when --group option is applied.')
}

/** All client checks in upstream order, password aside: group options, then the type's. */
export function checkCreateValues(declaration: StrategyDeclaration, values: CreateValues): void {
  checkGroupOptions(values)
  declaration.check?.(values)
}

export function buildCreateRequest(
  declaration: StrategyDeclaration,
  values: CreateValues,
  password?: string,
): CreateRequest {
  const notices = declaration.notices?.(values) ?? []
  checkCreateValues(declaration, values)
  return {notices, body: createBody(declaration, values, password)}
}

/**
 * The whole create preparation in upstream's order (orchestration.md §2.2, §2.3): notices, then the
 * password when the type asks it first (prestage), the checks, then the password when asked after them
 * (sw-deploy --with-prestage), then the body. `password` is the caller's way to get it (flag, stdin,
 * environment or prompt); it is called at most once, and only when the type needs it.
 */
export async function prepareCreate(
  declaration: StrategyDeclaration,
  values: CreateValues,
  hooks: {notice?: (text: string) => void; password: () => Promise<string>},
): Promise<Record<string, unknown>> {
  for (const text of declaration.notices?.(values) ?? []) hooks.notice?.(text)
  const needed = declaration.password?.needed(values) ?? false
  let password: string | undefined
  if (needed && declaration.password?.beforeChecks) password = await hooks.password()
  checkCreateValues(declaration, values)
  if (needed && password === undefined) password = await hooks.password()
  return createBody(declaration, values, password)
}

function createBody(
  declaration: StrategyDeclaration,
  values: CreateValues,
  password?: string,
): Record<string, unknown> {
  const passwordBase64 = password === undefined ? undefined : Buffer.from(password, 'utf8').toString('base64')
  const body: Record<string, unknown> = {}
  if (values['subcloud-apply-type']) body['subcloud-apply-type'] = values['subcloud-apply-type']
  // 0 is falsy in upstream's client, so it is never sent.
  if (values['max-parallel-subclouds']) body['max-parallel-subclouds'] = values['max-parallel-subclouds']
  if (values['stop-on-failure']) body['stop-on-failure'] = 'true'
  if (values.cloud_name) body.cloud_name = values.cloud_name
  if (values.group) body.subcloud_group = String(values.group)
  Object.assign(body, declaration.body(values, passwordBase64))
  body.type = declaration.type
  return body
}
