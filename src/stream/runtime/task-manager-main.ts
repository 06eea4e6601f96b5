// Entry point of a TaskManager worker thread: loads the parser and the system catalog shapes
// (so binding resolves names exactly as the main thread does), then serves its TaskExecutor over
// the worker's parent port and registers with the ResourceManager.

import { parentPort } from 'node:worker_threads';
import { initParser } from '../../sql/parser.js';
import '../../catalog/system/provider.js';
import { TaskExecutor } from './task-executor.js';
import type { FromTaskExecutor, ToTaskExecutor } from './messages.js';

const port = parentPort;
if (!port) throw new Error('task-manager-main.ts runs only as a worker thread');
await initParser();
const executor = new TaskExecutor((m: FromTaskExecutor) => port.postMessage(m));
port.on('message', (m: ToTaskExecutor) => executor.handle(m));
port.postMessage({ type: 'registerTaskExecutor' } satisfies FromTaskExecutor);
