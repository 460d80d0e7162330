/**
 * Text signals of the decision rules. Tolerant of missing punctuation, case and a few common typos;
 * the intent classifier covers the rest (`contact_human_agent`).
 */

const HUMAN = String.raw`(?:huma?n|humans|person|persn|people|agent|agents|representative|rep|operator|someone|somebody|staff|manager|supervisor|employee)`;

export const HUMAN_REQUEST: readonly RegExp[] = [
  new RegExp(String.raw`\b(?:talk|tlk|speak|speek|chat|connect|transfer|put)\w*\s+(?:me\s+)?(?:to|with|through\s+to)\s+(?:a\s+|an\s+|the\s+|your\s+|some\s+|real\s+|live\s+|actual\s+)*${HUMAN}\b`, 'i'),
  /\b(?:real|live|actual)\s+(?:huma?n|person|agent|people|representative)\b/i,
  new RegExp(String.raw`\b(?:want|need|get|give\s+me)\s+(?:a|an|to|some)?\s*(?:real\s+)?(?:huma?n|person|agent|representative|operator|manager|supervisor)\b`, 'i'),
  /\bhuma?n\s+(?:agent|being|support|please|pls|plz)\b/i,
  /^\W*(?:huma?n|agent|representative|operator|person)\W*(?:please|pls|plz)?\W*$/i,
  /\b(?:not|no|stop|hate)\s+(?:a\s+|the\s+|this\s+|more\s+|talking\s+to\s+(?:a\s+)?)?(?:bot|bots|robot|machine|chatbot)\b/i,
];

export const LEGAL_OR_CHARGEBACK =
  /\b(?:lawyer|attorney|solicitor|sue|suing|lawsuit|legal\s+action|court|small\s+claims|charge\s?backs?|dispute\s+(?:the|this|a|my)\s+(?:charge|transaction|payment)|consumer\s+protection|trading\s+standards|better\s+business\s+bureau|bbb|ombudsman|regulator|fraud)\b/i;

export const THREAT =
  /\b(?:kill|hurt|harm|shoot|stab|bomb|burn\s+down|i\s+know\s+where\s+you|threaten\w*|suicide|kill\s+myself|end\s+my\s+life)\b/i;

export function matchesHumanRequest(text: string): boolean {
  return HUMAN_REQUEST.some((re) => re.test(text));
}
