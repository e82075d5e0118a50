/**
 * 知识库:政策文件、材料清单、办事指南、常见问答 (GET /knowledge). Everyone searches the published
 * entries (every word typed must appear in title, keywords or content) and opens them; writers —
 * 县行管办, 系统管理员, a department's handlers for its own entries — see their drafts and expired
 * entries, create and edit (a small rich-text editor: paragraphs, bold, headings, lists, kept as
 * the safe subset of HTML), publish, expire and publish again. 待复核 marks published entries past
 * their review date.
 */
import { useEffect, useRef, useState } from 'react';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Modal, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { FieldSelect } from '../components/FieldSelect';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { KNOWLEDGE_KINDS, KNOWLEDGE_KIND_LABELS, KNOWLEDGE_STATUSES, KNOWLEDGE_STATUS_LABELS, KNOWLEDGE_TRANSITIONS, type KnowledgeKind, type KnowledgeStatus } from '../../../core/knowledge';
import { can } from '../../../core/permissions';
import { api, ApiError, toQuery } from '../api/client';
import type { KnowledgeEntry, KnowledgePage as Page } from '../api/types';
import { departmentOptions, useDepartmentNames, useDepartments } from '../api/queries';
import { useUser } from '../auth/AuthContext';
import { applyFieldErrors } from '../lib/forms';
import { useSubmitGuard } from '../lib/useSubmitGuard';
import { formatDateTime } from '../lib/time';
import { LoadMore } from '../components/LoadMore';
import { MultiSelect } from '../components/MultiSelect';
import { KnowledgeBody, KnowledgeDrawer, KnowledgeFiles, KnowledgeStatusTags } from '../components/Knowledge';

const FIELDS = ['title', 'category', 'kind', 'body', 'issuer', 'keywords', 'departments', 'matterCodes', 'reviewDueAt'];

interface Values {
  title: string;
  category: string;
  kind: KnowledgeKind;
  body: string;
  issuer?: string;
  keywords: string[];
  departments: string[];
  matterCodes: string[];
  reviewDueAt?: dayjs.Dayjs | null;
}

/** Buttons that wrap the selected text of the body's textarea in one of the allowed tags. */
function BodyEditor({ value = '', onChange }: { value?: string; onChange?: (v: string) => void }) {
  const ref = useRef<HTMLTextAreaElement | null>(null);
  const [preview, setPreview] = useState(false);
  const wrap = (open: string, close: string, perLine = false) => {
    const el = ref.current;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    const picked = value.slice(start, end) || '文字';
    const inner = perLine ? picked.split('\n').map((l) => `<li>${l}</li>`).join('') : picked;
    onChange?.(`${value.slice(0, start)}${open}${inner}${close}${value.slice(end)}`);
  };
  return (
    <div>
      <Space size={4} style={{ marginBottom: 4 }} wrap>
        <Button size="small" onClick={() => wrap('<p>', '</p>')}>段落</Button>
        <Button size="small" onClick={() => wrap('<strong>', '</strong>')}><b>加粗</b></Button>
        <Button size="small" onClick={() => wrap('<h3>', '</h3>')}>小标题</Button>
        <Button size="small" onClick={() => wrap('<ul>', '</ul>', true)}>列表</Button>
        <Button size="small" onClick={() => wrap('<ol>', '</ol>', true)}>编号列表</Button>
        <Button size="small" type={preview ? 'primary' : 'default'} onClick={() => setPreview((p) => !p)}>预览</Button>
      </Space>
      {preview ? (
        <div style={{ border: '1px solid #d9d9d9', borderRadius: 6, padding: 8, minHeight: 160 }}>
          <KnowledgeBody html={value} />
        </div>
      ) : (
        <textarea
          ref={ref}
          className="ant-input"
          aria-label="内容"
          rows={10}
          value={value}
          onChange={(e) => onChange?.(e.target.value)}
          placeholder="正文；选中文字后用上方按钮设置格式（只保留段落、加粗、小标题、列表）"
          style={{ width: '100%', fontFamily: 'inherit' }}
        />
      )}
    </div>
  );
}

