/** Ratings and view counts of records: the face of platform/records/ratings/. */
export {
  fetchRating, MAX_RATING_COMMENT, rateRecord, removeRating, type RatingInput, type RatingSummary,
} from './rating-service.js';
export { countView, type ViewResult } from './view-counter.js';
export { ratingsRecordHook } from './record-hook.js';
