// Worker threads do not inherit tsx's loader: register it (when running from TypeScript sources)
// before importing the TaskManager's entry module.
import { workerData, BroadcastChannel } from 'node:worker_threads';
if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
// Benchmarks profile TaskManagers (node's --cpu-prof does not reach worker threads that are
// terminated): with WEIR_TM_CPU_PROFILE=dir, 'start' and 'stop' on the 'weir-tm-profile' channel
// bracket a CPU profile written to dir/<TaskManager id>.cpuprofile.
if (process.env.WEIR_TM_CPU_PROFILE) {
  const dir = process.env.WEIR_TM_CPU_PROFILE;
  const { Session } = await import('node:inspector');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  const channel = new BroadcastChannel('weir-tm-profile');
  channel.unref();
  channel.onmessage = ({ data }) => {
    if (data === 'start') session.post('Profiler.enable', () => session.post('Profiler.start'));
    else if (data === 'stop') {
      session.post('Profiler.stop', (err, result) => {
        if (!err) writeFileSync(`${dir}/${workerData.id}.cpuprofile`, JSON.stringify(result.profile));
        channel.postMessage(`written ${workerData.id}`);
      });
    }
  };
}
await import(workerData.entry);
