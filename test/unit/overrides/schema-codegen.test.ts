import {describe, expect, it} from '@jest/globals'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {
  generatedValidatorsFile,
  generateValidatorsModule,
  schemaStamp,
  validatorOrigin,
} from '../../../src/core/overrides/schema.js'

describe('schemas/generated/validators.mjs (precompiled ajv validators)', () => {
  it('is up to date with the schema files', async () => {
    const source = await generateValidatorsModule()
    if (process.env.DCM_REGENERATE_VALIDATORS === '1') {
      mkdirSync(path.dirname(generatedValidatorsFile), {recursive: true})
      writeFileSync(generatedValidatorsFile, source)
    }
    expect(existsSync(generatedValidatorsFile)).toBe(true)
    const committed = readFileSync(generatedValidatorsFile, 'utf8')
    // On failure: DCM_REGENERATE_VALIDATORS=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/unit/overrides/schema-codegen.test.ts
    expect(committed.includes(`export const stamp = "${schemaStamp()}";`)).toBe(true)
    expect(committed).toBe(source)
    expect(await validatorOrigin()).toBe('generated')
  })

  it('gives the same errors as ajv compiling the schemas at run time', async () => {
    const generated = (await import(generatedValidatorsFile)) as Record<
      string,
      ((data: unknown) => boolean) & {errors?: unknown}
    >
    const {Ajv2020} = await import('ajv/dist/2020.js')
    const formats = (await import('ajv-formats')) as unknown as {default: (ajv: unknown, list: string[]) => void}
    const ajv = new Ajv2020({allErrors: true, allowUnionTypes: true, strict: false})
    formats.default(ajv, ['ipv4', 'ipv6'])
    const schemaDir = path.dirname(path.dirname(generatedValidatorsFile))
    const subcloud = JSON.parse(readFileSync(path.join(schemaDir, 'bootstrap-values.schema.json'), 'utf8'))
    ajv.addSchema(subcloud)
    const compiled = ajv.getSchema(subcloud.$id)!
    const documents: unknown[] = [
      {},
      {name: '123', system_mode: 'Simplex', management_subnet: 'x', dns_servers: [], region_name: 'r'},
      {name: 'a', docker_registries: {'foo.io': {}, defaults: {username: 'u', secure: 'yes'}}, calico_mtu: 10},
      {admin_subnet: '10.0.0.0/24', management_gateway_address: '10.0.1.1', apiserver_oidc: {client_id: 'c'}},
    ]
    for (const document of documents) {
      expect(generated.subcloud(document)).toBe(compiled(document))
      expect(generated.subcloud.errors).toEqual(compiled.errors)
    }
  })
})
