/**
 * A generation worker of bench/scale.bench.ts (PostgreSQL): walks the data set's plan and
 * materialises, through the product's functions, the chunks the bench asks for (in increasing
 * order), answering each as array literals ready for `unnest` inserts. Several workers split the
 * sealing and row building over the cores while the bench's connections insert.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setDataKey } from '../server/security/pii.js';
import { materialise, pgChunk, plannedCases, type Generated } from './scale-cases.js';

const { n, start, key, chunk } = workerData as { n: number; start: number; key: string; chunk: number };
setDataKey(Buffer.from(key, 'hex'));
const plan = plannedCases(n, start);
let next = plan.next();

parentPort!.on('message', (k: number) => {
  // Chunk k holds the cases k * chunk + 1 … (k + 1) * chunk.
  const first = k * chunk + 1;
  const last = Math.min(n, first + chunk - 1);
  while (!next.done && next.value.i < first) next = plan.next();
  const gens: Generated[] = [];
  while (!next.done && next.value.i <= last) {
    gens.push(materialise(next.value));
    next = plan.next();
  }
  parentPort!.postMessage(pgChunk(first, gens));
});
