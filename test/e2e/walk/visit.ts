/**
 * One page of the walk: open it, wait until it has settled (no request in flight, no "Loading…", a heading), and
 * check it — axe-core's WCAG 2.1 AA, the id detector over the text people see, the height of a record page, and the
 * API requests that failed while it loaded. Each problem is a finding line naming the page.
 */
import type { Page } from 'playwright-core';
import { waitFor } from '../../support/wait.js';
import { axeViolations } from '../browser.js';
import { findIds, type InternalNames } from './detector.js';

/** Three screens at 1366×768: the most a record page of a pack may take. */
export const MAX_RECORD_HEIGHT = 3 * 768;
export const VIEWPORT = { width: 1366, height: 768 };

/** What a page showed, for the walk to go on from. */
export interface Visited {
  path: string;
  /** Links in the page's main area (href as written). */
  links: string[];
  /** document height, in px. */
  height: number;
}

const inFlight = new WeakMap<Page, Set<unknown>>();
const failures = new WeakMap<Page, string[]>();

/** Count the page's requests in flight and note its API requests answering 4xx/5xx (call once per page). */
export function trackRequests(page: Page): void {
  const open = new Set<unknown>();
  const failed: string[] = [];
  inFlight.set(page, open);
  failures.set(page, failed);
  page.on('request', (r) => open.add(r));
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/') && r.status() >= 400 && url.pathname !== '/api/auth/session') {
      failed.push(`${r.request().method()} ${url.pathname} answered ${r.status()}`);
    }
  });
}

/** Wait until the page has settled: nothing in flight, nothing loading, a heading shown — twice, 50 ms apart. */
export async function settle(page: Page, timeout = 10_000): Promise<void> {
  const open = inFlight.get(page);
  let quietSince = 0;
  await waitFor(async () => {
    const quiet = (open?.size ?? 0) === 0 && await page.evaluate(() => !!document.querySelector('main h1')
      && ![...document.querySelectorAll('main [role=status]')].some((e) => e.textContent?.includes('Loading')));
    if (!quiet) { quietSince = 0; return false; }
    quietSince ||= performance.now();
    return performance.now() - quietSince >= 50;
  }, { timeout, interval: 25, message: `${page.url()} did not settle` });
}

/**
 * The visible text of the page: what people read (hidden elements and input values are not in it). Machine names a
 * page labels as code (`data-code`, the studio's names for configurators) are not words for people: left out.
 */
export const visibleText = (page: Page) => page.evaluate(() => {
  const code = [...document.querySelectorAll<HTMLElement>('[data-code]')];
  for (const el of code) el.hidden = true;
  const text = document.body.innerText;
  for (const el of code) el.hidden = false;
  return text;
});

/**
 * Open `path` (of the app at `base`) and check it; findings go to `out` as "<path>: <problem>". Record pages (`/tables/:t/:id`) get the
 * height check.
 */
export async function visit(page: Page, base: string, path: string, names: InternalNames, out: string[]): Promise<Visited> {
  failures.get(page)?.splice(0);
  const title = new URL(path, base).searchParams.get('title');
  const note = (what: string) => out.push(`${path.split('?')[0]}${title ? ` ("${title}")` : ''}: ${what}`);
  if (page.url().startsWith(base)) {
    // As the app's own links do (History API): the shell, its session and axe-core stay loaded between pages.
    await page.evaluate((to) => {
      history.pushState(null, '', to);
      dispatchEvent(new PopStateEvent('popstate'));
      return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    }, path);
  } else {
    await page.goto(base + path);
  }
  try {
    await settle(page);
  } catch (e) {
    note((e as Error).message);
  }
  const pathname = new URL(page.url()).pathname;
  for (const v of await checkedAxe(page)) note(`axe ${v}`);
  for (const id of findIds(await visibleText(page), pathname, names)) note(`shows ${id}`);
  for (const f of failures.get(page) ?? []) note(f);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (isRecordPath(pathname) && height > MAX_RECORD_HEIGHT) note(`record page is ${height} px tall (at most ${MAX_RECORD_HEIGHT})`);
  const links = await page.$$eval('main a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
  return { path: pathname, links, height };
}

/** axe-core's findings by the structure of the page they were found on (see {@link structureOf}). */
const axeByStructure = new Map<string, Promise<string[]>>();
/** Pages visited and pages axe-core ran on (the walk's report prints them). */
export const axeCounts = { pages: 0, checked: 0 };

/**
 * axe-core's violations on the page, reused for a page of exactly the same structure already checked (many people
 * see the same pages): what axe checks — elements, their roles, names' presence, attributes, classes and so colours,
 * ids — is all in the fingerprint; only the words differ, and a word's presence or absence is kept in it too.
 */
async function checkedAxe(page: Page): Promise<string[]> {
  const key = await structureOf(page);
  let found = axeByStructure.get(key);
  axeCounts.pages += 1;
  if (!found) {
    axeCounts.checked += 1;
    found = axeViolations(page);
    axeByStructure.set(key, found);
  }
  return found;
}

/**
 * A fingerprint of the document: every element's tag, attributes and whether it holds text. Record ids and numbers
 * in attribute values are the same to axe (`row-<id>` ids stay unique either way), so they are left out of it.
 */
const structureOf = (page: Page) => page.evaluate(() => {
  // No nested named functions here: the test's TypeScript loader would wrap them in a helper the page lacks.
  const parts: string[] = [];
  const stack: [Element, number][] = [[document.documentElement, 0]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [el, depth] = top;
    const attrs = [...el.attributes].filter((a) => a.name !== 'value' && a.name !== 'href')
      .map((a) => `${a.name}=${a.value.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, 'U').replace(/\d+/g, '9')}`).join(' ');
    const text = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim()) ? 'T' : '';
    parts.push(`${depth}<${el.tagName} ${attrs}>${text}`);
    for (const child of [...el.children].reverse()) stack.push([child, depth + 1]);
  }
  return parts.join('\n');
});

/** Whether a path is a record page of a table (`/tables/:table/:id`, not the new-record form). */
export const isRecordPath = (path: string) => /^\/tables\/[^/?#]+\/(?!new$)[^/?#]+$/.test(path);
