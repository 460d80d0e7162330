/** Customer-facing texts the gateway writes itself (fallbacks and hand-offs). */
export const MESSAGES = {
  blocked: "Sorry, I can't help with that. Could you tell me what you need help with regarding your order or account?",
  handoff: (ticketId: string | undefined) =>
    ticketId
      ? `I've passed your conversation to a colleague from our support team (ticket ${ticketId}). They'll get back to you shortly.`
      : "I've passed your conversation to a colleague from our support team. They'll get back to you shortly.",
  responderDownEscalated: "I'm having trouble answering right now — I've passed your question to a colleague.",
  responderDownAlone: "I'm having trouble answering right now. Please try again in a few minutes.",
} as const;
