/**
 * The analysis worker: runs the fixed-point search (pure float64 JS, seconds of CPU for a
 * GRU 128) so the extension host's thread stays free, and talks only through
 * src/shared/analysisMessages. The host gives each request its own worker and ends it when a
 * newer request supersedes it, so this answers one request.
 */
import { parentPort } from 'node:worker_threads';
import { findFixedPoints } from '../../core/explore/fixedPoints';
import type { AnalysisToHost, FixedPointRequest } from '../../shared/analysisMessages';

const port = parentPort;
if (!port) throw new Error('The analysis worker must run in a worker thread');

port.on('message', (request: FixedPointRequest) => {
  let answer: AnalysisToHost;
  try {
    answer = {
      type: 'fixedPoints',
      search: findFixedPoints(request.map, request.visited, request.options),
    };
  } catch (error: unknown) {
    answer = { type: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
});
