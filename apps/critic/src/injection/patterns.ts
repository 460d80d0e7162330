/** Finding types raised by the input screen. */
export type ScreenFindingType = 'prompt_injection' | 'abuse';

export interface ScreenPattern {
  readonly type: ScreenFindingType;
  /** Short, stable name for metrics and tests (never the matched text). */
  readonly name: string;
  readonly pattern: RegExp;
  /** Match against the leetspeak-normalised text too. */
  readonly leet?: boolean;
}

const PRIOR = '(?:all |any |the |your |my |of |these |those )*(?:previous|prior|above|earlier|preceding|former|initial|original|system|developer|existing|old)';
const REVEAL = '(?:reveal|show|print|repeat|output|leak|dump|disclose|display|recite|tell me|give me|what (?:are|were|is)) (?:me )?(?:your|the|all|all of your|all your)';
const HIDDEN = '(?:exact|full|complete|secret|hidden|internal|original|initial|system|confidential|underlying|verbatim)';
/** "ignore the previous instructions I gave the courier" is about a delivery, not the assistant. */
const NOT_DELIVERY = '(?! (?:i|we) (?:gave|sent|left|wrote|provided|added)| (?:for|to|on|about|with) (?:the |my )?(?:courier|driver|delivery|parcel|order|package|shipment|neighbou?r))';
const INSTR = '(?:instructions?|prompts?|rules|directions|directives|guidelines|guardrails|constraints|programming|messages|context|restrictions)';

/**
 * Prompt-injection and jailbreak phrasing. Patterns run on normalised text (lower case, single spaces).
 * Each one needs the instruction vocabulary, so "ignore my last order" or "I forgot my previous password" pass.
 */
export const INJECTION_PATTERNS: readonly ScreenPattern[] = [
  { type: 'prompt_injection', name: 'ignore_previous', leet: true, pattern: new RegExp(`\\b(?:ignore|disregard|forget|override|bypass|skip|drop|delete|erase|abandon) ${PRIOR} ${INSTR}\\b${NOT_DELIVERY}`) },
  { type: 'prompt_injection', name: 'ignore_everything_above', leet: true, pattern: /\b(?:ignore|disregard|forget) (?:everything|all|anything) (?:above|before|said before|you were told|you have been told)\b/ },
  { type: 'prompt_injection', name: 'new_instructions', pattern: /\b(?:new|updated) system (?:instructions?|prompt)\b|\byour (?:new|real|actual|true|updated) (?:instructions?|orders|rules) (?:are|is)\b|\bfrom now on,? (?:you are (?:a|an|my|no longer|free|not bound)|you (?:will|must|shall|should|can) (?:act|behave|pretend|ignore|obey|roleplay|role-play|do anything)|act as|pretend|ignore)\b/ },
  { type: 'prompt_injection', name: 'dan', leet: true, pattern: /\byou are (?:now )?(?:a |an )?(?:dan|stan|dude|aim|jailbroken|unfiltered|uncensored|unrestricted|evil|free from)\b|\bdo anything now\b|\bdan mode\b/ },
  { type: 'prompt_injection', name: 'developer_mode', leet: true, pattern: /\b(?:developer|god|sudo|dan) mode\b|\bjail ?break(?:ing|ed)?\b/ },
  { type: 'prompt_injection', name: 'system_prompt', leet: true, pattern: /\bsystem ?prompt\b|\b(?:initial|hidden|secret|internal) prompt\b|\bpre-?prompt\b/ },
  { type: 'prompt_injection', name: 'reveal_instructions', leet: true, pattern: new RegExp(`\\b${REVEAL} (?:${HIDDEN} )*(?:instructions?|prompts?|directives|programming|configuration|config|training data)\\b|\\b${REVEAL} (?:${HIDDEN} )+(?:rules|guidelines|policies|guardrails)\\b`) },
  { type: 'prompt_injection', name: 'role_play_jailbreak', leet: true, pattern: /\b(?:pretend|imagine|act|behave|roleplay|role-play|role play)(?: that| as if| like)? (?:you are|you're|to be|as) (?:a |an |my )?(?:[a-z-]+ ){0,3}(?:without|with no|free of|that ignores|who ignores|unbound by|not bound by) (?:any )?(?:rules|restrictions|limits|limitations|filters|guidelines|policies|ethics|morals)\b/ },
  { type: 'prompt_injection', name: 'role_play_persona', leet: true, pattern: /\b(?:pretend|act|roleplay|role-play|role play) (?:as|to be|that you are|you are|you're) (?:a |an |my )?(?:unfiltered|uncensored|unrestricted|evil|rogue|jailbroken|deceased grandmother|grandma|hacker|different ai|another ai|ai without)\b|\bstay in character\b|\byou have no (?:rules|restrictions|limits|limitations|filters)\b/ },
  { type: 'prompt_injection', name: 'chat_markup', pattern: /<\|(?:im_start|im_end|system|endoftext)\|>|\[\/?inst\]|<<\/?sys>>|^#{2,} ?(?:system|instruction)|\brole ?: ?system\b/m },
  { type: 'prompt_injection', name: 'script_injection', pattern: /<\s*\/?\s*(?:script|iframe|object|embed|svg|img|body|style|link|meta|form|input)\b[^>]*(?:>|$)|\bjavascript\s*:|\bvbscript\s*:|\bdata\s*:\s*text\/html|\bon(?:error|load|click|mouseover|focus)\s*=|\]\(\s*javascript:/ },
];

/**
 * Abuse directed at the assistant or staff, threats and slurs. Frustration about the situation
 * ("where the hell is my order", "this is damn slow") is not abuse.
 */
export const ABUSE_PATTERNS: readonly ScreenPattern[] = [
  { type: 'abuse', name: 'directed_profanity', leet: true, pattern: /\b(?:fuck|screw|f[*#@]+c?k|f[*#@]?ck|fuk) (?:you|u|off|yourself|your (?:company|shop|store|bot))\b|\bgo (?:to hell|die|fuck yourself)\b|\bshut (?:the fuck )?up\b/ },
  { type: 'abuse', name: 'insult', leet: true, pattern: /\b(?:you(?:'re| are)?|u r|ur|this|what an?|such an?|you) (?:an? )?(?:fucking |stupid |useless |dumb |pathetic |worthless |brainless )*(?:idiot|moron|imbecile|stupid|dumbass|dumb ass|retard(?:ed)?|bitch|bastard|asshole|arsehole|piece of (?:shit|crap|garbage)|loser|scum|cunt|prick|twat|dickhead|clown)s?\b|\b(?:stupid|useless|dumb|fucking|shitty) (?:bot|machine|robot|ai|idiots?|morons?)\b/ },
  { type: 'abuse', name: 'threat', leet: true, pattern: /\b(?:i(?:'ll| will| am going to|'m going to|m gonna| gonna)) (?:kill|hurt|murder|shoot|stab|find|beat|burn) (?:you|u|your|all of you|everyone)\b|\bkill yourself\b|\bkys\b|\bhope you die\b|\b(?:bomb|blow up|burn down) (?:your|the) (?:office|store|shop|warehouse|company)\b/ },
  { type: 'abuse', name: 'slur', leet: true, pattern: /\b(?:retards?|faggots?|fags|n[i1]gg(?:er|a)s?|kikes?|spics?|chinks?|trann(?:y|ies))\b/ },
];
