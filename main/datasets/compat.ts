import type { Graph } from '../../graph/document.js';
import { checkDatasetFit, reconstructionInfo, type FitProblem } from '../../graph/compat.js';
import type { Dataset, DatasetInfo } from './types.js';

// The check itself lives in graph/compat.ts, shared with the Data tab; this file adds what needs a streamed Dataset.
export { wantsReconstruction, reconstructionInfo } from '../../graph/compat.js';

/** One way a dataset and a graph do not fit, worded for the user; errors block training. */
export type CompatibilityIssue = FitProblem;

/** A dataset whose targets are its inputs (see `wantsReconstruction`). */
export function asReconstruction(dataset: Dataset): Dataset {
  return {
    info: reconstructionInfo(dataset.info),
    preprocessing: { ...dataset.preprocessing, task: 'reconstruction', targetShape: [...dataset.info.inputShape], classNames: null },
    async *batches(split, options) {
      for await (const b of dataset.batches(split, options)) yield { x: b.x, y: b.x instanceof Float32Array ? b.x : Float32Array.from(b.x), size: b.size };
    },
  };
}

/**
 * Checks that a graph can train on a dataset: Input shapes and dtypes, Output shapes against the
 * targets, and losses against the task. Returns every problem found (empty when they fit).
 */
export function checkCompatibility(graph: Graph, datasetInfo: DatasetInfo): CompatibilityIssue[] {
  return checkDatasetFit(graph, datasetInfo);
}
