// Layer kinds of this family are exported here; graph/layers/index.ts collects every export.
export {};
