// Worker threads do not inherit tsx's loader: register it (when running from TypeScript sources)
// before importing the TaskManager's entry module.
import { workerData } from 'node:worker_threads';
if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
