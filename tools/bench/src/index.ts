export { runClosed, runOpen, type ClosedOptions, type OpenOptions, type LoadResult, type LoadTarget, type RequestSpec, type Outcome } from './loadgen.js';
export { LatencyRecorder, type LatencySummary } from './histogram.js';
export { startUpstream, CHAT_COMPLETION, type Upstream, type UpstreamOptions } from './upstream.js';
export { startPortkey, portkeyHeaders, portkeyEntry, type Portkey } from './portkey.js';
export { BenchResultsSchema, CostModelSchema, RESULTS_SCHEMA, writeResults, type BenchResults, type CostModel } from './results.js';
export { renderMarkdown } from './markdown.js';
