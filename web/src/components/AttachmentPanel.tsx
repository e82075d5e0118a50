/**
 * 附件 on the case page: the list (kind, name, size, uploader, time), upload with a kind and a
 * note, preview of images and PDF in a dialog (other types download), withdrawal with a reason.
 */
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Form, Input, Modal, Space, Switch, Table, Tag, Typography } from 'antd';
import { FieldSelect } from './FieldSelect';
import { ACCEPTED_TYPES_TEXT, ATTACHMENT_KINDS, ATTACHMENT_KIND_LABELS, canWithdrawAttachment, type AttachmentKind } from '../../../core/attachments';
import { ATTACHMENT_ACCEPT, attachmentUrl, formatSize, isPreviewable, listAttachments, uploadAttachment, withdrawAttachment } from '../api/attachments';
import type { Attachment, CaseDetail } from '../api/types';
import { formatDateTime } from '../lib/time';
import { useUser } from '../auth/AuthContext';


export function AttachmentPanel({ c }: { c: CaseDetail }) {
  const user = useUser();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [showWithdrawn, setShowWithdrawn] = useState(false);
  const [uploadOpen, setUploadOpen] = useState(false);
  const [preview, setPreview] = useState<Attachment | null>(null);
  const [withdrawing, setWithdrawing] = useState<Attachment | null>(null);
  // The case's answer already carries the files not withdrawn: only the withdrawn ones need a request.
  const withdrawn = useQuery({
    queryKey: ['attachments', c.id, 'withdrawn'],
    queryFn: () => listAttachments(c.id, true),
    enabled: showWithdrawn,
  });
  const list = showWithdrawn ? withdrawn : { data: { items: c.attachments }, isError: false, isLoading: false, error: null, refetch: () => withdrawn.refetch() };
  const refresh = async () => {
    await Promise.all([qc.invalidateQueries({ queryKey: ['case', String(c.id)] }), qc.invalidateQueries({ queryKey: ['attachments', c.id] })]);
  };
  const closed = c.status === 'closed';
  const items = list.data?.items ?? [];

  return (
    <Card
      title={`附件（${c.attachments.length}）`}
      size="small"
      data-testid="attachment-panel"
      extra={
        <Space>
          <span>
            <Switch size="small" checked={showWithdrawn} onChange={setShowWithdrawn} aria-label="显示已撤回的附件" /> 显示已撤回
          </span>
          {!closed && (
            <Button size="small" type="primary" onClick={() => setUploadOpen(true)} data-testid="attachment-upload-open">
              上传附件
            </Button>
          )}
        </Space>
      }
    >
      {list.isError ? (
        <Alert type="error" showIcon message="附件加载失败" description={(list.error as Error).message} action={<Button size="small" onClick={() => void list.refetch()}>重试</Button>} />
      ) : (
        <Table<Attachment>
          size="small"
          rowKey="id"
          pagination={false}
          loading={list.isLoading}
          dataSource={items}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={list.isLoading ? '正在加载附件…' : '暂无附件'} /> }}
          columns={[
            { title: '用途', dataIndex: 'kind', render: (k: AttachmentKind, a) => (
              <Space size={4}>
                <Tag>{ATTACHMENT_KIND_LABELS[k] ?? k}</Tag>
                {a.source === 'public' && <Tag color="blue">网上反映</Tag>}
                {a.withdrawn && <Tag color="default">已撤回</Tag>}
              </Space>
            ) },
            {
              title: '文件',
              dataIndex: 'name',
              render: (name: string, a) => (
                <div>
                  {isPreviewable(a) ? (
                    <Typography.Link
                      href={attachmentUrl(a, true)}
                      onClick={(e) => {
                        // A real link (opens in a new tab with a middle click); a plain click previews here.
                        e.preventDefault();
                        setPreview(a);
                      }}
                      data-testid="attachment-preview"
                    >
                      {name}
                    </Typography.Link>
                  ) : (
                    <Typography.Link href={attachmentUrl(a)} download={name}>
                      {name}
                    </Typography.Link>
                  )}
                  {a.note && <div style={{ fontSize: 12, color: '#595959' }}>{a.note}</div>}
                  {a.withdrawn && (
                    <div style={{ fontSize: 12, color: '#595959' }}>
                      撤回原因：{a.withdrawnReason}（{a.withdrawnBy} {formatDateTime(a.withdrawnAt)}）
                    </div>
                  )}
                </div>
              ),
            },
            { title: '大小', dataIndex: 'size', render: (n: number) => formatSize(n) },
            { title: '上传人', dataIndex: 'uploadedByName' },
            { title: '时间', dataIndex: 'uploadedAt', render: (v: string) => formatDateTime(v) },
            {
              title: '操作',
              render: (_: unknown, a) => (
                <Space size={4}>
                  <Button size="small" href={attachmentUrl(a)} download={a.name} aria-label={`下载 ${a.name}`}>
                    下载
                  </Button>
                  {!a.withdrawn && user && canWithdrawAttachment(user, a.uploadedBy) && (
                    <Button size="small" danger onClick={() => setWithdrawing(a)} aria-label={`撤回 ${a.name}`}>
                      撤回
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      )}
      {uploadOpen && (
        <UploadDialog
          caseId={c.id}
          onClose={() => setUploadOpen(false)}
          onDone={async (a) => {
            setUploadOpen(false);
            message.success(`已上传：${a.name}`);
            await refresh();
          }}
        />
      )}
      <Modal
        open={!!preview}
        title={preview?.name}
        width={900}
        footer={
          preview && (
            <Space>
              <Button href={attachmentUrl(preview)} download={preview.name}>
                下载
              </Button>
              <Button type="primary" onClick={() => setPreview(null)}>
                关闭
              </Button>
            </Space>
          )
        }
        onCancel={() => setPreview(null)}
        destroyOnHidden
      >
        {preview && (preview.type === 'pdf' ? (
          <iframe src={attachmentUrl(preview, true)} title={`预览：${preview.name}`} style={{ width: '100%', height: '70vh', border: 0 }} data-testid="attachment-preview-frame" />
        ) : (
          <img src={attachmentUrl(preview, true)} alt={preview.name} style={{ maxWidth: '100%', display: 'block', margin: '0 auto' }} data-testid="attachment-preview-image" />
        ))}
      </Modal>
      {withdrawing && (
        <WithdrawDialog
          a={withdrawing}
          onClose={() => setWithdrawing(null)}
          onDone={async () => {
            setWithdrawing(null);
            message.success('已撤回');
            await refresh();
          }}
        />
      )}
    </Card>
  );
}

function UploadDialog({ caseId, onClose, onDone }: { caseId: number; onClose: () => void; onDone: (a: Attachment) => Promise<void> }) {
  const [form] = Form.useForm<{ kind: AttachmentKind; note?: string }>();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const v = await form.validateFields();
    if (!file) {
      setError('请选择要上传的文件');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onDone(await uploadAttachment(caseId, file, v.kind, v.note));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title="上传附件" okText="上传" cancelText="取消" onOk={() => void submit()} confirmLoading={busy} onCancel={onClose} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ kind: 'evidence' }}>
        <Form.Item name="kind" label="用途" rules={[{ required: true, message: '请选择用途' }]}>
          <FieldSelect options={ATTACHMENT_KINDS.map((k) => ({ value: k, label: ATTACHMENT_KIND_LABELS[k] }))} aria-label="用途" />
        </Form.Item>
        <Form.Item label="文件" extra={`仅限 ${ACCEPTED_TYPES_TEXT}，以文件内容为准`} required>
          <input type="file" accept={ATTACHMENT_ACCEPT} aria-label="选择文件" data-testid="attachment-file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Form.Item>
        <Form.Item name="note" label="说明">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} data-testid="attachment-upload-error" />}
    </Modal>
  );
}

function WithdrawDialog({ a, onClose, onDone }: { a: Attachment; onClose: () => void; onDone: () => Promise<void> }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (!reason.trim()) {
      setError('请填写撤回原因');
      return;
    }
    setBusy(true);
    try {
      await withdrawAttachment(a.caseId, a.id, reason.trim());
      await onDone();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={`撤回附件：${a.name}`} okText="撤回" okButtonProps={{ danger: true }} cancelText="取消" onOk={() => void submit()} confirmLoading={busy} onCancel={onClose} destroyOnHidden>
      <Typography.Paragraph type="secondary">撤回后默认不在列表中显示，但仍存档可查。</Typography.Paragraph>
      <Input.TextArea rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} aria-label="撤回原因" placeholder="撤回原因（必填）" />
      {error && <Alert style={{ marginTop: 8 }} type="error" showIcon message={error} />}
    </Modal>
  );
}
