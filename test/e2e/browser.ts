/**
 * What the browser tests share: Debian's Chromium (never a downloaded browser), axe-core's WCAG 2.1 A/AA check, and
 * a bundle of the shared UI-policy evaluator for a page to run (built here, from the test: it is not part of the app).
 */
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Formwork } from '../../platform/context.js';
import { freshTotpCode, type TestUser } from '../support/auth.js';
import { REPO } from '../support/engine.js';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Chromium, headless; fails (never skips) when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium (.ci/run does this).`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** axe-core's WCAG 2.1 A/AA violations on the page, as "rule: targets" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  // The page's CSP forbids inline script tags; evaluating the source is not affected by it. A page that moved on
  // through the History API keeps axe from its previous check.
  if (!await page.evaluate(() => 'axe' in window)) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as {
      axe: { run(ctx: Document, o: unknown): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
    }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, AXE_TAGS);
}

/** The global the evaluator bundle sets: the shared function and the form's adapter of it, exactly as the app bundles them. */
export const EVALUATOR_GLOBAL = '__formworkPolicies';

let evaluatorSource: Promise<string> | null = null;

/**
 * An IIFE that puts `{ applyPolicies, evaluateFormPolicies }` (platform/rules/ui-policy.ts, ui/form/policies.ts) on
 * `window.__formworkPolicies`, bundled with the app's esbuild settings (browser, ES2022, tsconfig.ui.json). Give it to
 * `page.evaluate`: the CSP forbids inline scripts, not evaluation through the DevTools protocol.
 */
export function policyEvaluatorBundle(): Promise<string> {
  evaluatorSource ??= build({
    absWorkingDir: REPO,
    stdin: {
      contents: `import { applyPolicies } from './platform/rules/ui-policy.ts';
import { evaluateFormPolicies } from './ui/form/policies.ts';
globalThis.${EVALUATOR_GLOBAL} = { applyPolicies, evaluateFormPolicies };`,
      resolveDir: REPO,
      sourcefile: 'policy-evaluator-test-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    tsconfig: join(REPO, 'tsconfig.ui.json'),
    write: false,
    logLevel: 'error',
  }).then((r) => r.outputFiles[0]!.text);
  return evaluatorSource;
}

/** Press Tab (Shift+Tab when `back`) until the focused element matches `selector`; fails after `max` presses. */
export async function tabTo(page: Page, selector: string, options: { back?: boolean; max?: number } = {}): Promise<void> {
  const max = options.max ?? 120;
  for (let i = 0; i < max; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) === true, selector)) return;
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120) ?? 'nothing');
  throw new Error(`${max} presses of ${options.back ? 'Shift+Tab' : 'Tab'} did not reach ${selector}; focus is on ${at}`);
}

/** The focused element, described for assertions: `#id`, or the tag and its classes. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return '';
    return el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}${[...el.classList].map((c) => `.${c}`).join('')}`;
  });
}

/** A fresh browser context signed in as `user`, its page errors collected in `errors`. */
export async function pageAs(
  browser: Browser, fw: Formwork, url: string, user: TestUser, errors: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await signInInBrowser(page, fw, url, user);
  return { context, page };
}

/** Sign in through the sign-in and MFA pages (password, then a TOTP code); resolves on the home page. */
export async function signInInBrowser(page: Page, fw: Formwork, url: string, user: TestUser): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.fill('#sign-in-username', user.username);
  await page.fill('#sign-in-password', user.password);
  await page.click('fw-sign-in button[type=submit]');
  await page.waitForSelector('#mfa-code');
  await page.fill('#mfa-code', await freshTotpCode(fw, user.user.id, user.secret!));
  await page.click('fw-mfa button[type=submit]');
  await page.waitForSelector('fw-home h1');
}
