/**
 * 知识库 pieces shared by the pages: an entry's body (the safe subset of HTML, sanitised again
 * here by the same core function before it is put into the page), the drawer that opens an entry,
 * the intake's 相关知识 panel, and the case's 引用的知识 card.
 */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Drawer, Empty, List, Select, Space, Spin, Tag, Typography } from 'antd';
import { BookOutlined, FileOutlined, LinkOutlined } from '@ant-design/icons';
import { KNOWLEDGE_KIND_LABELS, KNOWLEDGE_STATUS_LABELS, sanitizeKnowledgeBody, type KnowledgeKind } from '../../../core/knowledge';
import { api, API_BASE, ApiError, toQuery } from '../api/client';
import type { CaseDetail, KnowledgeEntry, KnowledgeHit, KnowledgeSearchAnswer } from '../api/types';
import { useDepartmentNames } from '../api/queries';
import { formatDateTime } from '../lib/time';

export const SOURCE_LABELS: Record<KnowledgeHit['source'], string> = { knowledge: '知识', package: '一件事一次办', typicalCase: '典型案例' };
const STATUS_COLORS: Record<KnowledgeEntry['status'], string> = { draft: 'default', published: 'green', expired: 'red' };

export function KnowledgeStatusTags({ e }: { e: Pick<KnowledgeEntry, 'status' | 'reviewOverdue'> }) {
  return (
    <>
      <Tag color={STATUS_COLORS[e.status]}>{KNOWLEDGE_STATUS_LABELS[e.status]}</Tag>
      {e.reviewOverdue && (
        <Tag color="orange" data-testid="review-overdue">
          待复核
        </Tag>
      )}
    </>
  );
}

/** The body as HTML: only the safe subset survives (core/knowledge.ts), whatever the server sent. */
export function KnowledgeBody({ html }: { html: string }) {
  return <div className="bcs-knowledge-body" data-testid="knowledge-body" dangerouslySetInnerHTML={{ __html: sanitizeKnowledgeBody(html) }} />;
}

/** An entry opened in a drawer (GET /knowledge/{id}: counted as opened). */
export function KnowledgeDrawer({ id, onClose, extra }: { id: number | null; onClose: () => void; extra?: (e: KnowledgeEntry) => React.ReactNode }) {
  const names = useDepartmentNames();
  const q = useQuery({ queryKey: ['knowledge', id], queryFn: () => api<KnowledgeEntry>(`/knowledge/${id}`), enabled: id !== null, staleTime: 0 });
  const e = q.data;
  return (
    <Drawer open={id !== null} onClose={onClose} width={640} title={e ? e.title : '知识条目'} destroyOnHidden data-testid="knowledge-drawer" extra={e && extra?.(e)}>
      {q.isLoading && <Spin />}
      {q.error && <Typography.Text type="danger">{q.error instanceof ApiError ? q.error.message : '读取失败'}</Typography.Text>}
      {e && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label="类目">{e.category}</Descriptions.Item>
            <Descriptions.Item label="材料性质">{KNOWLEDGE_KIND_LABELS[e.kind]}</Descriptions.Item>
            <Descriptions.Item label="发文单位">{e.issuer ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="状态">
              <KnowledgeStatusTags e={e} />
            </Descriptions.Item>
            <Descriptions.Item label="所属部门">{e.departments.map((d) => names.get(d) ?? d).join('、') || '—'}</Descriptions.Item>
            <Descriptions.Item label="复核日期">{e.reviewDueAt ? formatDateTime(e.reviewDueAt).slice(0, 10) : '—'}</Descriptions.Item>
            <Descriptions.Item label="关键字" span={2}>
              {e.keywords.length ? e.keywords.map((k) => <Tag key={k}>{k}</Tag>) : '—'}
            </Descriptions.Item>
            {e.matterCodes.length > 0 && (
              <Descriptions.Item label="事项编码" span={2}>
                {e.matterCodes.join('、')}
              </Descriptions.Item>
            )}
            <Descriptions.Item label="打开 / 引用">
              {e.openCount} 次 / {e.linkCount} 件
            </Descriptions.Item>
            <Descriptions.Item label="更新">
              {formatDateTime(e.updatedAt)}（{e.updatedBy}）
            </Descriptions.Item>
          </Descriptions>
          <KnowledgeBody html={e.body} />
          <KnowledgeFiles e={e} />
        </Space>
      )}
    </Drawer>
  );
}

