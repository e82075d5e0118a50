/**
 * The action buttons of a case and the form behind each. Buttons come only from the case's
 * `allowedActions` (the server asks the same transition table as core/case-lifecycle.ts); each
 * form has the fields docs/CONTRACT.md §Actions names and is checked with the server's own zod schema first. A
 * submission runs at most once at a time; a 409 is explained in Chinese and the case reloaded.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Radio, Select, Space, Tag, Typography, type SelectProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { ACTION_RULES, type CaseAction } from '../../../core/case-lifecycle';
import { ACTION_BODIES, LIMITS } from '../../../core/api/schemas';
import {
  MEASURE_LABELS,
  MEASURE_TYPES,
  MEASURES_BY_PROBLEM_TYPE,
  PROBLEM_TYPES,
  PROBLEM_TYPE_LABELS,
  RATING_ASPECTS,
  RATING_ASPECT_LABELS,
  RATING_LABELS,
  RATINGS,
  REJECT_CATEGORIES,
  REJECT_CATEGORY_LABELS,
  REPLY_CHANNELS,
  REPLY_CHANNEL_LABELS,
  VERIFY_OUTCOME_LABELS,
} from '../../../core/domain';
import { api, ApiError, toQuery } from '../api/client';
import type { CaseDetail, DeadlinePreview, Department } from '../api/types';
import { applyFieldErrors, issuesOf } from '../lib/forms';
import { useSubmitGuard } from '../lib/useSubmitGuard';
import { dayjs, endOfDayIso, formatDateTime, shanghaiToday } from '../lib/time';
import { PROVISIONAL_LABEL } from './CaseTags';

/** Main (primary) buttons: the actions that move the case on; danger: those that turn a request down (the table's `kind`). */
const isMain = (a: CaseAction) => ACTION_RULES[a].kind === 'advance';
const isDanger = (a: CaseAction) => ACTION_RULES[a].kind === 'refuse';

export function actionLabel(a: CaseAction): string {
  return ACTION_RULES[a].label;
}

/** Explains a 409 in plain Chinese. */
export function explainConflict(e: ApiError): string {
  if (e.code === 'VERSION_CONFLICT')
    return '就在刚才，其他人已经更新了这件反映件（例如已签收、已交办或已回访），您看到的不是最新状态。页面已重新加载，请核对后再操作。';
  if (e.code === 'INVALID_TRANSITION') return `${e.message}。这件反映件的状态已经变化，页面已重新加载，请核对后再操作。`;
  return `${e.message}。页面已重新加载。`;
}

const pastDay = (d: Dayjs) => d.format('YYYY-MM-DD') < shanghaiToday();

/** A searchable department select; passes Form.Item's value, onChange and id through. */
function DeptSelect({
  departments,
  multiple,
  exclude,
  ...rest
}: { departments: Department[]; multiple?: boolean; exclude?: string[] } & Omit<SelectProps, 'options' | 'mode'>) {
  const options = departments
    .filter((d) => !d.disabled && !(exclude ?? []).includes(d.code))
    .map((d) => ({ value: d.code, label: d.name }));
  return (
    <Select
      {...rest}
      mode={multiple ? 'multiple' : undefined}
      showSearch
      allowClear
      optionFilterProp="label"
      options={options}
      placeholder="输入部门名称搜索"
    />
  );
}

/** Shows the deadline a dispatch at this level would get if confirmed now. */
export function DispatchPreview({ workingDays }: { workingDays: number | undefined }) {
  const [preview, setPreview] = useState<DeadlinePreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!workingDays) return;
    const ctl = new AbortController();
    setPreview(null);
    setError(null);
    api<DeadlinePreview>(`/calendar/deadline${toQuery({ start: new Date().toISOString(), workingDays })}`, { signal: ctl.signal })
      .then(setPreview)
      .catch((e: unknown) => {
        if ((e as Error)?.name !== 'AbortError') setError(e instanceof ApiError ? e.message : '无法计算办理时限');
      });
    return () => ctl.abort();
  }, [workingDays]);
  if (!workingDays) return null;
  return (
    <Alert
      type={error ? 'error' : 'info'}
      showIcon
      data-testid="dispatch-preview"
      message={
        error ??
        (preview ? (
          <span>
            确认后办理时限为 <b>{formatDateTime(preview.deadline)}</b>（{workingDays} 个工作日）
            {preview.provisional && (
              <Tag color="warning" style={{ marginInlineStart: 6 }}>
                {PROVISIONAL_LABEL}
              </Tag>
            )}
          </span>
        ) : (
          '正在计算办理时限…'
        ))
      }
    />
  );
}

