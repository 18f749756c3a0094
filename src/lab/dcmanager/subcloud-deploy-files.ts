import type {LabRequest, LabResponse} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import type {LabStore} from '../lab-store.js'
import {type DcmanagerContext, type DcmanagerFamily, json, readForm} from './dcmanager-http.js'
import {supportedRelease} from './release-check.js'

/**
 * `/v1.0/subcloud-deploy` (dcmanager-api.md §2.3): upload, show and delete the deploy files of a release.
 * The lab keeps each release's file names (upstream keeps `/opt/platform/deploy/<release>/<option>_<file>`);
 * the contents are not kept, nothing in the lab runs them. The deploy playbook and chart gate the config phase,
 * `prestage_images` the image part of a prestage.
 */
export const DEPLOY_FILE_OPTIONS = ['deploy_playbook', 'deploy_overrides', 'deploy_chart', 'prestage_images']
const REQUIRED_OPTIONS = ['deploy_playbook', 'deploy_chart']

export const subcloudDeployFileRoutes: DcmanagerFamily = (context) => [
  {method: 'POST', path: '/v1.0/subcloud-deploy', handler: (request) => upload(context, request)},
  {method: 'GET', path: '/v1.0/subcloud-deploy', handler: (request) => show(context, request.query.get('release'))},
  {method: 'GET', path: '/v1.0/subcloud-deploy/:release', handler: (request, {release}) => show(context, release)},
  {method: 'DELETE', path: '/v1.0/subcloud-deploy', handler: (request) => remove(context, request, undefined)},
  {
    method: 'DELETE',
    path: '/v1.0/subcloud-deploy/:release',
    handler: (request, {release}) => remove(context, request, release),
  },
]

/** The files the config phase needs that the release lacks (§2.2 config: "Missing required deploy files"). */
export function missingDeployFiles(store: LabStore, release: string): string[] {
  const files = store.deployFilesOf(release) ?? {}
  return REQUIRED_OPTIONS.filter((option) => !files[option])
}

async function upload(context: DcmanagerContext, request: LabRequest): Promise<LabResponse> {
  const parts = readForm(request, false)
  const given = DEPLOY_FILE_OPTIONS.filter((option) => parts.has(option))
  const missing = REQUIRED_OPTIONS.filter((option) => !given.includes(option))
  const prestageOnly = given.length === 1 && given[0] === 'prestage_images'
  if (!prestageOnly && missing.length > 0) {
    throw new WebobError(400, `error: argument ${missing.map((option) => `--${option}`).join('')} is required`)
  }
  const release = supportedRelease(parts.get('release')?.data.toString('utf8'), context)
  const files = {...context.store.deployFilesOf(release)}
  const answer: Record<string, string> = {software_version: release}
  for (const option of given) {
    const filename = parts.get(option)?.filename
    if (!filename) throw new WebobError(400, `No ${option} file uploaded`)
    // Upstream stores the base name; an upload replaces the option's previous file.
    files[option] = filename.split(/[\\/]/).pop() ?? filename
    answer[option] = filename
  }
  context.store.setDeployFiles(release, files)
  await context.store.persist()
  return json(answer)
}

function show(context: DcmanagerContext, releaseParam: string | null | undefined): LabResponse {
  const release = supportedRelease(releaseParam ?? undefined, context)
  const files = context.store.deployFilesOf(release) ?? {}
  const deploy: Record<string, string | null> = {software_version: release}
  for (const option of DEPLOY_FILE_OPTIONS) deploy[option] = files[option] ?? null
  return json({subcloud_deploy: deploy})
}

async function remove(context: DcmanagerContext, request: LabRequest, releaseParam?: string): Promise<LabResponse> {
  const prestage = request.query.get('prestage_images')?.toLowerCase() === 'true'
  const deployment = request.query.get('deployment_files')?.toLowerCase() === 'true'
  const release = supportedRelease(releaseParam ?? request.query.get('release') ?? undefined, context)
  const files = context.store.deployFilesOf(release)
  if (!files) throw new WebobError(404, `Directory not found: /opt/platform/deploy/${release}`)
  const options = [
    ...(prestage ? ['prestage_images'] : []),
    ...(deployment ? ['deploy_overrides', 'deploy_chart', 'deploy_playbook'] : []),
    ...(prestage || deployment ? [] : DEPLOY_FILE_OPTIONS),
  ]
  const kept = Object.fromEntries(Object.entries(files).filter(([option]) => !options.includes(option)))
  // The release's directory stays (empty): a later delete finds it, as upstream's does.
  context.store.setDeployFiles(release, kept)
  await context.store.persist()
  return json(null)
}
