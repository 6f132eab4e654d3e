// Compiles the contracts with fixed settings and writes one artifact (ABI + bytecode) per contract.
// Usage: node compile.js            writes compiled/ (shipped contracts) and compiled-test/ (test-only contracts)
//        node compile.js --check    compiles and fails if any committed artifact differs
// The output is byte-identical across runs: same compiler build, same settings, sources in a fixed order.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const here = __dirname;
const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  metadata: { bytecodeHash: 'ipfs' },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};
const groups = [
  { dir: 'src', out: 'compiled' },
  { dir: 'test', out: 'compiled-test' },
];

function findImports(importPath) {
  const candidates = [path.join(here, 'node_modules', importPath), path.join(here, importPath)];
  for (const file of candidates) {
    if (fs.existsSync(file)) return { contents: fs.readFileSync(file, 'utf8') };
  }
  return { error: `not found: ${importPath}` };
}

function compile() {
  const sources = {};
  for (const g of groups) {
    for (const f of fs.readdirSync(path.join(here, g.dir)).filter((n) => n.endsWith('.sol')).sort()) {
      sources[`${g.dir}/${f}`] = { content: fs.readFileSync(path.join(here, g.dir, f), 'utf8') };
    }
  }
  const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings }), { import: findImports }));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  // Warnings about the dependencies' own code (transient storage in the reentrancy guard) are expected.
  for (const e of output.errors || []) {
    const file = e.sourceLocation ? e.sourceLocation.file : '';
    if (e.severity === 'error' || !file.startsWith('@openzeppelin/')) console.error(e.formattedMessage);
  }
  if (errors.length) throw new Error(`${errors.length} compilation error(s)`);
  const files = {};
  for (const g of groups) {
    for (const source of Object.keys(output.contracts).filter((s) => s.startsWith(`${g.dir}/`)).sort()) {
      for (const name of Object.keys(output.contracts[source]).sort()) {
        const c = output.contracts[source][name];
        const artifact = {
          contractName: name,
          sourceName: source,
          compiler: `solc ${solc.version()}`,
          settings: { optimizer: settings.optimizer, evmVersion: settings.evmVersion },
          abi: c.abi,
          bytecode: '0x' + c.evm.bytecode.object,
          deployedBytecode: '0x' + c.evm.deployedBytecode.object,
        };
        files[path.join(g.out, `${name}.json`)] = JSON.stringify(artifact, null, 2) + '\n';
      }
    }
  }
  return files;
}

function main() {
  const check = process.argv.includes('--check');
  const files = compile();
  let differences = 0;
  for (const g of groups) {
    const dir = path.join(here, g.out);
    const existing = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.json')) : [];
    for (const n of existing) {
      const rel = path.join(g.out, n);
      if (!(rel in files)) {
        differences++;
        if (check) console.error(`stale artifact: ${rel}`);
        else fs.unlinkSync(path.join(here, rel));
      }
    }
  }
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(here, rel);
    const same = fs.existsSync(full) && fs.readFileSync(full, 'utf8') === text;
    if (same) continue;
    differences++;
    if (check) console.error(`artifact differs from a fresh compile: ${rel}`);
    else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
    }
  }
  if (check && differences) {
    console.error('Run `node compile.js` in src/TokenLabeling.Chain/contracts and commit the artifacts.');
    process.exit(1);
  }
  console.log(`${Object.keys(files).length} artifacts ${check ? 'match' : 'written'} (solc ${solc.version()}, cancun, optimizer 200)`);
}

main();
