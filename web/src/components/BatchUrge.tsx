/**
 * 批量催办 from the 台账 (issue 13: batch actions where they make sense): the cases ticked in the
 * list get one 催办 each, with the same 催办意见, one after another under a progress bar; a case
 * that changed meanwhile or can no longer be urged is named with the server's reason, the others
 * go through. Who may urge, and in which states, is the `urge` rule of core/case-lifecycle.ts.
 */
import { useState } from 'react';
import { Alert, App, Button, Input, Modal, Progress, Space, Typography } from 'antd';
import { ACTION_RULES } from '../../../core/case-lifecycle';
import { LIMITS } from '../../../core/api/schemas';
import { api, ApiError } from '../api/client';
import type { CaseSummary } from '../api/types';

export function BatchUrge({ selected, onClear, onDone }: { selected: CaseSummary[]; onClear: () => void; onDone: () => void }) {
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [failed, setFailed] = useState<string[]>([]);
  if (!selected.length) return null;
  const label = ACTION_RULES.urge.label;

  const run = async () => {
    if (note.length > LIMITS.text) return;
    const failures: string[] = [];
    setFailed([]);
    setProgress({ done: 0, total: selected.length });
    for (const [i, c] of selected.entries()) {
      try {
        await api(`/cases/${c.id}/actions/urge`, { body: { version: c.version, ...(note.trim() ? { note: note.trim() } : {}) } });
      } catch (e) {
        failures.push(`${c.caseNo}：${e instanceof ApiError ? e.message : '失败'}`);
      }
      setProgress({ done: i + 1, total: selected.length });
    }
    setProgress(null);
    const ok = selected.length - failures.length;
    if (failures.length) {
      setFailed(failures);
      message.warning(`已${label} ${ok} 件，${failures.length} 件未成功`);
    } else {
      message.success(`已${label} ${ok} 件`);
      setOpen(false);
      setNote('');
      onClear();
    }
    onDone();
  };

  return (
    <>
      <div className="bcs-batch-bar" data-testid="batch-bar">
        <Typography.Text>已选 {selected.length} 件</Typography.Text>
        <Button type="primary" size="small" onClick={() => setOpen(true)} data-testid="batch-urge">
          批量{label}
        </Button>
        <Button size="small" type="link" onClick={onClear}>
          取消选择
        </Button>
      </div>
      <Modal
        open={open}
        title={`批量${label}（${selected.length} 件）`}
        okText={`确认${label}`}
        cancelText="取消"
        onOk={() => void run()}
        okButtonProps={{ loading: progress !== null, disabled: note.length > LIMITS.text }}
        cancelButtonProps={{ disabled: progress !== null }}
        closable={progress === null}
        maskClosable={false}
        onCancel={() => {
          setOpen(false);
          setFailed([]);
        }}
        destroyOnHidden
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {selected.map((c) => c.caseNo).join('、')}
          </Typography.Paragraph>
          <label htmlFor="batch-urge-note">催办意见（可不填）</label>
          <Input.TextArea
            id="batch-urge-note"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            autoSize={{ minRows: 2, maxRows: 5 }}
            status={note.length > LIMITS.text ? 'error' : undefined}
          />
          {note.length > LIMITS.text && <Typography.Text type="danger">催办意见不能超过 {LIMITS.text} 个字</Typography.Text>}
          {progress && <Progress percent={Math.round((progress.done / progress.total) * 100)} format={() => `${progress.done}/${progress.total}`} />}
          {failed.length > 0 && <Alert type="warning" showIcon message="以下反映件未能催办" description={failed.join('；')} data-testid="batch-failed" />}
        </Space>
      </Modal>
    </>
  );
}
