import {strategyDeclaration} from '../../orchestration/strategy-types.js'
import {clientDeclaration} from './declaration.js'

/** `kube-rootca-update-strategy`: `--subject`, `--expiry-date`, `--force` (orchestration.md §2.3). */
export const kubeRootcaUpdate = clientDeclaration(strategyDeclaration('kube-rootca-update'), {
  subject: 'Kubernetes root CA update',
  options: [
    {
      name: 'subject',
      kind: 'string',
      description:
        'A subject for a generated certificate. Format: C=<Country> ST=<State/Province> L=<Locality> O=<Organization> OU=<OrganizationUnit> CN=<commonName>',
    },
    {
      name: 'expiry-date',
      kind: 'string',
      description: 'Expiry date for a generated certificate. Format: YYYY-MM-DD',
    },
    {
      name: 'force',
      kind: 'boolean',
      description: 'Force a kube rootca update even when the subcloud is in sync (only with a subcloud name).',
    },
  ],
  body: (values) => ({
    ...(values.subject ? {subject: values.subject} : {}),
    ...(values['expiry-date'] ? {'expiry-date': values['expiry-date']} : {}),
    ...(values.force ? {force: 'true'} : {}),
  }),
})
