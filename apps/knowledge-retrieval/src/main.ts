import { createLlmClient, llmConfigFromEnv, type LlmClient } from '@supportmesh/llm-client';
import { startServer } from '@supportmesh/service-kit';
import { createLogger, createMetrics, initTracing } from '@supportmesh/telemetry';
import { createApp } from './app.js';
import { loadKnowledgeRetrievalConfig } from './config.js';
import { DEFAULT_ARTICLES_DIR, loadArticles, toPassages } from './kb/articles.js';
import { llmEmbedder } from './search/llm-embedder.js';
import { createRetriever } from './search/retriever.js';

const config = loadKnowledgeRetrievalConfig();
const logger = createLogger({ service: 'knowledge-retrieval', level: config.LOG_LEVEL });
const tracing = initTracing({ service: 'knowledge-retrieval' });
const metrics = createMetrics({ service: 'knowledge-retrieval' });

const articles = loadArticles(config.KB_ARTICLES_DIR ?? DEFAULT_ARTICLES_DIR);
const passages = toPassages(articles);

let llmClient: LlmClient | undefined;
if (config.RETRIEVAL_EMBEDDINGS === 'on') llmClient = createLlmClient(llmConfigFromEnv(), { logger });

const retriever = createRetriever(passages, {
  intentBoost: config.RETRIEVAL_INTENT_BOOST,
  titleBoost: config.RETRIEVAL_TITLE_BOOST,
  fuzzy: config.RETRIEVAL_FUZZY,
  maxPerArticle: config.RETRIEVAL_MAX_PER_ARTICLE,
  embedder: llmClient ? llmEmbedder(llmClient) : undefined,
  onEmbeddingFailure: (err, phase) =>
    logger.warn({ phase, err: { name: (err as Error)?.name, code: (err as { code?: unknown })?.code } }, 'embeddings unavailable; BM25 answered alone'),
});
logger.info({ articles: articles.length, passages: passages.length, mode: retriever.mode }, 'knowledge base indexed');

await startServer(createApp({ logger, metrics, retriever }), {
  port: config.PORT,
  host: config.HOST,
  logger,
  drainDelayMs: config.DRAIN_DELAY_MS,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    await llmClient?.close();
    await tracing.shutdown();
  },
});

// Hybrid mode: embed the passages in the background; BM25 answers until the vectors are ready.
if (retriever.mode === 'hybrid') {
  void retriever.warmUp().then((ok) => logger.info({ ok }, 'embedding index built'));
}
