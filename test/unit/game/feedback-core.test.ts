/** The pure core of player feedback: reading rows, mapping columns, pseudonyms, ids, categories, sentiment, report groups. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  buildReportGroups,
  categorise,
  compileCategoryRules,
  createRowMapper,
  itemId,
  parseFeedbackConfig,
  parseFeedbackTime,
  parseFieldMap,
  parseRating,
  parseRatingFilter,
  parseTags,
  pseudonymise,
  readRows,
  secretFingerprint,
  sentiment,
  type AnalysedItem,
  type FeedbackFormat,
  type RowEvent,
} from '../../../personas/game/index.js';

async function rows(format: FeedbackFormat, text: string | Buffer, chunk = 7): Promise<RowEvent[]> {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  const out: RowEvent[] = [];
  for await (const e of readRows(format, Readable.from(parts), 'f')) out.push(e);
  return out;
}

describe('reading feedback files', () => {
  it('CSV: BOM, quotes, embedded newlines, CRLF, a bad quote and a short row reported by line, the rest kept', async () => {
    const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('text,rating\r\n"say ""hi"", ok",5\r\n"two\r\nlines",4\r\nbad "q,3\r\nshort\r\n\r\nlast,1', 'utf8')]);
    const ev = await rows('csv', csv);
    expect(ev).toEqual([
      { kind: 'header', columns: ['text', 'rating'] },
      { kind: 'row', at: 2, row: { text: 'say "hi", ok', rating: '5' } },
      { kind: 'row', at: 3, row: { text: 'two\r\nlines', rating: '4' } },
      { kind: 'bad', at: 5, problem: expect.stringContaining('Invalid Opening Quote') },
      { kind: 'bad', at: 6, problem: '1 fields, the header has 2' },
      { kind: 'row', at: 8, row: { text: 'last', rating: '1' } },
    ]);
  });

  it('CSV: an empty file, a repeated header column, an empty column name are errors of the file', async () => {
    await expect(rows('csv', '')).rejects.toMatchObject({ code: 'FEEDBACK_PARSE', message: expect.stringContaining('empty') });
    await expect(rows('csv', 'a,b,a\n1,2,3\n')).rejects.toMatchObject({ code: 'FEEDBACK_PARSE', message: expect.stringContaining('"a" twice') });
    await expect(rows('csv', 'a,,b\n')).rejects.toMatchObject({ code: 'FEEDBACK_PARSE' });
  });

  it('JSON lines by line number, JSON by item number; a file that is not JSON is an error', async () => {
    expect(await rows('jsonl', '\ufeff{"text":"a"}\n\nnot json\n[1]\n{"text":"b"}')).toEqual([
      { kind: 'row', at: 1, row: { text: 'a' } },
      { kind: 'bad', at: 3, problem: expect.stringContaining('not JSON') },
      { kind: 'bad', at: 4, problem: 'not a JSON object' },
      { kind: 'row', at: 5, row: { text: 'b' } },
    ]);
    expect(await rows('json', '{"items":[{"text":"a"},3]}')).toEqual([
      { kind: 'row', at: 1, row: { text: 'a' } },
      { kind: 'bad', at: 2, problem: 'not a JSON object' },
    ]);
    await expect(rows('json', '{"text":')).rejects.toMatchObject({ code: 'FEEDBACK_PARSE' });
    await expect(rows('json', '{"text":"x"}')).rejects.toMatchObject({ code: 'FEEDBACK_PARSE' });
  });
});

describe('mapping rows', () => {
  const secret = Buffer.alloc(32, 7);
  const mapperOf = (map: string[], header?: string[], personal = ['email', 'ip']) =>
    createRowMapper({ map: parseFieldMap(map), personal, pseudonymise: (p) => pseudonymise(secret, p), ...(header === undefined ? {} : { header }) });

  it('takes the usual column names, --map overrides them, drops personal columns and keeps the rest', () => {
    const header = ['Comment', 'Stars', 'OS', 'Build Version', 'User ID', 'E-Mail', 'IP', 'When', 'Labels', 'region'];
    const m = mapperOf(['time=When', 'tags=Labels'], header);
    const r = m({ Comment: ' Too laggy ', Stars: '2/5', OS: 'pc', 'Build Version': '1.2', 'User ID': 'u1', 'E-Mail': 'a@b.c', IP: '10.0.0.1', When: '2026-03-01 10:30', Labels: 'perf; pc ;perf', region: 'eu' });
    expect(r).toEqual({ draft: { text: 'Too laggy', rating: 2, platform: 'pc', build: '1.2', player: pseudonymise(secret, 'u1'), time: Date.UTC(2026, 2, 1, 10, 30), tags: ['pc', 'perf'], fields: { region: 'eu' } } });
    expect(JSON.stringify(r)).not.toContain('a@b.c');
    expect(JSON.stringify(r)).not.toContain('10.0.0.1');
  });

  it('reports a bad rating, a bad time and a row with neither text nor rating', () => {
    const m = mapperOf([], ['text', 'rating', 'time']);
    expect(m({ text: 'x', rating: 'five', time: '' })).toEqual({ problem: 'rating "five" is not a number' });
    expect(m({ text: 'x', rating: '', time: 'yesterday' })).toMatchObject({ problem: expect.stringContaining('time "yesterday"') });
    expect(m({ text: ' ', rating: '', time: '' })).toEqual({ problem: 'no text and no rating' });
    expect(m({ text: '', rating: '3', time: '' })).toEqual({ draft: { text: '', rating: 3, tags: [] } });
  });

  it('checks --map: unknown fields, missing columns, personal columns mapped to anything but the player', () => {
    expect(() => parseFieldMap(['colour=x'])).toThrow(/unknown field "colour"/);
    expect(() => parseFieldMap(['text'])).toThrow(/field=column/);
    expect(() => parseFieldMap(['text=a', 'text=b'])).toThrow(/mapped twice/);
    expect(() => mapperOf(['text=body'], ['text'])).toThrow(/no column "body"/);
    expect(() => mapperOf(['text=email'], ['email'])).toThrow(/marked personal/);
    const m = mapperOf(['player=email'], ['text', 'email']);
    expect(m({ text: 'hi', email: 'a@b.c' })).toEqual({ draft: { text: 'hi', player: pseudonymise(secret, 'a@b.c'), tags: [] } });
  });

  it('reads nested JSON fields by path', () => {
    const m = mapperOf(['platform=device.os', 'player=who.id']);
    expect(m({ text: 'ok', device: { os: 'switch' }, who: { id: 42 }, score: 4 })).toEqual({ draft: { text: 'ok', rating: 4, platform: 'switch', player: pseudonymise(secret, '42'), tags: [], fields: { device: '{"os":"switch"}', who: '{"id":42}' } } });
  });

  it('parses times, ratings and tags', () => {
    expect(parseFeedbackTime('2026-03-01')).toBe(Date.UTC(2026, 2, 1));
    expect(parseFeedbackTime('2026-03-01T10:00:00+02:00')).toBe(Date.UTC(2026, 2, 1, 8));
    expect(parseFeedbackTime('2026-03-01T10:00:00.5Z')).toBe(Date.UTC(2026, 2, 1, 10, 0, 0, 500));
    expect(parseFeedbackTime(1_700_000_000)).toBe(1_700_000_000_000);
    expect(parseFeedbackTime('1700000000123')).toBe(1_700_000_000_123);
    expect(parseFeedbackTime('03/01/2026')).toBeUndefined();
    expect(parseRating('4.5')).toBe(4.5);
    expect(parseRating('x')).toBeUndefined();
    expect(parseTags(['b', ' a', 'b', ''])).toEqual(['a', 'b']);
    const r = parseRatingFilter('>=4');
    expect([r(3), r(4), r(5)]).toEqual([false, true, true]);
    expect(parseRatingFilter('1-2')(2)).toBe(true);
    expect(() => parseRatingFilter('good')).toThrow(/rating/);
  });
});

describe('pseudonyms and ids', () => {
  it('HMAC-SHA-256 under the secret: stable, secret-dependent, not the identifier', () => {
    const a = Buffer.alloc(32, 1);
    const b = Buffer.alloc(32, 2);
    // HMAC-SHA-256(key = 32 bytes of 0x01, "player:alice"), first 20 hex digits (computed with Python's hmac module).
    expect(pseudonymise(a, 'alice')).toBe('p-1398ab3ad254cbfc611a');
    expect(pseudonymise(a, 'alice')).toBe(pseudonymise(a, 'alice'));
    expect(pseudonymise(b, 'alice')).not.toBe(pseudonymise(a, 'alice'));
    expect(pseudonymise(a, 'bob')).not.toBe(pseudonymise(a, 'alice'));
    expect(secretFingerprint(a)).not.toBe(secretFingerprint(b));
  });

  it('the id is the content: the same row is the same item, a changed field is another', () => {
    const d = { text: 'hi', rating: 3, tags: ['a'], time: 5 };
    expect(itemId(d)).toBe(itemId({ ...d }));
    expect(itemId(d)).toMatch(/^[0-9a-f]{32}$/);
    expect(itemId({ ...d, rating: 4 })).not.toBe(itemId(d));
    expect(itemId({ ...d, fields: { x: '1' } })).not.toBe(itemId(d));
    expect(itemId({ ...d, fields: { b: '1', a: '2' } })).toBe(itemId({ ...d, fields: { a: '2', b: '1' } }));
  });
});

describe('categories', () => {
  it('the shipped rules: words, prefixes, phrases, on word boundaries', () => {
    const rules = compileCategoryRules();
    expect(categorise('Game CRASHED twice after the patch', rules)).toEqual(['crash']);
    expect(categorise('Huge frame drops and stuttering on Switch', rules)).toEqual(['performance']);
    expect(categorise("The boss is way too hard, please add an easy mode", rules)).toEqual(['balance', 'request']);
    expect(categorise('Love the soundtrack!', rules)).toEqual(['audio', 'praise']);
    expect(categorise('opposite of topology', rules)).toEqual([]);
    expect(categorise('It doesn\u2019t work', rules)).toEqual(['bug']);
  });

  it("a project's rules: a category replaced, one added, one removed, a regular expression; bad rules are CONFIG_INVALID", () => {
    const rules = compileCategoryRules({ categories: { crash: ['ctd'], netcode: ['rubber band*', '/\\bdesync(ed|s)?\\b/'], praise: [] } });
    expect(rules.map((r) => r.name)).toEqual(['bug', 'crash', 'performance', 'balance', 'ui', 'audio', 'controls', 'request', 'netcode']);
    expect(categorise('CTD again, and rubberbanding', rules)).toEqual(['crash']);
    expect(categorise('rubber banding and desynced', rules)).toEqual(['bug', 'netcode']);
    expect(categorise('it crashed', rules)).toEqual([]);
    expect(compileCategoryRules({ categories: { only: ['x'] }, replace: true }).map((r) => r.name)).toEqual(['only']);
    expect(() => compileCategoryRules({ categories: { bad: ['/(/'] } })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => compileCategoryRules({ categories: { Bad: ['x'] } })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => compileCategoryRules({ categories: { x: ['*'] } })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('a settings file (JSON or YAML) with personal columns, a build map, categories; errors name the file', () => {
    const s = parseFeedbackConfig(JSON.stringify({ personalExtra: ['steam_name'], builds: { '1.0.3 (4512)': 'rc1' }, branch: 'release', categories: { netcode: ['lag spike*'] } }), 'strata-feedback.json');
    expect(s.personal).toContain('email');
    expect(s.personal).toContain('steam_name');
    expect(s.builds).toEqual({ '1.0.3 (4512)': 'rc1' });
    expect(s.branch).toBe('release');
    expect(s.rules.at(-1)?.name).toBe('netcode');
    expect(parseFeedbackConfig('personal: [mail]\n', 'f.yaml').personal).toEqual(['mail']);
    expect(() => parseFeedbackConfig('{"bulids":{}}', 'strata-feedback.json')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('strata-feedback.json') }));
    expect(() => parseFeedbackConfig('{', 'x.json')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('sentiment (AFINN-165)', () => {
  it('sums word ratings, reads phrases, turns negated words', () => {
    // AFINN-165: love +3, great +3, good +3, bad -3, boring -3, "not good" -2 (a phrase of its own), "does not work" -3, game-changing +3.
    expect(sentiment('I love it, great game').score).toBe(6);
    expect(sentiment('not good').score).toBe(-2);
    expect(sentiment('This is not a good game').score).toBe(-3);
    expect(sentiment("Isn't bad at all").score).toBe(3);
    expect(sentiment('It does not work').score).toBe(-3);
    expect(sentiment('good. Not now').score).toBe(3);
    expect(sentiment('never boring').matches).toEqual([{ term: 'boring', rating: 3, negated: true }]);
    expect(sentiment('').comparative).toBe(0);
    expect(sentiment('game-changing').score).toBe(3);
  });
});

describe('report groups', () => {
  const item = (n: number, categories: string[]): AnalysedItem => ({ id: n.toString(16).padStart(32, '0'), text: '', tags: [], link: 'version', source: { file: 'f', at: n }, categories, sentiment: 0 });
  it('tests each group against the one before and lists the significant rises', () => {
    // 1 crash of 20 before, 8 of 20 after: Fisher one-sided p = 0.009828 (scipy.stats.fisher_exact([[8,12],[1,19]], 'greater')).
    const before = Array.from({ length: 20 }, (_, i) => item(i, i < 1 ? ['crash'] : ['praise']));
    const after = Array.from({ length: 20 }, (_, i) => item(100 + i, i < 8 ? ['crash'] : ['praise']));
    const groups = buildReportGroups(
      [
        { key: 'b', label: 'v2', version: 'b'.repeat(64), time: 2, items: after },
        { key: 'a', label: 'v1', version: 'a'.repeat(64), time: 1, items: before },
      ],
      ['crash', 'praise'],
      'fisher',
      0.05,
    );
    expect(groups.map((g) => g.label)).toEqual(['v1', 'v2']);
    expect(groups[0]?.rises).toEqual([]);
    expect(groups[1]?.previous?.label).toBe('v1');
    expect(groups[1]?.rises).toHaveLength(1);
    expect(groups[1]?.rises[0]).toMatchObject({ category: 'crash', after: { hits: 8, n: 20, share: 0.4 }, before: { hits: 1, n: 20, share: 0.05 }, test: 'fisher' });
    expect(groups[1]?.rises[0]?.p).toBeCloseTo(0.009828009828009828, 12);
    expect(groups[1]?.categories).toEqual([
      { category: 'crash', count: 8, share: 0.4 },
      { category: 'praise', count: 12, share: 0.6 },
    ]);
    expect(buildReportGroups([{ key: 'a', label: 'v1', version: 'a'.repeat(64), time: 1, items: before }, { key: 'b', label: 'v2', version: 'b'.repeat(64), time: 2, items: after }], ['crash', 'praise'], 'fisher', 0.005)[1]?.rises).toEqual([]);
  });
});
