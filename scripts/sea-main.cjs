// The single executable's entry (`npm run package` makes it the SEA's main script): runs the bundle, an embedded
// asset, with the code cache scripts/train-code-cache.js made for it with the same Node after a training run. Node's
// own SEA code cache (useCodeCache) is made from the compiled top level only; this one also holds the functions a
// short command compiles, which V8 then does not compile again at every start.
// Only Node's built-in modules can be required here: the bundle needs no other.
const sea = require('node:sea')

if (process.argv.length === 3 && process.argv[2] === '--version') {
  // Answered before the bundle is read: oclif's user agent line, the text `dcm --version` prints through oclif.
  const pjson = JSON.parse(sea.getAsset('package.json', 'utf8'))
  process.stdout.write(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  const {Module} = require('node:module')
  const path = require('node:path')
  const vm = require('node:vm')
  // The bundle is ASCII (scripts/bundle.js checks): read as Latin-1 straight from the executable's memory.
  const source = Buffer.from(sea.getRawAsset('dcm.cjs')).toString('latin1')
  const filename = path.join(path.dirname(process.execPath), 'dcm.cjs')
  const script = new vm.Script(Module.wrap(source), {
    filename,
    cachedData: Buffer.from(sea.getRawAsset('dcm.cjs.cache')),
  })
  const module_ = {exports: {}, filename, id: filename}
  script.runInThisContext()(module_.exports, require, module_, filename, path.dirname(filename))
}
