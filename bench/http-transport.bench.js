// The HTTP transport's fast path with its bounds in place (issue 14: a total deadline and a body cap per request,
// debug lines built only with --debug): median ms per GET of a small answer and of a 2 MB subcloud list from a
// loopback server, with and without a debug sink. Needs the built dist/.
import http from 'node:http'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {fmt, median} from './measure.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export default async function run() {
  const {HttpTransport} = await import(pathToFileURL(path.join(root, 'dist', 'core', 'api', 'transport.js')).href)
  const subclouds = Array.from({length: 1000}, (_, i) => ({id: i, name: `subcloud${i}`, description: 'x'.repeat(2000)}))
  const big = Buffer.from(JSON.stringify({subclouds}))
  const small = Buffer.from(JSON.stringify({subclouds: [{id: 1, name: 'subcloud1'}]}))
  const server = http.createServer((req, res) => {
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(req.url === '/big' ? big : small)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}`
  const perRequest = async (pathname, count, debug) => {
    const transport = new HttpTransport({debug})
    const start = performance.now()
    for (let i = 0; i < count; i++) await transport.request({method: 'GET', url: `${url}${pathname}`})
    const ms = (performance.now() - start) / count
    await transport.close()
    return ms
  }
  for (const [pathname, count, label] of [
    ['/small', 300, `${small.length} B`],
    ['/big', 20, `${(big.length / 1e6).toFixed(1)} MB`],
  ]) {
    const plain = []
    const traced = []
    for (let round = 0; round < 7; round++) {
      plain.push(await perRequest(pathname, count))
      traced.push(await perRequest(pathname, count, () => undefined))
    }
    console.log(`GET ${label}: ${fmt(median(plain))} per request; with --debug lines ${fmt(median(traced))}`)
  }
  server.close()
}
