import { describe, expect, it } from 'vitest';
import { DIALECTS, intakeBody, type Api, type TestEnv, useApiEnv } from '../test/harness.js';
import fc from 'fast-check';
import { sql } from 'kysely';
import { queryTokens, searchDocument, tsvectorText } from './case-search.js';
import { pgSearchTuning } from './case.repository.js';

describe('bigram documents', () => {
  it('turns each pair of adjacent characters into one letter token, fields apart', () => {
    const doc = searchDocument(['社保转移', 'ＡＢ c']);
    const tokens = doc.split(' ');
    expect(tokens).toHaveLength(3 + 1 + 2);
    expect(tokens.every((t) => /^[a-z]{10}$/.test(t))).toBe(true);
    expect(tokens[3]).toBe('zzzzzzzzzz');
    // Full-width letters fold to half-width, case and spaces do not matter.
    expect(queryTokens('abC')).toEqual(tokens.slice(4));
    expect(queryTokens('社')).toBeNull();
  });
});

describe.each(DIALECTS)('text search on %s', (kind) => {
  let env: TestEnv;
  let api: Api;
  const ids: Record<string, number> = {};
  useApiEnv(
    kind,
    async (e, a) => {
      env = e;
      api = a;
      const make = async (key: string, o: Record<string, unknown>) => {
        ids[key] = (await api.as('clerk').post('/api/v1/cases', intakeBody(o))).body.id;
      };
      await make('shebao', { matter: '社保转移接续', description: '养老保险关系转移，窗口说系统不通。' });
      await make('zhizhao', { matter: '营业执照变更', description: '经营范围变更被退回三次。' });
      await make('org', { matter: '食品经营许可', description: '材料不齐。', reporter: { name: '李四', phone: '13800001234', kind: 'enterprise', orgName: '垫江县明月山食品有限公司', orgCode: '91440300708461136T' } });
      await make('percent', { matter: '收费标准 100% 退还', description: '要求全额退费。' });
    }
  );
  const search = async (q: string) => (await api.as('coord').get(`/api/v1/cases?q=${encodeURIComponent(q)}&limit=200`)).body.items.map((i: any) => i.id);

  it.runIf(kind === 'postgres')('writes the tsvector to_tsvector would make of the document, for any text', async () => {
    const same = async (fields: string[]) => {
      const doc = searchDocument(fields);
      const r = await sql<{ same: boolean; mine: string; theirs: string }>`select cast(${tsvectorText(doc)} as tsvector) = to_tsvector('simple', ${doc}) as same,
        cast(${tsvectorText(doc)} as tsvector)::text as mine, to_tsvector('simple', ${doc})::text as theirs`.execute(env.ctx.db);
      expect(r.rows[0]!.mine).toBe(r.rows[0]!.theirs);
      expect(r.rows[0]!.same).toBe(true);
    };
    // A long text repeating itself: positions past 16,383 and lexemes with more than 255 of them.
    await same(['社保'.repeat(300), '营业执照变更登记'.repeat(2500), '']);
    await same(['', '']);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: fc.constantFrom('社', '保', '执', '照', 'a', 'B', '１', ' ', '\n', "'", '\\', ':', '😀'), maxLength: 60 }), { maxLength: 3 }), same),
      { numRuns: 60 },
    );
  });

  it('finds two-character words', async () => {
    expect(await search('社保')).toEqual([ids.shebao]);
    expect(await search('执照')).toEqual([ids.zhizhao]);
  });
  it('finds longer substrings across the description and the organisation, not across fields', async () => {
    expect(await search('系统不通')).toEqual([ids.shebao]);
    expect(await search('明月山食品')).toEqual([ids.org]);
    expect(await search('接续养老')).toEqual([]); // end of matter + start of description
  });
  it('finds a single character and literal wildcards', async () => {
    expect(await search('照')).toEqual([ids.zhizhao]);
    expect(await search('100%')).toEqual([ids.percent]);
    expect(await search('%')).toEqual([ids.percent]);
  });
  it('pages through the same matches whichever way the index is walked', async () => {
    for (let i = 0; i < 9; i++) await api.as('clerk').post('/api/v1/cases', intakeBody({ matter: `医保异地备案${i}`, channel: i % 3 ? 'window' : 'hotline' }));
    const pageAll = async (extra = '') => {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const r: any = await api.as('coord').get(`/api/v1/cases?q=${encodeURIComponent('医保')}&limit=2${extra}${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...r.body.items.map((i: any) => i.id));
        cursor = r.body.nextCursor;
      } while (cursor);
      return seen;
    };
    const plain = await pageAll();
    const plainHot = await pageAll('&channel=hotline');
    expect(plain).toHaveLength(9);
    expect(plainHot).toHaveLength(3);
    expect(plain).toEqual([...plain].sort((a, b) => b - a));
    const saved = { ...pgSearchTuning };
    Object.assign(pgSearchTuning, { window: 2, maxWindows: 2 });
    try {
      expect(await pageAll()).toEqual(plain);
      expect(await pageAll('&channel=hotline')).toEqual(plainHot);
    } finally {
      Object.assign(pgSearchTuning, saved);
    }
  });

  it('combines with other filters and hides other departments\' cases from handlers', async () => {
    expect((await api.as('coord').get(`/api/v1/cases?q=${encodeURIComponent('社保')}&channel=hotline`)).body.items).toEqual([]);
    expect((await api.as('h_scjg').get(`/api/v1/cases?q=${encodeURIComponent('社保')}`)).body.items).toEqual([]);
  });
});
