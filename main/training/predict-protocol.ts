import { z } from 'zod';
import { BACKENDS } from '../../graph/document.js';
import { PredictionSchema } from '../../graph/api/host.js';

// Messages between the host and the prediction process (predict-worker.ts), validated on both ends.

/** The host asks: predictions of the run folder's model for these inputs (paths or literal text, as predictRun takes). */
export const PredictRequestSchema = z
  .object({ type: z.literal('predict'), id: z.number().int(), dir: z.string().min(1), inputs: z.array(z.string()).min(1).max(64), backend: z.enum(BACKENDS) })
  .strict();

/** The prediction process answers each request once, by its id. */
export const PredictReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), predictions: z.array(PredictionSchema) }).strict(),
  z.object({ type: z.literal('error'), id: z.number().int(), message: z.string() }).strict(),
]);

/** A request to the prediction process. */
export type PredictRequest = z.infer<typeof PredictRequestSchema>;
/** Its answer. */
export type PredictReply = z.infer<typeof PredictReplySchema>;
