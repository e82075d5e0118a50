/**
 * 知识库 search latency (issue 15, part A) on a throw-away SQLite database (PostgreSQL too when
 * BENCH_PG_URL names an empty database): BENCH_ENTRIES published entries (default 2,000) made from
 * realistic titles, keywords and bodies; then 200 `?q=` searches (every word a substring: the list
 * query, 50 per page) and 200 free-text searches (`searchPublishedKnowledge`, jieba + any word,
 * ranked) with descriptions as a clerk types them. Prints p50 / p95 in milliseconds.
 *
 *   node --import tsx bench/knowledge-search.bench.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPreparedDatabase } from '../server/boot.js';
import { insertKnowledge, listKnowledge, searchPublishedKnowledge } from '../server/knowledge/knowledge.repository.js';
import { descriptionWords } from '../server/knowledge/words.js';
import type { Db } from '../server/db/database.js';

const N = Number(process.env.BENCH_ENTRIES ?? 2000);
const TOPICS = ['营业执照变更', '社保转移', '不动产登记', '异地就医备案', '公积金提取', '食品经营许可', '工伤认定', '建筑施工许可', '户口迁移', '医保报销', '失业保险金', '个体工商户设立'];
const WORDS = ['材料', '身份证', '申请书', '窗口', '网上办理', '承诺时限', '工作日', '原件', '复印件', '代办', '委托书', '证明', '章程', '合同', '缴费凭证'];
const DESCRIPTIONS = [
  '想办理营业执照经营范围变更，窗口说材料不全',
  '社保关系从外省转回来不知道怎么办',
  '二手房过户不动产登记要哪些材料',
  '父亲在外地住院，医保异地就医备案办不了',
  '租房提取公积金被告知缺少租赁合同',
  '开小饭馆办食品经营许可证需要什么',
];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function run(label: string, db: Db): Promise<void> {
  const at = new Date().toISOString();
  for (let i = 0; i < N; i++) {
    const t = TOPICS[i % TOPICS.length]!;
    const w = (k: number) => WORDS[(i * 7 + k) % WORDS.length]!;
    await insertKnowledge(
      db,
      { title: `${t}${['办事指南', '材料清单', '常见问答', '政策解读'][i % 4]}（${i}）`, category: t.slice(0, 2), kind: 'guide', body: `<p>${t}：${w(1)}、${w(2)}、${w(3)}。</p><ul><li>${w(4)}</li><li>${w(5)}</li></ul>`, issuer: null, keywords: [t, w(6)], departments: [], matterCodes: [], status: 'published', reviewDueAt: null },
      'bench',
      at,
    );
  }
  descriptionWords('预热'); // the dictionary loads once (~0.3 s), not counted
  const actor = { role: 'clerk' as const, department: null };
  const qTimes: number[] = [];
  for (let i = 0; i < 200; i++) {
    const q = i % 2 ? TOPICS[i % TOPICS.length]!.slice(0, 2) : `${TOPICS[i % TOPICS.length]!.slice(0, 2)} ${WORDS[i % WORDS.length]}`;
    const t0 = performance.now();
    await listKnowledge(db, { q }, { limit: 50 }, actor);
    qTimes.push(performance.now() - t0);
  }
  const textTimes: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await searchPublishedKnowledge(db, DESCRIPTIONS[i % DESCRIPTIONS.length]!, 8);
    textTimes.push(performance.now() - t0);
  }
  const f = (x: number) => x.toFixed(1);
  console.log(`${label}, ${N} entries: ?q= p50 ${f(pct(qTimes, 50))} ms p95 ${f(pct(qTimes, 95))} ms; text= p50 ${f(pct(textTimes, 50))} ms p95 ${f(pct(textTimes, 95))} ms`);
}

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bcs-bench-kb-')), 'kb.db');
const sqlite = await openPreparedDatabase(`sqlite:${file}`, { dataKey: Buffer.alloc(32, 7) });
await run('SQLite', sqlite.db);
await sqlite.close();
fs.rmSync(path.dirname(file), { recursive: true, force: true });
if (process.env.BENCH_PG_URL) {
  const pg = await openPreparedDatabase(process.env.BENCH_PG_URL, { dataKey: Buffer.alloc(32, 7) });
  await run('PostgreSQL', pg.db);
  await pg.close();
}
