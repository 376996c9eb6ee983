// wrangler's CompiledWasm rule (wrangler.toml) turns a `.wasm` import into a precompiled WebAssembly.Module:
// workerd refuses to compile WebAssembly from bytes at run time, so this is the only way to ship the ORT runtime.
declare module '*.wasm' {
  const compiled: WebAssembly.Module;
  export default compiled;
}
