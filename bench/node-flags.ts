// The V8 flags `npm start` runs the server with, so benchmarks measure what users run.
// --single-threaded-gc: Weir runs one TaskManager thread per core, so V8's parallel and
// concurrent GC helper threads only compete with them for the same cores (docs/benchmarks.md has
// the measurements). WEIR_GC=parallel measures V8's default instead.

export function serverNodeFlags(): string[] {
  return process.env.WEIR_GC === 'parallel' ? [] : ['--single-threaded-gc'];
}
