/**
 * Demo 知识库 entries: what a county's windows look up most — 社保转移, 营业执照变更, 不动产登记
 * materials, 医保 and 公积金 — written through the knowledge service like any writer's. Review
 * dates relative to now: one past (待复核), one within the reminder window, the others later.
 */
import type { Actor } from '../../core/case-lifecycle.js';
import type { TKnowledgeInput } from '../../core/api/knowledge.js';
import type { AppContext } from '../context.js';
import { createKnowledge } from '../knowledge/knowledge.service.js';

const day = (now: number, days: number) => new Date(now + days * 86400_000).toISOString();

export function demoKnowledge(now: number): Array<TKnowledgeInput & { writer: string }> {
  return [
    {
      writer: 'rsj',
      title: '养老保险关系转移接续办理指南',
      category: '社会保障',
      kind: 'guide',
      issuer: '县人力社保局',
      keywords: ['社保转移', '养老保险', '跨省转移'],
      departments: ['rsj'],
      matterCodes: [],
      status: 'published',
      reviewDueAt: day(now, 120),
      body:
        '<h3>适用对象</h3><p>跨省、跨统筹区流动就业的参保人员，将<strong>基本养老保险关系</strong>转入本县。</p>' +
        '<h3>办理方式</h3><ol><li>在国家社会保险公共服务平台或“掌上12333”网上申请，无需回原参保地；</li><li>或携带身份证到县人力社保局窗口申请，窗口代为发起转移联系函。</li></ol>' +
        '<h3>所需材料</h3><ul><li>居民身份证或社保卡</li><li>原参保地出具的参保缴费凭证（网上申请的无需提供）</li></ul><p>承诺时限：15 个工作日内办结（不含跨省信息往来时间）。</p>',
    },
    {
      writer: 'rsj',
      title: '社保卡补换领常见问答',
      category: '社会保障',
      kind: 'faq',
      issuer: '县人力社保局',
      keywords: ['社保卡', '补卡', '换卡'],
      departments: ['rsj'],
      matterCodes: [],
      status: 'published',
      reviewDueAt: day(now, 4),
      body: '<p><strong>问：社保卡丢了怎么办？</strong></p><p>答：先拨打 12333 或到合作银行挂失，再凭身份证到县人力社保局或合作银行网点补领，即时制卡的网点当场领取。</p><p><strong>问：能否代办？</strong></p><p>答：可以，代办人携带双方身份证原件。</p>',
    },
    {
      writer: 'scjgj',
      title: '营业执照经营范围变更登记材料清单',
      category: '市场主体',
      kind: 'materials',
      issuer: '县市场监管局',
      keywords: ['营业执照变更', '经营范围', '执照'],
      departments: ['scjgj'],
      matterCodes: [],
      status: 'published',
      reviewDueAt: day(now, 200),
      body:
        '<ul><li>《市场主体变更登记申请书》（法定代表人签署）</li><li>股东会决议或股东决定（有限责任公司）</li><li>修改后的公司章程或章程修正案</li><li>营业执照正、副本原件</li>' +
        '<li>变更后的经营范围涉及许可项目的，先取得许可证件</li></ul><p>全程电子化办理的，材料在线签署，无需到窗口；<strong>当日受理、一日办结</strong>。</p>',
    },
    {
      writer: 'scjgj',
      title: '个体工商户设立登记：住所（经营场所）证明怎么提供',
      category: '市场主体',
      kind: 'faq',
      issuer: '县市场监管局',
      keywords: ['个体工商户', '营业执照', '经营场所', '产权证明'],
      departments: ['scjgj'],
      matterCodes: [],
      status: 'published',
      reviewDueAt: day(now, -3),
      body: '<p>实行住所（经营场所）<strong>申报承诺制</strong>：申请人如实申报经营场所并承诺真实有效，无需提交房屋产权证明。农村自建房、无产权证房屋可由村（居）委会出具使用证明。</p>',
    },
    {
      writer: 'ghzrzyj',
      title: '不动产登记（二手房转移登记）材料清单',
      category: '不动产',
      kind: 'materials',
      issuer: '县规划自然资源局',
      keywords: ['不动产登记', '二手房', '过户', '不动产权证'],
      departments: ['ghzrzyj', 'swj'],
      matterCodes: [],
      status: 'published',
      reviewDueAt: day(now, 90),
      body:
        '<ul><li>不动产登记申请书</li><li>买卖双方身份证明（已婚的提供婚姻证明）</li><li>不动产权证书</li><li>房屋买卖合同（网签备案）</li><li>完税凭证（“一窗受理”的由税务窗口同步出具）</li></ul>' +
        '<p>交易、缴税、登记<strong>一窗受理、并联办理</strong>，资料齐全的 1 个工作日内办结。</p>',
    },
    {
      writer: 'ybj',
      title: '异地就医备案政策问答',
      category: '医疗保障',
      kind: 'policy',
      issuer: '县医保局',
      keywords: ['异地就医', '医保备案', '医保'],
      departments: ['ybj'],
      matterCodes: [],
      status: 'published',
      reviewDueAt: null,
      body: '<p>参保人员异地长期居住、工作的，可通过“国家医保服务平台”APP 自助备案，<strong>即时生效</strong>；临时外出就医的，可先就医后补办备案。</p>',
    },
    {
      writer: 'gjjzx',
      title: '住房公积金提取（租房）办事指南（修订中）',
      category: '住房公积金',
      kind: 'guide',
      issuer: '县住房公积金管理中心',
      keywords: ['公积金提取', '租房'],
      departments: ['gjjzx'],
      matterCodes: [],
      status: 'draft',
      reviewDueAt: null,
      body: '<p>无自有住房且租房自住的职工，可每年提取一次，提供身份证、租赁合同（或无房声明）。</p>',
    },
  ];
}

/** Writes the demo entries (each by its department's handler). Answers how many. */
export async function seedDemoKnowledge(ctx: AppContext, actor: (username: string) => Actor, now: number): Promise<number> {
  let n = 0;
  for (const { writer, ...input } of demoKnowledge(now)) {
    await createKnowledge(ctx, input, actor(writer));
    n++;
  }
  return n;
}
