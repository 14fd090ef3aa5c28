/**
 * The search benchmark's text (bench/search.ts): a seeded vocabulary — common English function and service words
 * first, then made-up words of two to four syllables — drawn with a Zipf-like distribution (the word of rank r with
 * weight 1/r^1.05), so a few words are in nearly every article and most in a handful, as in real prose. Articles are
 * generated from their index alone: the same index gives the same article in every run and on both databases.
 */

/** A small fast seeded generator (mulberry32): the same seed gives the same sequence. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON = (
  'the of and to in a is that for it as with was on be by this are or from at which an have not but they can has all '
  + 'were their more when will there been one would so if what about into other than only its also new these may some '
  + 'time should after such two first any over use where most service meter supply customer network data request '
  + 'account reading energy gas site contact change report issue access system update number date device support '
  + 'install installation check process step guide information details record address payment charge tariff install '
  + 'connection fault problem help question answer manual document version please before each make following'
).split(' ');
const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'br', 'cr', 'st', 'tr', 'pl', 'gr', 'sh', 'ch'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou', 'io'];
const CODAS = ['', '', 'n', 'r', 'l', 's', 't', 'm', 'nd', 'rt', 'st'];

/** Words by rank (1 = most frequent) and a sampler following their Zipf-like frequencies. */
export class Vocabulary {
  readonly words: string[];
  readonly #cumulative: Float64Array;

  constructor(size: number) {
    const rnd = seeded(7);
    const seen = new Set<string>();
    this.words = [];
    for (const w of COMMON) if (!seen.has(w)) { seen.add(w); this.words.push(w); }
    while (this.words.length < size) {
      const syllables = 2 + Math.floor(rnd() * 3);
      let w = '';
      for (let s = 0; s < syllables; s += 1) w += pick(ONSETS, rnd) + pick(VOWELS, rnd) + (s === syllables - 1 ? pick(CODAS, rnd) : '');
      if (!seen.has(w)) { seen.add(w); this.words.push(w); }
    }
    this.#cumulative = new Float64Array(size);
    let sum = 0;
    for (let r = 0; r < size; r += 1) this.#cumulative[r] = sum += 1 / Math.pow(r + 1, 1.05);
  }

  /** The word of rank `rank` (1-based). */
  word(rank: number): string {
    return this.words[rank - 1]!;
  }

  /** A word drawn with the vocabulary's frequencies. */
  sample(rnd: () => number): string {
    const target = rnd() * this.#cumulative[this.#cumulative.length - 1]!;
    let lo = 0;
    let hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo]!;
  }

  /**
   * `n` pairs of mid-ranked words found next to each other in the bodies of articles `step`, 2 × `step`, … (phrases
   * with matches among the articles the benchmark's person sees).
   */
  bigrams(n: number, step: number): [string, string][] {
    const out: [string, string][] = [];
    for (let i = 1; out.length < n && i < 1000; i += 1) {
      const words = articleOf(this, i * step).body.toLowerCase().replace(/[.,]/g, '').split(' ');
      for (let k = 0; k + 1 < words.length; k += 1) {
        const [x, y] = [words[k]!, words[k + 1]!];
        if (this.words.indexOf(x) > 150 && this.words.indexOf(y) > 150) {
          out.push([x, y]);
          break;
        }
      }
    }
    return out;
  }
}

function pick<T>(xs: readonly T[], rnd: () => number): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

/** One generated article. */
export interface Article { title: string; tags: string[]; body: string }

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Article number `i`: a title of 5–10 words, 1–4 tags from the 300 commonest made-up words, ~300 words of body. */
export function articleOf(vocab: Vocabulary, i: number): Article {
  const rnd = seeded(i * 2654435761 + 1);
  const titleWords = Array.from({ length: 5 + Math.floor(rnd() * 6) }, () => vocab.sample(rnd));
  const tags = new Set<string>();
  const tagCount = 1 + Math.floor(rnd() * 4);
  while (tags.size < tagCount) tags.add(vocab.word(150 + Math.floor(Math.pow(rnd(), 2) * 300)));
  const sentences: string[] = [];
  let words = 0;
  const length = 280 + Math.floor(rnd() * 41);
  while (words < length) {
    const n = Math.min(length - words, 8 + Math.floor(rnd() * 14));
    const s = Array.from({ length: n }, (_, k) => (k > 2 && k < n - 2 && rnd() < 0.06 ? `${vocab.sample(rnd)},` : vocab.sample(rnd)));
    sentences.push(`${capital(s.join(' '))}.`);
    words += n;
  }
  return { title: capital(titleWords.join(' ')), tags: [...tags], body: sentences.join(' ') };
}