/** The entry's source documents (原件), each a download; writers upload and remove them. */
export function KnowledgeFiles({ e, onChanged }: { e: KnowledgeEntry; onChanged?: () => void }) {
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement | null>(null);
  const [busy, setBusy] = useState(false);
  const upload = async (file: File) => {
    setBusy(true);
    try {
      const fd = new FormData();
      fd.append('file', file, file.name);
      await api(`/knowledge/${e.id}/files`, { method: 'POST', body: fd });
      void message.success(`已上传“${file.name}”`);
      onChanged?.();
    } catch (err) {
      void message.error(err instanceof ApiError ? err.message : '上传失败，请重试');
    } finally {
      setBusy(false);
    }
  };
  const remove = async (fid: number) => {
    try {
      await api(`/knowledge/${e.id}/files/${fid}`, { method: 'DELETE' });
      onChanged?.();
    } catch (err) {
      void message.error(err instanceof ApiError ? err.message : '移除失败，请重试');
    }
  };
  if (e.files.length === 0 && !onChanged) return null;
  return (
    <div data-testid="knowledge-files">
      <Typography.Text strong>原件</Typography.Text>
      <List
        size="small"
        dataSource={e.files}
        locale={{ emptyText: '尚无原件' }}
        renderItem={(f) => (
          <List.Item
            key={f.id}
            actions={onChanged && e.canEdit ? [<Button key="rm" size="small" type="link" danger onClick={() => void remove(f.id)}>移除</Button>] : []}
          >
            <a href={`${API_BASE}/knowledge/${e.id}/files/${f.id}`} download={f.name}>
              <FileOutlined /> {f.name}
            </a>
            <Typography.Text type="secondary" style={{ marginLeft: 8 }}>{Math.max(1, Math.round(f.size / 1024))} KB</Typography.Text>
          </List.Item>
        )}
      />
      {onChanged && e.canEdit && (
        <>
          <input ref={input} type="file" hidden accept=".pdf,.ofd,.docx,.doc,application/pdf" aria-label="选择原件" onChange={(ev) => { const f = ev.target.files?.[0]; ev.target.value = ''; if (f) void upload(f); }} />
          <Button size="small" loading={busy} onClick={() => input.current?.click()}>上传原件（PDF、OFD、Word）</Button>
        </>
      )}
    </div>
  );
}

/** A hit that is not an entry: where it lives. */
const sourcePage = (h: KnowledgeHit) => (h.source === 'package' ? '/optimization/packages' : '/optimization/typical-cases');

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/**
 * 相关知识 beside the intake form: published entries, packages and typical cases matching what the
 * clerk is typing (matter and description, debounced; GET /knowledge/search?text=). An entry opens
 * in a drawer; 保存时引用 keeps it to be linked to the case once saved.
 */
