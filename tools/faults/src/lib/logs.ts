/** One captured log line of a stack process. */
export interface LogLine {
  readonly at: number;
  readonly label: string;
  readonly line: string;
}

/** Every log line of every process of the suite (bounded), with helpers to look for events. */
export class LogCapture {
  readonly lines: LogLine[] = [];
  readonly #max: number;
  #dropped = 0;
  readonly #listeners = new Set<(l: LogLine) => void>();

  constructor(max = 2_000_000) {
    this.#max = max;
  }

  /** Pass as `onLine` to startStack (and to processes the suite spawns itself). */
  readonly onLine = (label: string, line: string): void => {
    const entry: LogLine = { at: Date.now(), label, line };
    if (this.lines.length < this.#max) this.lines.push(entry);
    else this.#dropped++;
    for (const l of this.#listeners) l(entry);
  };

  get dropped(): number {
    return this.#dropped;
  }

  /** Lines since `since` (epoch ms) whose label starts with `labelPrefix` and that contain `text`. */
  find(opts: { label?: string; text?: string | RegExp; since?: number }): LogLine[] {
    return this.lines.filter(
      (l) =>
        (opts.since === undefined || l.at >= opts.since) &&
        (opts.label === undefined || l.label === opts.label || l.label.startsWith(`${opts.label}#`)) &&
        (opts.text === undefined || (typeof opts.text === 'string' ? l.line.includes(opts.text) : opts.text.test(l.line))),
    );
  }

  /** Resolves with the first line (already captured since `since`, or arriving) that matches. */
  waitFor(match: (l: LogLine) => boolean, timeoutMs: number, since = 0): Promise<LogLine | undefined> {
    const seen = this.lines.find((l) => l.at >= since && match(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        resolve(undefined);
      }, timeoutMs);
      const listener = (l: LogLine) => {
        if (!match(l)) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(l);
      };
      this.#listeners.add(listener);
    });
  }
}

export type SecretKind = 'api_key' | 'jwt' | 'authorization' | 'secret' | 'email' | 'phone' | 'card' | 'iban' | 'ssn';

export interface Secret {
  readonly kind: SecretKind;
  readonly value: string;
}

export interface Leak {
  readonly kind: SecretKind;
  readonly label: string;
  /** The line with the secret masked (safe to print). */
  readonly excerpt: string;
}

/**
 * Test inputs that must never appear in a log line. Each secret is looked for as given and in the forms a
 * logger could turn it into: digits only (cards, phones, SSNs), no spaces (IBANs), lower case (emails),
 * JSON-escaped. JWT-shaped strings are reported whatever their origin.
 */
export class SecretScanner {
  readonly #needles: { kind: SecretKind; needle: string }[] = [];

  add(kind: SecretKind, value: string): void {
    const forms = new Set<string>([value]);
    if (kind === 'card' || kind === 'phone' || kind === 'ssn') forms.add(value.replace(/\D/g, ''));
    if (kind === 'iban') forms.add(value.replace(/\s/g, ''));
    if (kind === 'email') forms.add(value.toLowerCase());
    forms.add(JSON.stringify(value).slice(1, -1));
    for (const f of forms) if (f.length >= 6) this.#needles.push({ kind, needle: f });
  }

  addAll(secrets: readonly Secret[]): void {
    for (const s of secrets) this.add(s.kind, s.value);
  }

  get size(): number {
    return this.#needles.length;
  }

  scan(lines: readonly LogLine[]): Leak[] {
    const leaks: Leak[] = [];
    const jwt = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/;
    for (const l of lines) {
      for (const { kind, needle } of this.#needles) {
        if (l.line.includes(needle)) leaks.push({ kind, label: l.label, excerpt: mask(l.line, needle) });
      }
      const m = jwt.exec(l.line);
      if (m && !leaks.some((x) => x.label === l.label && x.kind === 'jwt')) leaks.push({ kind: 'jwt', label: l.label, excerpt: mask(l.line, m[0]) });
    }
    return leaks;
  }
}

function mask(line: string, needle: string): string {
  return line.split(needle).join(`«${needle.length} chars»`).slice(0, 300);
}