const noteField = (label: string, required = false) => (
  <Form.Item
    label={label}
    name="note"
    rules={[
      ...(required ? [{ required: true, whitespace: true, message: `请填写${label}` }] : []),
      { max: LIMITS.text, message: `${label}不能超过 ${LIMITS.text} 个字` },
    ]}
  >
    <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
  </Form.Item>
);

const textField = (name: string, label: string) => (
  <Form.Item
    label={label}
    name={name}
    rules={[
      { required: true, whitespace: true, message: `请填写${label}` },
      { max: LIMITS.text, message: `${label}不能超过 ${LIMITS.text} 个字` },
    ]}
  >
    <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} />
  </Form.Item>
);

const dateField = (name: string, label: string, required: boolean, extra?: string) => (
  <Form.Item label={label} name={name} extra={extra} rules={required ? [{ required: true, message: `请选择${label}` }] : []}>
    <DatePicker disabledDate={pastDay} format="YYYY-MM-DD" style={{ width: 270 }} placeholder="选择日期（当日 23:59 截止）" />
  </Form.Item>
);

interface FieldsProps {
  action: CaseAction;
  c: CaseDetail;
  departments: Department[];
  levelDays: { 1: number; 2: number };
}

function ActionFields({ action, c, departments, levelDays }: FieldsProps) {
  const form = Form.useFormInstance();
  const level = Form.useWatch('level', form) as 1 | 2 | undefined;
  const lead = Form.useWatch('leadDepartment', form) as string | undefined;
  const substantiated = Form.useWatch('substantiated', form) as boolean | undefined;
  const outcome = Form.useWatch('outcome', form) as string | undefined;
  const ratings = RATING_ASPECTS.map((a) => Form.useWatch(a, form) as string | undefined);
  switch (action) {
    case 'resolve-on-spot':
      return textField('result', '办理结果');
    case 'reject':
      return (
        <>
          <Form.Item label="不予受理原因" name="reasonCategory" rules={[{ required: true, message: '请选择不予受理原因' }]}>
            <Radio.Group options={REJECT_CATEGORIES.map((r) => ({ value: r, label: REJECT_CATEGORY_LABELS[r] }))} />
          </Form.Item>
          {textField('explanation', '不予受理说明（将答复反映人）')}
        </>
      );
    case 'accept':
    case 'change-problem-type':
      return (
        <>
          <Form.Item label="问题类型" name="problemType" rules={[{ required: true, message: '请选择问题类型' }]}>
            <Radio.Group>
              <Space direction="vertical">
                {PROBLEM_TYPES.map((p) => (
                  <Radio key={p} value={p}>
                    {PROBLEM_TYPE_LABELS[p]}
                  </Radio>
                ))}
              </Space>
            </Radio.Group>
          </Form.Item>
          {noteField('备注')}
        </>
      );
    case 'dispatch':
      return (
        <>
          <Form.Item label="交办级别" name="level" rules={[{ required: true, message: '请选择交办级别' }]}>
            <Radio.Group>
              <Space direction="vertical">
                <Radio value={1}>一级：单一部门办理（{levelDays[1]} 个工作日）</Radio>
                <Radio value={2}>二级：牵头部门 + 协办部门（{levelDays[2]} 个工作日）</Radio>
              </Space>
            </Radio.Group>
          </Form.Item>
          <Form.Item label="牵头部门" name="leadDepartment" rules={[{ required: true, message: '请选择牵头部门' }]}>
            <DeptSelect departments={departments} />
          </Form.Item>
          {level === 2 && (
            <Form.Item label="协办部门" name="coDepartments" rules={[{ required: true, type: 'array', min: 1, message: '二级交办须指定至少一个协办部门' }]}>
              <DeptSelect departments={departments} multiple exclude={lead ? [lead] : []} />
            </Form.Item>
          )}
          {noteField('交办意见')}
          <DispatchPreview workingDays={level ? levelDays[level] : undefined} />
        </>
      );
    case 'request-escalation':
      return textField('reason', '提级理由');
    case 'approve-escalation':
      return (
        <>
          <Form.Item label="牵头部门" name="leadDepartment" rules={[{ required: true, message: '请选择牵头部门' }]}>
            <DeptSelect departments={departments} />
          </Form.Item>
          <Form.Item label="协办部门" name="coDepartments">
            <DeptSelect departments={departments} multiple exclude={lead ? [lead] : []} />
          </Form.Item>
          {dateField('dueAt', '办理时限', true, '三级调度时限一事一议，截止到所选日期 23:59')}
          {noteField('审批意见')}
        </>
      );
    case 'deny-escalation':
      return textField('reason', '不予提级理由');
    case 'sign':
      return (
        <>
          <Typography.Paragraph>
            签收后开始办理，请在办理时限 <b>{formatDateTime(c.dueAt)}</b> 前办结。
          </Typography.Paragraph>
          {noteField('备注')}
        </>
      );
    case 'complete':
      return (
        <>
          {textField('result', '办理结果')}
          <Form.Item label="答复反映人方式" name="repliedVia" rules={[{ required: true, message: '请选择答复方式' }]}>
            <Radio.Group options={REPLY_CHANNELS.map((r) => ({ value: r, label: REPLY_CHANNEL_LABELS[r] }))} />
          </Form.Item>
        </>
      );
    case 'callback': {
      const bad = ratings.includes('dissatisfied');
      return (
        <>
          {RATING_ASPECTS.map((a) => (
            <Form.Item key={a} label={RATING_ASPECT_LABELS[a]} name={a} rules={[{ required: true, message: `请选择${RATING_ASPECT_LABELS[a]}评价` }]}>
              <Radio.Group optionType="button" options={RATINGS.map((r) => ({ value: r, label: RATING_LABELS[r] }))} />
            </Form.Item>
          ))}
          <Form.Item label="回访意见" name="comment" rules={[{ max: LIMITS.text, message: `回访意见不能超过 ${LIMITS.text} 个字` }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
          </Form.Item>
          {bad && <Alert type="warning" showIcon message="有“不满意”评价，即为差评：保存后转入核查督办，并抄送县纪委监委。" />}
        </>
      );
    }
    case 'verify':
      return (
        <>
          <Form.Item label="差评是否属实" name="substantiated" rules={[{ required: true, message: '请选择差评是否属实' }]}>
            <Radio.Group
              onChange={(e) => form.setFieldsValue({ outcome: e.target.value ? undefined : 'none', rectifyDueAt: undefined })}
              options={[
                { value: true, label: '属实' },
                { value: false, label: '不实' },
              ]}
            />
          </Form.Item>
          {substantiated !== undefined && (
            <Form.Item label="处理结果" name="outcome" rules={[{ required: true, message: '请选择处理结果' }]}>
              <Radio.Group
                options={(substantiated ? (['rectify', 'accountability'] as const) : (['none'] as const)).map((o) => ({
                  value: o,
                  label: VERIFY_OUTCOME_LABELS[o],
                }))}
              />
            </Form.Item>
          )}
          {outcome === 'rectify' && dateField('rectifyDueAt', '整改时限', true, '整改期间反映件回到“办理中”，截止到所选日期 23:59')}
          {noteField('核查意见')}
        </>
      );
    case 'urge':
      return noteField('催办意见');
    case 'add-measure': {
      const suggested = c.problemType ? MEASURES_BY_PROBLEM_TYPE[c.problemType] : [];
      const rest = MEASURE_TYPES.filter((m) => !suggested.includes(m));
      return (
        <>
          <Form.Item label="措施" name="type" rules={[{ required: true, message: '请选择措施' }]}>
            <Select
              showSearch
              optionFilterProp="label"
              options={[
                ...(suggested.length
                  ? [{ label: '本问题类型的规定措施', options: suggested.map((m) => ({ value: m, label: MEASURE_LABELS[m] })) }]
                  : []),
                { label: '其他措施', options: rest.map((m) => ({ value: m, label: MEASURE_LABELS[m] })) },
              ]}
            />
          </Form.Item>
          <Form.Item label="措施说明" name="note" rules={[{ max: LIMITS.text, message: `措施说明不能超过 ${LIMITS.text} 个字` }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
          </Form.Item>
          <Form.Item label="经办人员" name="staff" rules={[{ max: LIMITS.name, message: `经办人员不能超过 ${LIMITS.name} 个字` }]}>
            <Input placeholder="帮办、代办等须写明工作人员" />
          </Form.Item>
          {dateField('dueAt', '承诺/完成期限', false, '容缺受理须写明补交材料的期限，到期提醒')}
        </>
      );
    }
    case 'comment':
      return noteField('备注', true);
    case 'request-extension':
      return (
        <>
          <Typography.Paragraph>
            现办理时限 <b>{formatDateTime(c.dueAt)}</b>。延期须在时限届满前申请，由县行管办审批。
          </Typography.Paragraph>
          {dateField('dueAt', '申请延至', true, '截止到所选日期 23:59')}
          {textField('reason', '延期理由')}
        </>
      );
    case 'approve-extension':
      return (
        <>
          {c.pendingExtension && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              message={`申请延至 ${formatDateTime(c.pendingExtension.dueAt)}`}
              description={`理由：${c.pendingExtension.reason}`}
            />
          )}
          {dateField('dueAt', '批准的办理时限', false, '不填即按申请的时限批准')}
          {noteField('审批意见')}
        </>
      );
    case 'deny-extension':
      return textField('reason', '不予延期理由');
    case 'supervise':
      return (
        <>
          {textField('note', '督办要求')}
          {dateField('dueAt', '督办时限', true, '截止到所选日期 23:59')}
        </>
      );
    case 'circulate':
      return (
        <>
          <Form.Item label="被通报部门" name="department" extra="不选即为牵头部门">
            <DeptSelect departments={departments} />
          </Form.Item>
          {textField('summary', '通报内容')}
        </>
      );
    case 'refer-discipline':
      return (
        <>
          {textField('handedOver', '移送材料说明')}
          {noteField('备注')}
        </>
      );
    default: {
      // Every action has a form of its own: a new action fails the type check here until it gets one.
      const unhandled: never = action;
      return unhandled;
    }
  }
}

function initialValues(action: CaseAction, c: CaseDetail): Record<string, unknown> {
  switch (action) {
    case 'dispatch':
      return { level: 1, leadDepartment: c.departmentCodes[0] };
    case 'approve-escalation':
      return { leadDepartment: c.leadDepartment ?? c.departmentCodes[0], coDepartments: c.coDepartments };
    case 'change-problem-type':
      return { problemType: c.problemType ?? undefined };
    case 'add-measure':
      return { type: c.problemType ? MEASURES_BY_PROBLEM_TYPE[c.problemType][0] : undefined };
    case 'circulate':
      return { department: c.leadDepartment ?? undefined };
    default:
      return {};
  }
}

/** Form values → the action's body fields (dates as the end of the Shanghai day, blanks dropped). */
function toFields(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    if (dayjs.isDayjs(v)) out[k] = endOfDayIso(v);
    else out[k] = v;
  }
  return out;
}

export interface CaseActionsProps {
  c: CaseDetail;
  departments: Department[];
  levelDays: { 1: number; 2: number };
  /** The case as the server answered after an action. */
  onUpdated(c: CaseDetail): void;
  /** The case changed elsewhere: reload it. */
  onStale(): void;
}

export function CaseActions({ c, departments, levelDays, onUpdated, onStale }: CaseActionsProps) {
  const [open, setOpen] = useState<CaseAction | null>(null);
  const actions = c.allowedActions;
  if (!actions.length) return null;
  const ordered = [...actions.filter(isMain), ...actions.filter((a) => !isMain(a))];
  return (
    <>
      <Space wrap data-testid="case-actions">
        {ordered.map((a) => (
          <Button
            key={a}
            type={isMain(a) ? 'primary' : 'default'}
            danger={isDanger(a)}
            onClick={() => setOpen(a)}
          >
            {actionLabel(a)}
          </Button>
        ))}
      </Space>
      {open && (
        <ActionDialog
          key={`${open}-${c.version}`}
          action={open}
          c={c}
          departments={departments}
          levelDays={levelDays}
          onClose={() => setOpen(null)}
          onUpdated={(u) => {
            setOpen(null);
            onUpdated(u);
          }}
          onStale={() => {
            setOpen(null);
            onStale();
          }}
        />
      )}
    </>
  );
}

interface DialogProps extends FieldsProps {
  onClose(): void;
  onUpdated(c: CaseDetail): void;
  onStale(): void;
}

export function ActionDialog({ action, c, departments, levelDays, onClose, onUpdated, onStale }: DialogProps) {
  const [form] = Form.useForm();
  const { message, modal } = App.useApp();
  const { run, pending } = useSubmitGuard();
  const [error, setError] = useState<string | null>(null);
  const label = actionLabel(action);
  const fieldNames = useMemo(() => Object.keys((ACTION_BODIES[action] as unknown as { shape?: object }).shape ?? {}), [action]);

  const submit = () =>
    run(async () => {
      setError(null);
      let values: Record<string, unknown>;
      try {
        values = await form.validateFields();
      } catch {
        return;
      }
      const fields = toFields(values);
      const checked = ACTION_BODIES[action].safeParse(fields);
      if (!checked.success) {
        const loose = applyFieldErrors(form, issuesOf(checked.error), fieldNames.length ? fieldNames : undefined);
        if (loose.length) setError(loose.join('；'));
        return;
      }
      try {
        const updated = await api<CaseDetail>(`/cases/${c.id}/actions/${action}`, { body: { version: c.version, ...fields } });
        void message.success(`已${label}`);
        onUpdated(updated);
      } catch (e) {
        if (!(e instanceof ApiError)) {
          setError(`${label}失败，请稍后重试`);
          return;
        }
        if (e.status === 409) {
          modal.warning({ title: `未能${label}`, content: explainConflict(e), okText: '知道了' });
          onStale();
        } else if (e.status === 400 && e.details.length) {
          const loose = applyFieldErrors(form, e.details, fieldNames.length ? fieldNames : undefined);
          setError(loose.length ? loose.join('；') : '请按提示修改后重新提交');
        } else if (e.status === 404) {
          modal.warning({ title: `未能${label}`, content: '未找到该反映件，或您已无权查看。', okText: '知道了' });
          onStale();
        } else {
          setError(e.message);
        }
      }
    });

  return (
    <Modal
      open
      title={`${label} · ${c.caseNo}`}
      okText={`确认${label}`}
      cancelText="取消"
      onOk={submit}
      onCancel={onClose}
      confirmLoading={pending}
      maskClosable={false}
      destroyOnHidden
      width={action === 'accept' || action === 'change-problem-type' || action === 'callback' ? 640 : 560}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="action-error" />}
      {/* component={false}: no <form> element, so Enter confirms a date or an option and never sends the action. */}
      <Form form={form} component={false} layout="vertical" initialValues={initialValues(action, c)} preserve={false}>
        <ActionFields action={action} c={c} departments={departments} levelDays={levelDays} />
      </Form>
    </Modal>
  );
}
