/**
 * Moving focus to a page's notification banner once it is rendered, so a screen reader says it and the person sees
 * it (GOV.UK: a success or important banner after an action takes focus).
 */
import type { ReactiveElement } from 'lit';

/** After `host`'s next render, focus its notification banner (tabindex="-1") and scroll it into view. */
export async function focusBanner(host: ReactiveElement): Promise<void> {
  await host.updateComplete;
  const banner = host.querySelector<HTMLElement>('.fw-notification-banner');
  banner?.focus();
  banner?.scrollIntoView({ block: 'start' });
}
