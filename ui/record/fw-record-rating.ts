import { html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { LightElement } from '../light-element.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { fetchRating, removeRating, saveRating, type RatingSummary } from '../api/ratings.js';
import { apiContext } from '../contexts.js';

const STARS = [1, 2, 3, 4, 5];

/** The ratings in words: "3 people found this useful, 75%" or "Average 4.5 out of 5 from 2 ratings". */
export function ratingWords(s: RatingSummary): string {
  if (!s.count) return 'No one has rated this yet.';
  if (s.scale === 'useful') {
    const yes = s.yes ?? 0;
    const pct = Math.round((s.average ?? 0) * 100);
    return `${yes} ${yes === 1 ? 'person' : 'people'} found this useful, ${pct}% of ${s.count} ${s.count === 1 ? 'rating' : 'ratings'}.`;
  }
  const avg = (s.average ?? 0).toLocaleString('en-GB', { maximumFractionDigits: 1 });
  return `Average ${avg} out of 5 from ${s.count} ${s.count === 1 ? 'rating' : 'ratings'}.`;
}

/**
 * A record's rating, for a table with `ratings`: "Was this helpful?" with Yes and No toggle buttons (aria-pressed;
 * pressing the chosen one again takes the rating back), or one to five stars as a radio group with a visible label
 * per star ("3 out of 5"). Where the table takes comments, a comment box appears once the person has rated. The
 * record's count and average are shown in words and, with every change, announced through a polite status message;
 * a refusal is shown as an error message next to what caused it.
 */
@customElement('fw-record-rating')
export class FwRecordRating extends LightElement {
  /** The record's table. */
  @property() accessor table = '';
  /** The record's id. */
  @property() accessor recordId = '';

  @consume({ context: apiContext }) private accessor api!: ApiClient;

  @state() private accessor summary: RatingSummary | null = null;
  @state() private accessor busy = false;
  /** The last change, in words (announced by the status region). */
  @state() private accessor status = '';
  @state() private accessor error: { field: string; message: string } | null = null;
  @state() private accessor loadFailed = false;
  #run = 0;

  protected override willUpdate(changed: PropertyValues) {
    if ((changed.has('table') || changed.has('recordId')) && this.table && this.recordId) void this.#load();
  }

  override render() {
    if (this.loadFailed) return html`<p class="fw-body">The ratings cannot be shown just now.</p>`;
    const s = this.summary;
    if (!s) return html`<p class="fw-body">Loading ratings…</p>`;
    return html`<section class="fw-rating" aria-labelledby="rating-heading">
      <h2 class="fw-heading-m" id="rating-heading">${s.scale === 'useful' ? 'Was this helpful?' : 'Rate this'}</h2>
      ${s.scale === 'useful' ? this.#renderUseful(s) : this.#renderStars(s)}
      <p class="fw-body fw-rating__summary" data-rating-summary>${ratingWords(s)}</p>
      ${s.comments && s.mine ? this.#renderComment(s) : nothing}
      <p class="fw-rating__status" role="status" aria-live="polite">${this.status}</p>
    </section>`;
  }

  #renderUseful(s: RatingSummary) {
    const mine = s.mine?.value;
    const button = (value: number, label: string) => html`<button type="button" class="fw-button fw-button--secondary fw-rating__choice"
      aria-pressed=${mine === value ? 'true' : 'false'} @click=${() => this.#choose(value)}>${label}</button>`;
    return html`<div class="fw-button-group" role="group" aria-labelledby="rating-heading">
      ${button(1, 'Yes')}${button(0, 'No')}
    </div>
    ${this.error?.field === 'value' ? html`<p class="fw-error-message" role="alert"><span class="fw-visually-hidden">Error:</span> ${this.error.message}</p>` : nothing}`;
  }

  #renderStars(s: RatingSummary) {
    const mine = s.mine?.value;
    const error = this.error?.field === 'value';
    return html`<div class="fw-form-group ${error ? 'fw-form-group--error' : ''}">
      <fieldset class="fw-fieldset" aria-describedby=${error ? 'rating-error' : nothing}>
        <legend class="fw-fieldset__legend fw-visually-hidden">Your rating, in stars</legend>
        ${error ? html`<p class="fw-error-message" id="rating-error"><span class="fw-visually-hidden">Error:</span> ${this.error!.message}</p>` : nothing}
        <div class="fw-radios fw-radios--inline fw-rating__stars">
          ${STARS.map((n) => html`<div class="fw-radios__item">
            <input class="fw-radios__input" type="radio" id="rating-star-${n}" name="rating-stars" value=${n}
              .checked=${live(mine === n)} @change=${() => this.#choose(n)}>
            <label class="fw-radios__label" for="rating-star-${n}"><span aria-hidden="true">${'★'.repeat(n)}</span> ${n} out of 5</label>
          </div>`)}
        </div>
      </fieldset>
      ${s.mine ? html`<button type="button" class="fw-link-button" @click=${this.#remove}>Remove my rating</button>` : nothing}
    </div>`;
  }

  #renderComment(s: RatingSummary) {
    const error = this.error?.field === 'comment';
    return html`<form class="fw-form-group fw-rating__comment ${error ? 'fw-form-group--error' : ''}" @submit=${this.#sendComment} novalidate>
      <label class="fw-label" for="rating-comment">Tell us more (optional)</label>
      <div class="fw-hint" id="rating-comment-hint">What was missing, wrong or especially helpful? Up to 2,000 characters.</div>
      ${error ? html`<p class="fw-error-message" id="rating-comment-error"><span class="fw-visually-hidden">Error:</span> ${this.error!.message}</p>` : nothing}
      <textarea class="fw-textarea" id="rating-comment" name="comment" rows="3"
        aria-describedby=${error ? 'rating-comment-hint rating-comment-error' : 'rating-comment-hint'}
        .value=${s.mine?.comment ?? ''}></textarea>
      <div class="fw-button-group">
        <button type="submit" class="fw-button">Send comment</button>
      </div>
    </form>`;
  }

  async #load() {
    const run = ++this.#run;
    try {
      const s = await fetchRating(this.api, this.table, this.recordId);
      if (run !== this.#run) return;
      this.summary = s;
      this.loadFailed = false;
    } catch {
      if (run === this.#run) this.loadFailed = true;
    }
  }

  /** Choose a value; choosing the one already given takes the rating back (a toggle). */
  #choose(value: number) {
    const mine = this.summary?.mine;
    if (this.summary?.scale === 'useful' && mine?.value === value) {
      void this.#remove();
      return;
    }
    void this.#change(() => saveRating(this.api, this.table, this.recordId, value, mine?.comment ?? undefined), 'Thank you. Your rating has been saved.');
  }

  #remove = async () => {
    await this.#change(() => removeRating(this.api, this.table, this.recordId), 'Your rating has been removed.');
    // The control that had focus may be gone (Remove my rating): keep the person in the rating.
    if (!this.contains(document.activeElement)) this.querySelector<HTMLElement>('.fw-rating__choice, .fw-radios__input')?.focus();
  };

  #sendComment = (e: Event) => {
    e.preventDefault();
    const mine = this.summary?.mine;
    if (!mine) return;
    const comment = this.querySelector<HTMLTextAreaElement>('#rating-comment')?.value ?? '';
    void this.#change(() => saveRating(this.api, this.table, this.recordId, mine.value, comment), 'Thank you. Your comment has been sent.');
  };

  // Controls stay enabled while a change is sent (disabling the focused one would drop the keyboard focus): a
  // second change waits for none, it is ignored.
  async #change(send: () => Promise<RatingSummary>, done: string) {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.status = '';
    try {
      this.summary = await send();
      this.status = `${done} ${ratingWords(this.summary)}`;
    } catch (e) {
      const problem = e instanceof ApiError ? e.errors[0] : undefined;
      const message = problem?.message ?? (e instanceof ApiError ? e.message : 'Your rating could not be saved. Try again.');
      this.error = { field: problem?.field === 'comment' ? 'comment' : 'value', message };
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'fw-record-rating': FwRecordRating;
  }
}
