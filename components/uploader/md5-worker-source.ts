/**
 * The hashing worker's code as a string: md5-worker.ts and what it imports,
 * bundled by the build in place of this module's text (amd/esbuild.options.mjs,
 * workerSourcePlugin). Run unbundled (node, type checks) it is empty: there is
 * no worker to start, and md5-off-thread.ts says so.
 */
const source: string = '';
export default source;
