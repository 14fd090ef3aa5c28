/**
 * The browser application: dist/ui (built by scripts/build-ui.mjs from ui/**) served under /ui/, and index.html for
 * every other page URL (the app routes with the History API).
 *
 *   GET /ui/app.js?v=<hash>, /ui/styles.css?v=<hash>   long-lived and immutable (index.html names them by content hash)
 *   GET /ui/chunks/<name>-<hash>.js                   long-lived and immutable (the parts app.js imports, named by hash)
 *   GET /ui/<file> without the current hash          revalidated every time (no-cache, ETag)
 *   GET <any non-/api path> with Accept: text/html   index.html, no-cache
 *
 * Every response carries a strict Content-Security-Policy: scripts and styles from this origin only, no inline
 * script or style, images from this origin and data: URLs (the MFA QR code), API calls to this origin only.
 * The bundle is never built while serving: call {@link ensureUiBuilt} before listening (`npm start`, tests).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Formwork } from '../context.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { isApiPath } from './paths.js';

const ROOT = PACKAGE_ROOT;
const DIST = join(ROOT, 'dist', 'ui');
const BUILD_SCRIPT = join(ROOT, 'scripts', 'build-ui.mjs');
/** What the bundle is built from: a change to any of them makes dist/ui stale. */
const SOURCES = ['ui', 'platform/conditions', 'platform/rules/ui-policy.ts', 'platform/records/rich-text-policy.ts', 'tsconfig.ui.json', 'scripts/build-ui.mjs'];
/** Files index.html references that get a content hash in their URL. */
const HASHED = ['app.js', 'styles.css'];
/**
 * A chunk of the bundle (scripts/build-ui.mjs: `chunks/[name]-[hash]`) or its source map: the name changes with
 * the content, so it never needs revalidating. Its legal-comments file does not match and is revalidated.
 */
const CHUNK = /^chunks\/[\w.-]+-[A-Z0-9]{8}\.js(\.map)?$/;

export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** The newest modification time (ms) of a file or of any file under a folder; 0 when missing. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** Whether dist/ui/app.js is missing or older than any of its sources (or the copied files). */
export function isUiStale(root = ROOT): boolean {
  const bundle = join(root, 'dist', 'ui', 'app.js');
  if (!existsSync(bundle)) return true;
  const built = statSync(bundle).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(root, s)) > built);
}

/**
 * Build the browser bundle (node scripts/build-ui.mjs) when dist/ui/app.js is missing or older than ui/**, the
 * shared condition evaluator, the UI tsconfig or the build script. Resolves once dist/ui is current; rejects with
 * the build's output when it fails (e.g. esbuild is not installed: it is a devDependency).
 */
export async function ensureUiBuilt(options: { root?: string } = {}): Promise<boolean> {
  const root = options.root ?? ROOT;
  if (!isUiStale(root)) return false;
  try {
    await promisify(execFile)(process.execPath, [join(root, 'scripts', 'build-ui.mjs'), '--quiet'], { cwd: root });
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`Building the browser UI (${BUILD_SCRIPT}) failed: ${err.stderr?.trim() || err.message}`, { cause: e });
  }
  return true;
}

interface Shell {
  /** app.js's mtime when the page was made (rebuilt bundles are picked up without a restart). */
  builtAt: number;
  html: string;
  etag: string;
  hashes: Map<string, string>;
}

const hashOf = (data: Buffer | string) => createHash('sha256').update(data).digest('base64url').slice(0, 16);

/** index.html with `?v=<content hash>` on the assets it names, cached until app.js changes. */
function loadShell(dir: string, cached: Shell | null): Shell | null {
  const bundle = join(dir, 'app.js');
  if (!existsSync(bundle) || !existsSync(join(dir, 'index.html'))) return null;
  const builtAt = statSync(bundle).mtimeMs;
  if (cached && cached.builtAt === builtAt) return cached;
  const hashes = new Map<string, string>();
  let html = readFileSync(join(dir, 'index.html'), 'utf8');
  for (const file of HASHED) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const hash = hashOf(readFileSync(path));
    hashes.set(file, hash);
    html = html.split(`"/ui/${file}"`).join(`"/ui/${file}?v=${hash}"`);
  }
  return { builtAt, html, etag: `"${hashOf(html)}"`, hashes };
}

/** Whether the request is a browser asking for a page (GET/HEAD, Accept naming text/html). */
function wantsPage(req: Request): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && (req.get('accept') ?? '').includes('text/html');
}

/**
 * The router serving the browser application; mount it after the API and before the 404 handler:
 * `app.use(uiRouter(fw))`. Requests under /api never reach it. When dist/ui has not been built, page requests
 * get a plain 503 page saying how to build it.
 */
export function uiRouter(fw: Formwork, options: { dir?: string } = {}): Router {
  const dir = options.dir ?? DIST;
  const router = Router();
  let shell: Shell | null = null;

  router.use(function uiSecurityHeaders(req: Request, res: Response, next: NextFunction) {
    if (isApiPath(req.path)) {
      next('router');
      return;
    }
    res.setHeader('Content-Security-Policy', UI_CSP);
    next();
  });

  router.use('/ui', express.static(dir, {
    index: false,
    redirect: false,
    fallthrough: true,
    setHeaders(res, path) {
      shell = loadShell(dir, shell);
      const file = path.slice(dir.length + 1);
      const wanted = (res.req.query as Record<string, unknown>).v;
      const current = shell?.hashes.get(file);
      res.setHeader('Cache-Control', (current && wanted === current) || CHUNK.test(file) ? IMMUTABLE : REVALIDATE);
      if (file.endsWith('.map')) res.setHeader('Content-Type', 'application/json; charset=utf-8');
    },
  }));

  router.use(function uiShell(req: Request, res: Response, next: NextFunction) {
    if (!wantsPage(req) || req.path.startsWith('/ui/')) {
      next();
      return;
    }
    shell = loadShell(dir, shell);
    if (!shell) {
      fw.log.error('the browser UI is not built; run `npm run build:ui`', { dir });
      res.status(503).type('text/plain').setHeader('Cache-Control', 'no-store');
      res.send('The Formwork UI has not been built. Run `npm run build:ui`, then reload this page.\n');
      return;
    }
    res.setHeader('Cache-Control', REVALIDATE);
    res.setHeader('ETag', shell.etag);
    res.setHeader('Vary', 'Accept');
    if (req.get('if-none-match') === shell.etag) {
      res.status(304).end();
      return;
    }
    res.type('html').send(shell.html);
  });

  return router;
}
