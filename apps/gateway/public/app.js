// Support Mesh web chat: talks to the public API with an API key; no framework, text only through textContent.
const $ = (id) => document.getElementById(id);
const els = {
  key: $('api-key'),
  newConversation: $('new-conversation'),
  status: $('conversation-status'),
  log: $('log'),
  form: $('composer'),
  message: $('message'),
  send: $('send'),
  error: $('error'),
  voiceSlot: $('voice-slot'),
};

const KEY_STORE = 'supportmesh.apiKey';
const USER_STORE = 'supportmesh.userId';
const replyListeners = new Set();
let conversationId = null;

/** A stable pseudonymous id for this browser: the page is a trusted front-end (delegate key) acting for it. */
function userId() {
  let id = localStorage.getItem(USER_STORE);
  if (!id || !/^[A-Za-z0-9_.:-]{1,64}$/.test(id)) {
    id = `web-${crypto.randomUUID()}`;
    localStorage.setItem(USER_STORE, id);
  }
  return id;
}

function headers() {
  return { 'content-type': 'application/json', 'x-api-key': els.key.value.trim(), 'x-user-id': userId() };
}

/** POSTs JSON (or raw `audio` bytes with their type) and resolves with the parsed answer; errors carry code and Retry-After. */
async function api(path, body, audio) {
  const init = audio
    ? { method: 'POST', headers: { ...headers(), 'content-type': audio.type || 'audio/wav' }, body: audio }
    : { method: 'POST', headers: headers(), body: body === undefined ? undefined : JSON.stringify(body) };
  const res = await fetch(path, init);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(data?.error?.message ?? `Request failed (${res.status})`);
    err.code = data?.error?.code ?? String(res.status);
    err.retryAfter = res.headers.get('retry-after');
    throw err;
  }
  return data;
}

function showError(err) {
  if (!err) {
    els.error.textContent = '';
    return;
  }
  const retry = err.retryAfter ? ` Try again in ${err.retryAfter} s.` : '';
  els.error.textContent = `${err.message}${retry}`;
}

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function addUserMessage(text, spoken = false) {
  els.log.append(el('li', { class: 'msg user' }, [el('div', { class: 'who', text: spoken ? 'You (spoken)' : 'You' }), el('p', { class: 'text', text })]));
}

function addReply(r) {
  const meta = el('div', { class: 'meta' });
  meta.append(el('span', { text: `Intent: ${r.intent.replaceAll('_', ' ')} (${Math.round(r.confidence * 100)}% confidence)` }));
  if (r.escalated) {
    meta.append(el('span', { class: 'escalated', text: r.ticketId ? `Escalated to a colleague — ticket ${r.ticketId}` : 'Escalated to a colleague' }));
  }
  if (r.citations?.length) {
    const list = el('ul', { 'aria-label': 'Sources' });
    for (const c of r.citations) {
      const item = el('li');
      if (c.url && /^https?:\/\//.test(c.url)) item.append(el('a', { href: c.url, target: '_blank', rel: 'noopener noreferrer', text: c.title }));
      else item.append(document.createTextNode(c.title));
      list.append(item);
    }
    meta.append(el('span', { text: 'Sources:' }), list);
  }
  const hops = Object.entries(r.latencyMs?.perHop ?? {})
    .map(([hop, ms]) => `${hop.replace('_', ' ')} ${Math.round(ms)} ms`)
    .join(' · ');
  meta.append(el('span', { text: `Latency: ${Math.round(r.latencyMs?.total ?? 0)} ms total${hops ? ` — ${hops}` : ''}` }));
  if (r.degraded?.length) meta.append(el('span', { text: `Degraded: ${r.degraded.join(', ')}` }));
  els.log.append(
    el('li', { class: 'msg assistant' }, [el('div', { class: 'who', text: 'Support' }), el('p', { class: 'text', text: r.reply }), meta]),
  );
}

async function startConversation() {
  showError(null);
  els.newConversation.disabled = true;
  try {
    const data = await api('/v1/conversations');
    conversationId = data.conversationId;
    els.log.replaceChildren();
    els.status.textContent = 'New conversation started.';
  } catch (err) {
    showError(err);
  } finally {
    els.newConversation.disabled = false;
  }
}

/** Sends one message; resolves with the MessageResponse (also used by the voice control). */
async function sendMessage(text) {
  const trimmed = text.trim();
  if (!trimmed) return null;
  showError(null);
  if (!conversationId) await startConversation();
  if (!conversationId) return null;
  addUserMessage(trimmed);
  els.send.disabled = true;
  els.send.textContent = 'Sending…';
  try {
    const reply = await api(`/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { text: trimmed });
    answered(reply);
    return reply;
  } catch (err) {
    if (err.code === 'CONVERSATION_ENDED' || err.code === 'NOT_FOUND') conversationId = null;
    showError(err);
    return null;
  } finally {
    els.send.disabled = false;
    els.send.textContent = 'Send';
  }
}

function answered(reply) {
  addReply(reply);
  for (const listener of replyListeners) {
    try {
      listener(reply);
    } catch {
      /* a listener's failure must not break the chat */
    }
  }
}

/** Sends one spoken turn (a WAV Blob); resolves with the VoiceTurnResponse (transcript, reply, audio) or null. */
async function sendVoice(wav) {
  showError(null);
  if (!conversationId) await startConversation();
  if (!conversationId) return null;
  try {
    const reply = await api(`/v1/conversations/${encodeURIComponent(conversationId)}/voice`, undefined, wav);
    addUserMessage(reply.transcript, true);
    answered(reply);
    return reply;
  } catch (err) {
    if (err.code === 'CONVERSATION_ENDED' || err.code === 'NOT_FOUND') conversationId = null;
    showError(err);
    return null;
  }
}

els.form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = els.message.value;
  els.message.value = '';
  await sendMessage(text);
  els.message.focus();
});
els.message.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    els.form.requestSubmit();
  }
});
els.newConversation.addEventListener('click', () => void startConversation());
els.key.addEventListener('change', () => sessionStorage.setItem(KEY_STORE, els.key.value.trim()));

/**
 * Hook for the voice control (voice.js): `mountVoice((slot, chat) => …)` receives the slot element and
 * `{ sendMessage(text), sendVoice(wavBlob), onReply(listener), apiHeaders() }`.
 */
window.supportMesh = {
  sendMessage,
  sendVoice,
  onReply: (listener) => {
    replyListeners.add(listener);
    return () => replyListeners.delete(listener);
  },
  apiHeaders: headers,
  mountVoice: (mount) => mount(els.voiceSlot, window.supportMesh),
};

(async () => {
  const saved = sessionStorage.getItem(KEY_STORE);
  if (saved) els.key.value = saved;
  try {
    const res = await fetch('/ui-config');
    const cfg = await res.json();
    if (!els.key.value && cfg.devApiKey) els.key.value = cfg.devApiKey;
  } catch {
    /* the key can still be typed in */
  }
})();