export function KnowledgeSuggestions({ text, chosen, onChosen }: { text: string; chosen: Array<{ id: number; title: string }>; onChosen: (c: Array<{ id: number; title: string }>) => void }) {
  const words = useDebounced(text.trim(), 400);
  const [open, setOpen] = useState<number | null>(null);
  const q = useQuery({
    queryKey: ['knowledge-search', words],
    queryFn: () => api<KnowledgeSearchAnswer>(`/knowledge/search${toQuery({ text: words.slice(0, 2000), limit: 8 })}`),
    enabled: words.length >= 2,
    staleTime: 60_000,
  });
  const isChosen = (id: number) => chosen.some((c) => c.id === id);
  const toggle = (h: { id: number; title: string }) => onChosen(isChosen(h.id) ? chosen.filter((c) => c.id !== h.id) : [...chosen, { id: h.id, title: h.title }]);
  return (
    <Card size="small" title={<span><BookOutlined /> 相关知识</span>} data-testid="knowledge-suggestions">
      {words.length < 2 ? (
        <Typography.Text type="secondary">填写事项名称和诉求后，这里显示相关的政策、材料清单和办事指南。</Typography.Text>
      ) : q.isLoading ? (
        <Spin size="small" />
      ) : (q.data?.items.length ?? 0) === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有找到相关知识" />
      ) : (
        <List
          size="small"
          dataSource={q.data!.items}
          renderItem={(h) => (
            <List.Item
              key={`${h.source}-${h.id}`}
              actions={
                h.source === 'knowledge'
                  ? [
                      <Button key="pick" size="small" type={isChosen(h.id) ? 'primary' : 'default'} onClick={() => toggle(h)} aria-pressed={isChosen(h.id)}>
                        {isChosen(h.id) ? '已选引用' : '保存时引用'}
                      </Button>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space size={4} wrap>
                    <Tag color={h.source === 'knowledge' ? 'blue' : 'purple'}>{h.kind ? KNOWLEDGE_KIND_LABELS[h.kind as KnowledgeKind] : SOURCE_LABELS[h.source]}</Tag>
                    {h.source === 'knowledge' ? (
                      <Typography.Link onClick={() => setOpen(h.id)} data-testid="knowledge-hit">
                        {h.title}
                      </Typography.Link>
                    ) : (
                      <Link to={sourcePage(h)} target="_blank">
                        {h.title}
                      </Link>
                    )}
                    {h.reviewOverdue && <Tag color="orange">待复核</Tag>}
                  </Space>
                }
                description={<Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>{h.snippet}</Typography.Paragraph>}
              />
            </List.Item>
          )}
        />
      )}
      <KnowledgeDrawer
        id={open}
        onClose={() => setOpen(null)}
        extra={(e) =>
          e.status === 'published' && (
            <Button type={isChosen(e.id) ? 'primary' : 'default'} onClick={() => toggle(e)}>
              {isChosen(e.id) ? '已选引用' : '保存时引用'}
            </Button>
          )
        }
      />
    </Card>
  );
}

/** The entries a case used (c.knowledge), each opened in the drawer; staff who see the case link more or unlink. */
export function CaseKnowledgeCard({ c, onChanged }: { c: CaseDetail; onChanged: () => void }) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState<number | null>(null);
  const [search, setSearch] = useState('');
  const words = useDebounced(search.trim(), 300);
  const found = useQuery({
    queryKey: ['knowledge-pick', words],
    queryFn: () => api<{ items: KnowledgeEntry[] }>(`/knowledge${toQuery({ q: words, status: 'published', limit: 20 })}`),
    enabled: words.length > 0,
  });
  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      void message.success(done);
      void qc.invalidateQueries({ queryKey: ['knowledge'] });
      onChanged();
    } catch (e) {
      void message.error(e instanceof ApiError ? e.message : '操作失败，请重试');
    }
  };
  return (
    <Card size="small" title="引用的知识" data-testid="case-knowledge">
      {(c.knowledge ?? []).length === 0 ? (
        <Typography.Text type="secondary">尚未引用知识条目。</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={c.knowledge}
          renderItem={(k) => (
            <List.Item
              key={k.id}
              actions={[
                <Button key="un" size="small" type="link" onClick={() => void act(() => api(`/cases/${c.id}/knowledge/${k.id}`, { method: 'DELETE' }), '已取消引用')}>
                  取消引用
                </Button>,
              ]}
            >
              <Typography.Link onClick={() => setOpen(k.id)}>
                <BookOutlined /> {k.title}
              </Typography.Link>
            </List.Item>
          )}
        />
      )}
      <Space.Compact style={{ width: '100%', marginTop: 8 }}>
        <Select
          showSearch
          filterOption={false}
          value={null}
          placeholder="搜索知识库并引用（输入关键词）"
          onSearch={setSearch}
          notFoundContent={words ? (found.isLoading ? <Spin size="small" /> : '没有找到') : null}
          options={(found.data?.items ?? []).filter((e) => !(c.knowledge ?? []).some((k) => k.id === e.id)).map((e) => ({ value: e.id, label: e.title }))}
          onChange={(id: number | null) => id && void act(() => api(`/cases/${c.id}/knowledge`, { body: { knowledgeId: id } }), '已引用')}
          style={{ width: '100%' }}
          aria-label="引用知识"
          suffixIcon={<LinkOutlined />}
        />
      </Space.Compact>
      <KnowledgeDrawer id={open} onClose={() => setOpen(null)} />
    </Card>
  );
}
