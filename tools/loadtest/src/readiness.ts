import { sleep } from './sleep.js';

/** GET `url`; true on a 2xx within the timeout. */
export async function answers(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.text();
    return res.ok;
  } catch {
    return false;
  }
}

/** Polls `url` every `everyMs` until it answers 2xx or `timeoutMs` passes; returns the epoch ms it answered at. */
export async function waitUntilAnswers(url: string, timeoutMs: number, everyMs = 100, signal?: AbortSignal): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    if (await answers(url, Math.min(1000, Math.max(1, deadline - Date.now())))) return Date.now();
    await sleep(everyMs, signal);
  }
  return undefined;
}
