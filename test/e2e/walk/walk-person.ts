/**
 * One person's walk: sign in, gather every link of the side menu, the home page and the header, and visit each; from
 * each list-like page also its first record, its first catalogue item or request and its "New" form. Every page is
 * checked (walk/visit.ts); every record page's action buttons are tried (walk/actions.ts).
 */
import type { Browser } from 'playwright-core';
import { createToken } from '../../support/auth.js';
import { pageAs } from '../browser.js';
import { checkActions } from './actions.js';
import type { InternalNames } from './detector.js';
import { isRecordPath, trackRequests, visit, VIEWPORT } from './visit.js';
import type { WalkWorld, Walker } from './world.js';

/** What one person's walk found and saw. */
export interface WalkResult {
  findings: string[];
  pages: number;
  buttons: number;
  /** Record pages and their heights in px. */
  heights: [string, number][];
}

/** Links a list-like page leads on to: its first record, catalogue item, category or request, and its "New" form. */
function followUps(links: string[]): string[] {
  const first = (re: RegExp) => links.find((l) => re.test(l.split('?')[0]!));
  return [
    first(/^\/tables\/[^/]+\/(?!new$)[^/]+$/),
    first(/^\/tables\/[^/]+\/new$/),
    first(/^\/forms\/[^/]+\/new$/),
    first(/^\/catalog\/items\/[^/]+$/),
    first(/^\/catalog\/guides\/[^/]+$/),
    first(/^\/catalog\/categories\/[^/]+$/),
    first(/^\/catalog\/requests\/[^/]+$/),
    first(/^\/queues\/[^/]+$/),
  ].filter((l): l is string => !!l);
}

/** Walk every page `who` reaches from the menus, the home page and the header. */
export async function walkPerson(world: WalkWorld, browser: Browser, who: Walker, names: InternalNames): Promise<WalkResult> {
  const errors: string[] = [];
  const { context, page } = await pageAs(browser, world.fw, world.server.url, who.user, errors);
  const token = await createToken(world.fw, who.user.username, 'page walk');
  const result: WalkResult = { findings: [], pages: 0, buttons: 0, heights: [] };
  try {
    await page.setViewportSize(VIEWPORT);
    trackRequests(page);
    const menu = await page.$$eval('fw-nav a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    const seen = new Set<string>();
    const queue = ['/', '/profile', ...menu];
    const fromMenu = new Set(queue);
    while (queue.length) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const visited = await visit(page, world.server.url, path, names, result.findings);
      result.pages += 1;
      if (isRecordPath(visited.path)) {
        result.heights.push([visited.path, visited.height]);
        const [, , table, id] = visited.path.split('/');
        result.buttons += await checkActions(world.fw, world.server, token, page, table!, id!, result.findings);
      }
      // Home's links are menu-level pages (queues, my work); other menu pages lead one step further.
      const next = path === '/' ? visited.links.filter((l) => !l.startsWith('#')) : fromMenu.has(path) ? followUps(visited.links) : [];
      for (const l of next) if (!seen.has(l)) queue.push(l);
      if (path === '/') for (const l of next) fromMenu.add(l);
    }
    for (const e of errors) result.findings.push(`page error: ${e}`);
  } finally {
    await context.close();
  }
  return result;
}
