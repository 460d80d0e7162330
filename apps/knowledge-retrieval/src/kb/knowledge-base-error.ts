const BRAND = Symbol.for('supportmesh.knowledge-retrieval.KnowledgeBaseError');

/** The help-center articles could not be loaded (missing folder, bad frontmatter, duplicate id). */
export class KnowledgeBaseError extends Error {
  readonly code = 'KNOWLEDGE_BASE_INVALID' as const;
  readonly [BRAND] = true;

  constructor(message = 'The knowledge base is invalid', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KnowledgeBaseError';
  }
}

export function isKnowledgeBaseError(e: unknown): e is KnowledgeBaseError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
