/**
 * The training helper thread (dist/stepHelper.js): computes the gradients of the rows of each
 * classification batch it is sent, from the weights in the shared buffer, and signals the
 * waiting thread through a flag in that buffer.
 */
import { parentPort } from 'node:worker_threads';
import { classificationPart } from './kernelStep';
import { layout, paramViews, signal, writePart, type HelperRequest } from './stepHelper';

parentPort?.on('message', (request: HelperRequest) => {
  try {
    const { config, data, labels, denominator, keep, shared } = request;
    const at = layout(config, data.steps, data.batch);
    const weights = paramViews(config, new Float32Array(shared, at.weights, at.params));
    const param = (name: string): Float32Array => weights.get(name) as Float32Array;
    writePart(request, classificationPart(config, param, data, labels, denominator, { keep }));
    signal(shared, false);
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
    signal(request.shared, true);
  }
});

parentPort?.postMessage({ ready: true });
