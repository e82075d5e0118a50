/**
 * The 知识库 part of the API contract: request and answer schemas (docs/CONTRACT.md, "Knowledge
 * base and matters"). Kept apart from schemas.ts / responses.ts so this part reads as one.
 */
import { z } from 'zod';
import { KNOWLEDGE_KINDS, KNOWLEDGE_STATUSES } from '../knowledge.js';
import { ZDeadline, ZDepartmentCode, ZPageLimit } from './schemas.js';
import { ZShanghaiTime } from './responses.js';

export const KNOWLEDGE_LIMITS = { title: 128, category: 50, issuer: 100, body: 50_000, keyword: 30, keywords: 20, matterCode: 64, matterCodes: 50 } as const;

const text = (label: string, max: number) =>
  z.string({ error: `${label}必须是文字` }).trim().min(1, { error: `请填写${label}` }).max(max, { error: `${label}不能超过 ${max} 个字` });

const ZKind = z.enum(KNOWLEDGE_KINDS, { error: '材料性质应为 policy（政策文件）、materials（材料清单）、guide（办事指南）或 faq（常见问答）' });
const ZStatus = z.enum(KNOWLEDGE_STATUSES, { error: '状态应为 draft（草稿）、published（已发布）或 expired（已失效）' });

/** POST /knowledge and PUT /knowledge/{id}: the whole entry. */
export const ZKnowledgeInput = z.object({
  title: text('标题', KNOWLEDGE_LIMITS.title),
  category: text('类目', KNOWLEDGE_LIMITS.category),
  kind: ZKind,
  body: z.string({ error: '内容必须是文字' }).max(KNOWLEDGE_LIMITS.body, { error: `内容不能超过 ${KNOWLEDGE_LIMITS.body} 个字` }).refine((v) => v.replace(/<[^>]*>|&nbsp;|\s/g, '').length > 0, { error: '请填写内容' }),
  issuer: z.string({ error: '发文单位必须是文字' }).trim().max(KNOWLEDGE_LIMITS.issuer, { error: `发文单位不能超过 ${KNOWLEDGE_LIMITS.issuer} 个字` }).nullish().transform((v) => (v ? v : null)),
  keywords: z
    .array(text('关键字', KNOWLEDGE_LIMITS.keyword), { error: '关键字应为文字列表' })
    .max(KNOWLEDGE_LIMITS.keywords, { error: `关键字最多 ${KNOWLEDGE_LIMITS.keywords} 个` })
    .optional()
    .default([])
    .transform((v) => [...new Set(v)]),
  departments: z.array(ZDepartmentCode, { error: '部门应为部门代码列表' }).max(30).optional().default([]).transform((v) => [...new Set(v)]),
  matterCodes: z
    .array(text('事项编码', KNOWLEDGE_LIMITS.matterCode), { error: '事项编码应为文字列表' })
    .max(KNOWLEDGE_LIMITS.matterCodes)
    .optional()
    .default([])
    .transform((v) => [...new Set(v)]),
  status: ZStatus.optional().default('draft'),
  reviewDueAt: ZDeadline.nullish().transform((v) => v ?? null),
});
export type TKnowledgeInput = z.infer<typeof ZKnowledgeInput>;

/** GET /knowledge: filters and the page. */
export const ZKnowledgeQuery = z.object({
  q: z.string().trim().max(200, { error: '搜索词不能超过 200 字' }).optional().describe('中文词语，空格分隔：每个词都须出现在标题、关键字或内容中'),
  status: ZStatus.optional(),
  category: z.string().trim().max(KNOWLEDGE_LIMITS.category).optional(),
  kind: ZKind.optional(),
  department: ZDepartmentCode.optional(),
  limit: ZPageLimit,
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, { error: '分页游标无效' })
    .optional()
    .transform((v) => (v === undefined ? undefined : Number(v))),
});

/** GET /knowledge/search: `q` (every word) or `text` (free text, cut into words, best first). */
export const ZKnowledgeSearchQuery = z
  .object({
    q: z.string().trim().max(200, { error: '搜索词不能超过 200 字' }).optional(),
    text: z.string().trim().max(2000, { error: '文本不能超过 2000 字' }).optional(),
    limit: z
      .string()
      .regex(/^\d{1,2}$/, { error: 'limit 应为 1–50 的整数' })
      .optional()
      .transform((v) => (v === undefined ? 10 : Number(v)))
      .refine((v) => v >= 1 && v <= 50, { error: 'limit 应为 1–50 的整数' }),
  })
  .refine((v) => !!v.q || !!v.text, { error: '请给出 q（搜索词）或 text（一段描述）', path: ['q'] });

export const ZKnowledgeLinkInput = z.object({ knowledgeId: z.number({ error: '请指定知识条目（knowledgeId）' }).int().positive({ error: 'knowledgeId 应为正整数' }) });

export const ZKnowledgeFile = z.object({
  id: z.number().int(),
  knowledgeId: z.number().int(),
  name: z.string().describe('原文件名'),
  size: z.number().int().describe('字节数'),
  fileType: z.string().describe('按内容识别的类型：pdf、ofd、docx、doc'),
  sm3: z.string().describe('文件的 SM3（64 位十六进制）'),
  uploadedBy: z.string(),
  uploadedAt: ZShanghaiTime,
});

export const ZKnowledge = z
  .object({
    id: z.number().int(),
    source: z.literal('knowledge'),
    title: z.string(),
    category: z.string().describe('类目'),
    kind: ZKind.describe('材料性质'),
    body: z.string().describe('内容：安全的 HTML 子集（p、br、strong、em、u、ul、ol、li、h3、h4，无属性）'),
    issuer: z.string().nullable().describe('发文单位'),
    keywords: z.array(z.string()),
    departments: z.array(z.string()).describe('所属部门代码'),
    matterCodes: z.array(z.string()),
    status: ZStatus,
    reviewDueAt: ZShanghaiTime.nullable().describe('复核日期'),
    reviewOverdue: z.boolean().describe('已发布且复核日期已过：待复核'),
    openCount: z.number().int().describe('被打开的次数'),
    linkCount: z.number().int().describe('被反映件引用的次数'),
    canEdit: z.boolean().describe('调用者可否修改'),
    files: z.array(ZKnowledgeFile).describe('原件（发文原文：PDF、OFD、Word），GET /knowledge/{id}/files/{fid} 下载'),
    createdBy: z.string(),
    createdAt: ZShanghaiTime,
    updatedBy: z.string(),
    updatedAt: ZShanghaiTime,
  })
  .meta({ title: 'Knowledge' });

export const ZKnowledgePage = z.object({ items: z.array(ZKnowledge), nextCursor: z.string().nullable().describe('下一页的 cursor；没有更多时为 null') });

/** One hit of GET /knowledge/search: an entry, a published 一件事一次办 package or a published typical case. */
export const ZKnowledgeHit = z.object({
  source: z.enum(['knowledge', 'package', 'typicalCase']).describe('knowledge 知识条目、package “一件事一次办”套餐、typicalCase 典型案例'),
  id: z.number().int(),
  title: z.string(),
  kind: z.string().nullable().describe('知识条目的材料性质；套餐、典型案例为 null'),
  snippet: z.string().describe('内容摘要（纯文本，最多 120 字）'),
  reviewOverdue: z.boolean(),
});
export const ZKnowledgeSearch = z.object({ items: z.array(ZKnowledgeHit), nextCursor: z.null() });

export const ZCaseKnowledge = z.object({ id: z.number().int(), title: z.string() });
export const ZCaseKnowledgeList = z.object({ items: z.array(ZCaseKnowledge) });
