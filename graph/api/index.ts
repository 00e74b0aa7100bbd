// The host API contract (graph/api/host.ts) and the training protocol (graph/api/training.ts).
export * from './training.js';
export * from './host.js';
