// The body of a synth worker thread (started by synth-pool.ts): says 'ready' once loaded, then runs
// the jobs it is sent one at a time, in the order sent, and answers each with its outcome.
import { parentPort } from 'node:worker_threads';
import { runSynthJob, type SynthJob } from './synth-job.ts';

const port = parentPort!;
let queue = Promise.resolve();
port.on('message', (job: SynthJob) => {
  // A rejection here is a bug: unhandled, it stops the worker, and the pool names the app.
  queue = queue.then(async () => port.postMessage(await runSynthJob(job)));
});
port.postMessage('ready');
