// Runs a benchmark example built for wasm32 (SIMD, as the worker runs it) in Node, without a
// browser: `make bench-train` / `make bench-kmeans` build it and run wasm-bindgen (--target nodejs)
// into DIR, then `node bench_wasm.mjs DIR`. Prints the example's JSON lines
// (examples/common/bench_io.rs).
//
// Why the patching: wasm-bindgen's Node glue starts `main` as it loads and exports only bindgen
// functions, while the example leaves its result in memory behind two raw exports; and it imports
// the clock from a module named `env`.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const dir = path.resolve(process.argv[2] ?? '.');
const glue = fs.readdirSync(dir).find((f) => f.endsWith('.js') && !f.endsWith('_bg.js'));
if (!glue) throw new Error(`no wasm-bindgen output in ${dir}`);
const envDir = path.join(dir, 'node_modules', 'env');
fs.mkdirSync(envDir, { recursive: true });
fs.writeFileSync(path.join(envDir, 'index.js'), 'module.exports = { bench_now_ms: () => performance.now() };\n');
const source = fs.readFileSync(path.join(dir, glue), 'utf8');
const start = 'wasm.__wbindgen_start();';
if (!source.includes(start)) throw new Error(`${glue} does not start main as expected`);
const report = `${start}\nmodule.exports.__benchLine = new TextDecoder().decode(new Uint8Array(wasm.memory.buffer, wasm.bench_out_ptr(), wasm.bench_out_len()));`;
const runner = path.join(dir, 'run_bench.cjs');
fs.writeFileSync(runner, source.replace(start, report));
console.log(createRequire(import.meta.url)(runner).__benchLine.trimEnd());
