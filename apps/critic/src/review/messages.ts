/** Polite refusal for prompt-injection attempts. */
export const INJECTION_REPLY =
  "I can't help with that request, but I'm happy to help with your order, delivery, returns, payments or account.";

/** Calm reply to abusive messages. */
export const ABUSE_REPLY =
  "I'm here to help, but I can't continue with messages like that. If you tell me what went wrong with your order, I'll do my best to sort it out.";

/** Replaces a drafted reply that contained unsafe content. */
export const UNSAFE_FALLBACK =
  "I'm sorry, I can't help with that. I'm happy to help with your order, delivery, returns or account.";

/** Replaces a drafted reply none of whose claims the help center supports. */
export const UNGROUNDED_FALLBACK = "I'm not certain about that — let me connect you with a colleague.";
