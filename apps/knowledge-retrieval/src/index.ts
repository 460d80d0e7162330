export { createApp, type KnowledgeRetrievalAppDeps } from './app.js';
export { createRetriever, type Retriever, type RetrieverOptions, type RetrieveQuery, type Embedder } from './search/retriever.js';
export { llmEmbedder } from './search/llm-embedder.js';
export { loadArticles, parseArticle, toPassages, DEFAULT_ARTICLES_DIR, type Article, type KbPassage } from './kb/articles.js';
export { loadKnowledgeRetrievalConfig, KnowledgeRetrievalConfigSchema, type KnowledgeRetrievalConfig } from './config.js';
