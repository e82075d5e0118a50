/**
 * 新建典型案例（草稿）: a case, good practice or negative example, a title and a summary
 * (POST /typical-cases; 县行管办 and 县纪委监委). Used by the 典型案例库 and the case page (where
 * the case is given).
 */
import { useState } from 'react';
import { Alert, App, Form, Input, Modal } from 'antd';
import { RadioGroup } from './RadioGroup';
import { api, ApiError } from '../api/client';
import type { TypicalCase } from '../api/types';
import { applyFieldErrors } from '../lib/forms';
import { useSubmitGuard } from '../lib/useSubmitGuard';
import { CASE_STATUSES } from '../../../core/domain';
import { canBeTypicalCaseSource } from '../../../core/catalogue';
import { CaseSearchSelect } from './CaseSearchSelect';

/** Cases that can be typical (core/catalogue.ts, as the server enforces and the case page offers it). */
const TYPICAL_SOURCE_STATUSES = CASE_STATUSES.filter((status) => canBeTypicalCaseSource({ status })).join(',');

export const TYPICAL_KIND_LABELS: Record<TypicalCase['kind'], string> = { good: '好的做法', negative: '反面典型' };

interface Values {
  caseId?: number;
  kind: TypicalCase['kind'];
  title: string;
  summary: string;
}

export function TypicalCaseDialog({
  open,
  onClose,
  onCreated,
  caseId,
  caseNo,
  defaults,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (t: TypicalCase) => void;
  /** The case, when the dialog is opened from its page. */
  caseId?: number;
  caseNo?: string;
  defaults?: Partial<Values>;
}) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const { run, pending } = useSubmitGuard();
  const [error, setError] = useState<string | null>(null);

  const submit = () =>
    run(async () => {
      setError(null);
      let v: Values;
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      try {
        const t = await api<TypicalCase>('/typical-cases', {
          body: { caseId: caseId ?? v.caseId, kind: v.kind, title: v.title.trim(), summary: v.summary.trim() },
        });
        void message.success(`已保存典型案例草稿“${t.title}”，发布后全县可见`);
        form.resetFields();
        onCreated(t);
      } catch (e) {
        if (e instanceof ApiError) {
          const loose = applyFieldErrors(form, e.details, ['caseId', 'kind', 'title', 'summary']);
          if (loose.length || !e.details.length) setError(loose.join('；') || e.message);
        } else setError('保存失败，请重试');
      }
    });

  return (
    <Modal
      open={open}
      title={caseNo ? `列为典型案例：${caseNo}` : '新建典型案例'}
      okText="保存草稿"
      onOk={() => void submit()}
      confirmLoading={pending}
      onCancel={onClose}
      destroyOnHidden
      width={640}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form<Values>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ kind: 'good', title: '', summary: '', ...defaults }}
      >
        {!caseId && (
          <Form.Item name="caseId" label="反映件" rules={[{ required: true, message: '请选择反映件' }]}>
            <CaseSearchSelect aria-label="反映件" filters={{ status: TYPICAL_SOURCE_STATUSES }} />
          </Form.Item>
        )}
        <Form.Item name="kind" label="类型" rules={[{ required: true, message: '请选择类型' }]}>
          <RadioGroup
            aria-label="类型"
            optionType="button"
            options={[
              { value: 'good', label: TYPICAL_KIND_LABELS.good },
              { value: 'negative', label: TYPICAL_KIND_LABELS.negative },
            ]}
          />
        </Form.Item>
        <Form.Item name="title" label="标题" rules={[{ required: true, whitespace: true, message: '请填写标题' }, { max: 100, message: '标题不能超过 100 个字' }]}>
          <Input maxLength={100} showCount placeholder="如：容缺受理让食品小作坊当天拿证" />
        </Form.Item>
        <Form.Item name="summary" label="案例摘要" rules={[{ required: true, whitespace: true, message: '请填写案例摘要' }, { max: 5000, message: '案例摘要不能超过 5000 个字' }]}>
          <Input.TextArea rows={5} maxLength={5000} placeholder="问题、做法与成效（反面典型写明问题与处理结果）" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
