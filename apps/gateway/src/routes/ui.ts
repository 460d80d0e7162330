import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler } from 'express';

/** `public/` beside `src/` and `dist/`. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public', import.meta.url));

export interface UiConfig {
  /** Prefilled API key; only in local mode. */
  readonly devApiKey?: string;
  readonly environment: 'local' | 'production';
}

const SECURITY_HEADERS: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
};

/** The web chat page (`/`, static assets) and `GET /ui-config`; unauthenticated (the page asks for a key). */
export function registerUiRoutes(app: Express, ui: UiConfig, publicDir = PUBLIC_DIR): void {
  app.get('/ui-config', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ environment: ui.environment, ...(ui.devApiKey ? { devApiKey: ui.devApiKey } : {}) });
  });
  app.use(SECURITY_HEADERS, express.static(publicDir, { index: 'index.html', fallthrough: true, dotfiles: 'ignore', maxAge: 0 }));
}
