// Entry point of a TaskManager worker thread: loads the parser and the system catalog shapes
// (so binding resolves names exactly as the main thread does), then serves its TaskExecutor over
// the worker's parent port and registers with the ResourceManager.

import { parentPort, workerData } from 'node:worker_threads';
import { initParser } from '../../sql/parser.js';
import '../../catalog/system/provider.js';
import { TaskExecutor } from './task-executor.js';
import type { FromTaskExecutor, ToTaskExecutor } from './messages.js';
import type { TaskManagerWorkerData } from './remote-task-executor.js';
import { SpillStore } from '../state/spill-store.js';
import { StateMemory } from '../state/state-memory.js';

const port = parentPort;
if (!port) throw new Error('task-manager-main.ts runs only as a worker thread');
await initParser();
const { state } = workerData as TaskManagerWorkerData;
const memory = state ? new StateMemory(state.memoryBytes, await SpillStore.open(state.spillDir)) : null;
const executor = new TaskExecutor((m: FromTaskExecutor) => port.postMessage(m), memory);
port.on('message', (m: ToTaskExecutor) => executor.handle(m));
port.postMessage({ type: 'registerTaskExecutor' } satisfies FromTaskExecutor);
