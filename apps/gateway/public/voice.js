// Voice control for the web chat: records the microphone with the Web Audio API, encodes 16 kHz mono 16-bit PCM
// WAV in the page (what the speech connector takes), sends it to the voice route and plays the spoken reply.
const RATE = 16_000;
/** The speech connector takes up to 60 s; stop a little before. */
const MAX_SECONDS = 55;

/** 16-bit PCM WAV (RIFF) of mono float samples at `rate`. */
export function encodeWav(samples, rate = RATE) {
  const view = new DataView(new ArrayBuffer(44 + samples.length * 2));
  const ascii = (offset, s) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return new Blob([view.buffer], { type: 'audio/wav' });
}

/** Resamples mono samples recorded at `fromRate` to 16 kHz (OfflineAudioContext does the filtering). */
async function to16k(samples, fromRate) {
  if (fromRate === RATE) return samples;
  const frames = Math.max(1, Math.ceil((samples.length * RATE) / fromRate));
  const offline = new OfflineAudioContext(1, frames, RATE);
  const buffer = offline.createBuffer(1, samples.length, fromRate);
  buffer.copyToChannel(samples, 0);
  const source = offline.createBufferSource();
  source.buffer = buffer;
  source.connect(offline.destination);
  source.start();
  return (await offline.startRendering()).getChannelData(0);
}

/** Starts recording; `stop()` resolves with the WAV Blob and releases the microphone. */
async function record() {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
  const ctx = new AudioContext();
  try {
    await ctx.audioWorklet.addModule('/voice-capture.js');
  } catch (err) {
    stream.getTracks().forEach((t) => t.stop());
    await ctx.close();
    throw err;
  }
  const chunks = [];
  const source = ctx.createMediaStreamSource(stream);
  const capture = new AudioWorkletNode(ctx, 'pcm-capture', { channelCount: 1, channelCountMode: 'explicit', channelInterpretation: 'speakers' });
  const mute = ctx.createGain();
  mute.gain.value = 0; // keeps the graph running without playing the microphone back
  capture.port.onmessage = (e) => chunks.push(e.data);
  source.connect(capture).connect(mute).connect(ctx.destination);
  return {
    async stop() {
      source.disconnect();
      stream.getTracks().forEach((t) => t.stop());
      const rate = ctx.sampleRate;
      await ctx.close();
      const samples = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
      let offset = 0;
      for (const c of chunks) {
        samples.set(c, offset);
        offset += c.length;
      }
      return encodeWav(await to16k(samples, rate));
    },
  };
}

function supported() {
  return Boolean(navigator.mediaDevices?.getUserMedia && window.AudioContext && window.AudioWorkletNode && window.OfflineAudioContext);
}

function mount(slot, chat) {
  const group = document.createElement('div');
  group.className = 'voice';
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', 'Voice');
  const status = document.createElement('p');
  status.id = 'voice-status';
  status.className = 'help';
  status.setAttribute('role', 'status');
  if (!supported()) {
    status.textContent = 'Voice input is not available here: this browser does not allow microphone recording on this page (it needs a current browser and HTTPS or localhost). You can still type.';
    group.append(status);
    slot.replaceChildren(group);
    return;
  }
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'voice-record';
  button.setAttribute('aria-describedby', 'voice-status');
  button.textContent = 'Speak';
  const player = document.createElement('audio');
  player.id = 'voice-reply';
  player.controls = true;
  player.hidden = true;
  player.setAttribute('aria-label', 'Spoken reply');
  status.textContent = 'Or ask out loud: press Speak, then Stop and send.';
  group.append(button, status, player);
  slot.replaceChildren(group);

  let recording = null;
  let timer = 0;
  let url = null;
  const idle = (message) => {
    button.textContent = 'Speak';
    delete button.dataset.recording;
    button.disabled = false;
    status.textContent = message;
  };

  const finish = async () => {
    clearTimeout(timer);
    const current = recording;
    recording = null;
    button.disabled = true;
    status.textContent = 'Sending your question…';
    try {
      const wav = await current.stop();
      const reply = await chat.sendVoice(wav);
      if (!reply) return idle('Press Speak to try again.');
      if (reply.audio) {
        const bytes = Uint8Array.from(atob(reply.audio), (c) => c.charCodeAt(0));
        if (url) URL.revokeObjectURL(url);
        url = URL.createObjectURL(new Blob([bytes], { type: reply.audioContentType || 'audio/wav' }));
        player.src = url;
        player.hidden = false;
        player.play().catch(() => undefined); // autoplay may be refused; the controls stay
        idle('Reply spoken. Press Speak to ask again.');
      } else {
        idle('The reply is shown as text (spoken audio is unavailable right now).');
      }
    } catch {
      idle('Could not record or send the audio. Please try again or type your message.');
    }
  };

  button.addEventListener('click', async () => {
    if (recording) return void finish();
    button.disabled = true;
    try {
      recording = await record();
    } catch (err) {
      return idle(err?.name === 'NotAllowedError' ? 'Microphone access was refused. Allow it in the browser to speak, or type.' : 'No microphone could be opened. You can still type.');
    }
    player.pause();
    button.textContent = 'Stop and send';
    button.dataset.recording = 'true';
    button.disabled = false;
    status.textContent = 'Recording… press Stop and send when you are done.';
    timer = setTimeout(() => void finish(), MAX_SECONDS * 1000);
  });
}

window.supportMesh?.mountVoice(mount);