function EditorDialog({ entry, onClose, onSaved, onFiles }: { entry: KnowledgeEntry | 'new'; onClose: () => void; onSaved: (e: KnowledgeEntry) => void; onFiles: () => void }) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const user = useUser();
  const { data: departments } = useDepartments();
  const { run, pending } = useSubmitGuard();
  const [error, setError] = useState<string | null>(null);
  const editing = entry === 'new' ? null : entry;
  const from: KnowledgeStatus | null = editing?.status ?? null;
  const targets: KnowledgeStatus[] = from ? [from, ...KNOWLEDGE_TRANSITIONS[from]] : ['draft', 'published'];

  const save = (status: KnowledgeStatus) =>
    run(async () => {
      setError(null);
      let v: Values;
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      const body = {
        title: v.title.trim(),
        category: v.category.trim(),
        kind: v.kind,
        body: v.body,
        issuer: v.issuer?.trim() || null,
        keywords: v.keywords ?? [],
        departments: v.departments ?? [],
        matterCodes: v.matterCodes ?? [],
        status,
        reviewDueAt: v.reviewDueAt ? v.reviewDueAt.format('YYYY-MM-DD') : null,
      };
      try {
        const saved = editing ? await api<KnowledgeEntry>(`/knowledge/${editing.id}`, { method: 'PUT', body }) : await api<KnowledgeEntry>('/knowledge', { body });
        void message.success(`已保存“${saved.title}”（${KNOWLEDGE_STATUS_LABELS[saved.status]}）`);
        onSaved(saved);
      } catch (e) {
        if (e instanceof ApiError) {
          const loose = applyFieldErrors(form, e.details, FIELDS);
          if (loose.length || !e.details.length) setError(loose.join('；') || e.message);
        } else setError('保存失败，请重试');
      }
    });

  const label: Record<KnowledgeStatus, string> = { draft: '保存草稿', published: from === 'expired' ? '重新发布' : '保存并发布', expired: '设为已失效' };
  return (
    <Modal
      open
      title={editing ? `修改知识条目：${editing.title}` : '新建知识条目'}
      onCancel={onClose}
      width={860}
      maskClosable={false}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>取消</Button>,
        ...targets.map((s) => (
          <Button key={s} type={s === 'published' ? 'primary' : 'default'} danger={s === 'expired'} loading={pending} onClick={() => void save(s)}>
            {s === from ? '保存' : label[s]}
          </Button>
        )),
      ]}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={
          editing
            ? { ...editing, issuer: editing.issuer ?? '', reviewDueAt: editing.reviewDueAt ? dayjs(editing.reviewDueAt) : null }
            : { kind: 'guide', keywords: [], departments: user.role === 'handler' && user.department ? [user.department] : [], matterCodes: [], body: '' }
        }
      >
        <Form.Item name="title" label="标题" rules={[{ required: true, whitespace: true, message: '请填写标题' }, { max: 128, message: '标题不能超过 128 个字' }]}>
          <Input maxLength={128} placeholder="如：营业执照变更登记材料清单" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="category" label="类目" rules={[{ required: true, whitespace: true, message: '请填写类目' }]}>
              <Input maxLength={50} placeholder="如：市场主体、社会保障" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="kind" label="材料性质" rules={[{ required: true }]}>
              <FieldSelect options={KNOWLEDGE_KINDS.map((k) => ({ value: k, label: KNOWLEDGE_KIND_LABELS[k] }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="issuer" label="发文单位">
              <Input maxLength={100} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="body" label="内容" rules={[{ required: true, whitespace: true, message: '请填写内容' }]}>
          <BodyEditor />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="keywords" label="关键字" tooltip="输入后按 Enter">
              <MultiSelect mode="tags" tokenSeparators={[',', '，', ' ']} open={false} placeholder="如：社保转移" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="departments" label="所属部门" tooltip="所属部门的承办人员可以编写本条目，复核提醒也发给他们">
              <MultiSelect showSearch optionFilterProp="label" options={departmentOptions(departments)} placeholder="输入部门名称搜索" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="matterCodes" label="事项编码" tooltip="政务服务事项目录的编码，输入后按 Enter">
              <MultiSelect mode="tags" tokenSeparators={[',', '，', ' ']} open={false} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="reviewDueAt" label="复核日期" tooltip="到期前 5 个工作日提醒所属部门复核；过期未复核的标“待复核”">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {editing ? <KnowledgeFiles e={editing} onChanged={onFiles} /> : <Typography.Text type="secondary">保存后可上传原件（PDF、OFD、Word）。</Typography.Text>}
    </Modal>
  );
}

export default function KnowledgePage() {
  const user = useUser();
  const names = useDepartmentNames();
  const { data: departments } = useDepartments();
  const qc = useQueryClient();
  const writer = can(user.role, 'writeKnowledge');
  const [q, setQ] = useState('');
  const [filters, setFilters] = useState<{ status?: KnowledgeStatus; kind?: KnowledgeKind; category?: string; department?: string }>({});
  const [open, setOpen] = useState<number | null>(null);
  const [editing, setEditing] = useState<KnowledgeEntry | 'new' | null>(null);
  useEffect(() => {
    document.title = '知识库 · 办成事';
  }, []);
  const list = useInfiniteQuery({
    queryKey: ['knowledge-list', q, filters],
    queryFn: ({ pageParam }) => api<Page>(`/knowledge${toQuery({ q, ...filters, limit: 50, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const edit = async (id: number) => setEditing(await api<KnowledgeEntry>(`/knowledge/${id}`));

  return (
    <Card
      title={<h1 className="bcs-page-title">知识库</h1>}
      extra={
        writer && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            新建条目
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search allowClear placeholder="搜索标题、关键字、内容（多个词用空格分开）" onSearch={(v) => setQ(v.trim())} style={{ width: 360 }} aria-label="搜索知识库" enterButton />
        <Select allowClear aria-label="按材料性质筛选" placeholder="材料性质" style={{ width: 130 }} options={KNOWLEDGE_KINDS.map((k) => ({ value: k, label: KNOWLEDGE_KIND_LABELS[k] }))} onChange={(kind) => setFilters((f) => ({ ...f, kind }))} />
        {writer && (
          <Select allowClear aria-label="按状态筛选" placeholder="状态" style={{ width: 110 }} options={KNOWLEDGE_STATUSES.map((s) => ({ value: s, label: KNOWLEDGE_STATUS_LABELS[s] }))} onChange={(status) => setFilters((f) => ({ ...f, status }))} />
        )}
        <Input allowClear aria-label="按类目筛选" placeholder="类目" style={{ width: 140 }} onChange={(e) => setFilters((f) => ({ ...f, category: e.target.value.trim() || undefined }))} />
        <Select allowClear showSearch optionFilterProp="label" aria-label="按部门筛选" placeholder="部门" style={{ width: 180 }} options={departmentOptions(departments)} onChange={(department) => setFilters((f) => ({ ...f, department }))} />
      </Space>
      <Table<KnowledgeEntry>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        pagination={false}
        dataSource={rows}
        data-testid="knowledge-table"
        columns={[
          {
            title: '标题',
            dataIndex: 'title',
            render: (t: string, e) => (
              <Typography.Link onClick={() => setOpen(e.id)} data-testid="knowledge-title">
                {t}
              </Typography.Link>
            ),
          },
          { title: '类目', dataIndex: 'category', width: 120 },
          { title: '材料性质', dataIndex: 'kind', width: 100, render: (k: KnowledgeKind) => KNOWLEDGE_KIND_LABELS[k] },
          { title: '所属部门', dataIndex: 'departments', width: 180, render: (d: string[]) => d.map((c) => names.get(c) ?? c).join('、') || '—' },
          { title: '状态', key: 'status', width: 150, render: (_: unknown, e) => <KnowledgeStatusTags e={e} /> },
          { title: '复核日期', dataIndex: 'reviewDueAt', width: 110, render: (v: string | null) => (v ? formatDateTime(v).slice(0, 10) : '—') },
          { title: '打开/引用', key: 'counts', width: 90, render: (_: unknown, e) => `${e.openCount} / ${e.linkCount}` },
          ...(writer
            ? [
                {
                  title: '',
                  key: 'edit',
                  width: 70,
                  render: (_: unknown, e: KnowledgeEntry) =>
                    e.canEdit && (
                      <Button size="small" type="link" icon={<EditOutlined />} onClick={() => void edit(e.id)}>
                        修改
                      </Button>
                    ),
                },
              ]
            : []),
        ]}
      />
      <LoadMore shown={rows.length} unit="条" hasMore={!!list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />
      {!writer && <Tag style={{ marginTop: 8 }}>只显示已发布的条目</Tag>}
      <KnowledgeDrawer id={open} onClose={() => setOpen(null)} />
      {editing && (
        <EditorDialog
          entry={editing}
          onClose={() => setEditing(null)}
          onFiles={() => {
            if (editing !== 'new') void edit(editing.id);
            void qc.invalidateQueries({ queryKey: ['knowledge'] });
          }}
          onSaved={() => {
            setEditing(null);
            void qc.invalidateQueries({ queryKey: ['knowledge-list'] });
            void qc.invalidateQueries({ queryKey: ['knowledge'] });
          }}
        />
      )}
    </Card>
  );
}
