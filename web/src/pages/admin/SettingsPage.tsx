/**
 * 系统设置: 办理时限, 会话, 文书 and 考核 settings (GET/PUT /settings). The form checks the same
 * ranges as the server before sending, sends only the sections that changed, and puts the server's
 * 400 details under their fields.
 */
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Skeleton, Switch, Typography } from 'antd';
import { MultiSelect } from '../../components/MultiSelect';
import type { Rule } from 'antd/es/form';
import { api, ApiError, type FieldError } from '../../api/client';
import type { Settings } from '../../api/types';
import { useSubmitGuard } from '../../lib/useSubmitGuard';
import { ROLES, ROLE_LABELS, type Role } from '../../../../core/domain';
import { can } from '../../../../core/permissions';
import { useOptionalUser } from '../../auth/AuthContext';

/** The form's flat fields (one per setting), so the server's dotted paths map onto them exactly. */
export interface SettingsFormValues {
  level1: number | null;
  level2: number | null;
  dueSoonWorkingDays: number | null;
  triageWorkingDays: number | null;
  callbackWorkingDays: number | null;
  verificationWorkingDays: number | null;
  contestWorkingDays: number | null;
  callbackAttemptsBeforeUnreachable: number | null;
  selfRatingDays: number | null;
  sessionIdleMinutes: number | null;
  countyName: string;
  hotlines: string[];
  publicBaseUrl: string;
  wOnTime: number | null;
  wSatisfaction: number | null;
  wNoBadReview: number | null;
  penaltyPerCirculation: number | null;
  penaltyPerSubstantiated: number | null;
  minSample: number | null;
  webhookAllowPrivateNetworks: boolean;
  /** The attachment size limit in MB (the server keeps bytes). */
  attachmentMaxMb: number | null;
  /** Scheduled backup hour (Asia/Shanghai), empty: off. */
  backupHour: number | null;
  backupDir: string;
  backupKeep: number | null;
  /** Years after closing before reporters' personal data is erased, empty: kept. */
  personalDataRetentionYears: number | null;
  /** 安全策略 (安全管理员). */
  passwordMaxAgeDays: number | null;
  totpRequiredRoles: Role[];
  /** Holds no value: it carries the “weights must sum to 100” error under the shown total. */
  weightsSum?: undefined;
}

export const WEIGHTS_MESSAGE = '三项权重之和须为 100';
const WEIGHT_FIELDS = ['wOnTime', 'wSatisfaction', 'wNoBadReview'] as const;
/** Settings kept flat under the same name in the form and on the server (the stage clocks and the loop's limits). */
const STAGE_FIELDS = [
  'triageWorkingDays',
  'callbackWorkingDays',
  'verificationWorkingDays',
  'contestWorkingDays',
  'callbackAttemptsBeforeUnreachable',
  'selfRatingDays',
] as const;
const FIELD_NAMES = [
  'level1',
  'level2',
  'dueSoonWorkingDays',
  ...STAGE_FIELDS,
  'sessionIdleMinutes',
  'countyName',
  'hotlines',
  'publicBaseUrl',
  ...WEIGHT_FIELDS,
  'weightsSum',
  'penaltyPerCirculation',
  'penaltyPerSubstantiated',
  'minSample',
  'webhookAllowPrivateNetworks',
  'attachmentMaxMb',
  'backupHour',
  'backupDir',
  'backupKeep',
  'personalDataRetentionYears',
  'passwordMaxAgeDays',
  'totpRequiredRoles',
] as const;
type FieldName = (typeof FIELD_NAMES)[number];

function toForm(s: Settings): SettingsFormValues {
  return {
    level1: s.levelDays[1],
    level2: s.levelDays[2],
    dueSoonWorkingDays: s.dueSoonWorkingDays,
    triageWorkingDays: s.triageWorkingDays,
    callbackWorkingDays: s.callbackWorkingDays,
    verificationWorkingDays: s.verificationWorkingDays,
    contestWorkingDays: s.contestWorkingDays,
    callbackAttemptsBeforeUnreachable: s.callbackAttemptsBeforeUnreachable,
    selfRatingDays: s.selfRatingDays,
    sessionIdleMinutes: s.sessionIdleMinutes,
    countyName: s.countyName,
    hotlines: [...s.hotlines],
    publicBaseUrl: s.publicBaseUrl,
    wOnTime: s.assessment.weights.onTime,
    wSatisfaction: s.assessment.weights.satisfaction,
    wNoBadReview: s.assessment.weights.noBadReview,
    penaltyPerCirculation: s.assessment.penaltyPerCirculation,
    penaltyPerSubstantiated: s.assessment.penaltyPerSubstantiated,
    minSample: s.assessment.minSample,
    webhookAllowPrivateNetworks: s.webhookAllowPrivateNetworks,
    attachmentMaxMb: Math.round((s.attachmentMaxBytes / 1024 / 1024) * 10) / 10,
    backupHour: s.backupHour,
    backupDir: s.backupDir,
    backupKeep: s.backupKeep,
    personalDataRetentionYears: s.personalDataRetentionYears,
    passwordMaxAgeDays: s.passwordMaxAgeDays,
    totpRequiredRoles: [...s.totpRequiredRoles],
  };
}

function fromForm(v: SettingsFormValues): Settings {
  return {
    levelDays: { 1: v.level1!, 2: v.level2! },
    dueSoonWorkingDays: v.dueSoonWorkingDays!,
    triageWorkingDays: v.triageWorkingDays!,
    callbackWorkingDays: v.callbackWorkingDays!,
    verificationWorkingDays: v.verificationWorkingDays!,
    contestWorkingDays: v.contestWorkingDays!,
    callbackAttemptsBeforeUnreachable: v.callbackAttemptsBeforeUnreachable!,
    selfRatingDays: v.selfRatingDays!,
    sessionIdleMinutes: v.sessionIdleMinutes!,
    countyName: v.countyName.trim(),
    hotlines: (v.hotlines ?? []).map((h) => h.trim()).filter(Boolean),
    publicBaseUrl: (v.publicBaseUrl ?? '').trim(),
    assessment: {
      weights: { onTime: v.wOnTime!, satisfaction: v.wSatisfaction!, noBadReview: v.wNoBadReview! },
      penaltyPerCirculation: v.penaltyPerCirculation!,
      penaltyPerSubstantiated: v.penaltyPerSubstantiated!,
      minSample: v.minSample!,
    },
    webhookAllowPrivateNetworks: !!v.webhookAllowPrivateNetworks,
    attachmentMaxBytes: Math.round(v.attachmentMaxMb! * 1024 * 1024),
    backupHour: v.backupHour ?? null,
    backupDir: (v.backupDir ?? '').trim(),
    backupKeep: v.backupKeep!,
    personalDataRetentionYears: v.personalDataRetentionYears ?? null,
    passwordMaxAgeDays: v.passwordMaxAgeDays!,
    totpRequiredRoles: [...(v.totpRequiredRoles ?? [])],
  };
}

/** The top-level settings whose value differs from what was loaded (PUT takes any subset). */
export function changedSettings(before: Settings, after: Settings): Partial<Settings> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(after) as (keyof Settings)[]) {
    if (JSON.stringify(after[k]) !== JSON.stringify(before[k])) out[k] = after[k];
  }
  return out as Partial<Settings>;
}

/** A server field path (`levelDays.1`, `assessment.weights`, `hotlines.0` …) → the form field. */
export function formFieldOf(path: string): FieldName | null {
  const p = path.split('.');
  switch (p[0]) {
    case 'levelDays':
      return p[1] === '2' ? 'level2' : 'level1';
    case 'hotlines':
      return 'hotlines';
    case 'dueSoonWorkingDays':
    case 'triageWorkingDays':
    case 'callbackWorkingDays':
    case 'verificationWorkingDays':
    case 'contestWorkingDays':
    case 'callbackAttemptsBeforeUnreachable':
    case 'selfRatingDays':
    case 'sessionIdleMinutes':
    case 'countyName':
    case 'publicBaseUrl':
    case 'webhookAllowPrivateNetworks':
    case 'backupHour':
    case 'backupDir':
    case 'backupKeep':
    case 'personalDataRetentionYears':
    case 'passwordMaxAgeDays':
    case 'totpRequiredRoles':
      return p[0];
    case 'attachmentMaxBytes':
      return 'attachmentMaxMb';
    case 'assessment':
      if (p[1] === 'weights') {
        if (p[2] === 'onTime') return 'wOnTime';
        if (p[2] === 'satisfaction') return 'wSatisfaction';
        if (p[2] === 'noBadReview') return 'wNoBadReview';
        return 'weightsSum';
      }
      if (p[1] === 'penaltyPerCirculation' || p[1] === 'penaltyPerSubstantiated' || p[1] === 'minSample') return p[1];
      return null;
    default:
      return null;
  }
}

/** Required number in [min, max] (an integer unless `decimal`), with a Chinese message. */
function rangeRules(label: string, min: number, max: number, decimal = false): Rule[] {
  const what = decimal ? `${min}–${max} 之间的数` : `${min}–${max} 之间的整数`;
  return [
    { required: true, message: `请填写${label}` },
    {
      validator: async (_r, v: unknown) => {
        if (v === null || v === undefined || v === '') return;
        const n = Number(v);
        if (!Number.isFinite(n) || n < min || n > max || (!decimal && !Number.isInteger(n))) throw new Error(`${label}须为 ${what}`);
      },
    },
  ];
}

/** Shows the sum of the three weights (the field that carries the “must be 100” error). */
function WeightsSum({ total }: { total: number | null; value?: unknown; onChange?: unknown; id?: string }) {
  return (
    <Typography.Text data-testid="weights-sum" strong type={total === 100 ? undefined : 'danger'}>
      {total === null ? '—' : total}
    </Typography.Text>
  );
}

function Section({ title }: { title: string }) {
  return (
    <Typography.Title level={5} style={{ margin: '8px 0 12px', paddingBottom: 4, borderBottom: '1px solid #f0f0f0' }}>
      {title}
    </Typography.Title>
  );
}

export function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved(s: Settings): void }) {
  // The security policy is the 安全管理员's; the rest the 系统管理员's (core/permissions.ts settingPermission).
  const role = useOptionalUser()?.role;
  const canPolicy = !!role && can(role, 'manageSecurityPolicy');
  const [form] = Form.useForm<SettingsFormValues>();
  const { run, pending } = useSubmitGuard();
  const { message } = App.useApp();
  const [error, setError] = useState<string | null>(null);
  const weights = [Form.useWatch('wOnTime', form), Form.useWatch('wSatisfaction', form), Form.useWatch('wNoBadReview', form)];
  const total = weights.every((w) => typeof w === 'number') ? (weights as number[]).reduce((a, b) => a + b, 0) : null;

  useEffect(() => {
    form.setFieldsValue(toForm(settings));
  }, [form, settings]);

  const showServerErrors = (details: FieldError[]): string[] => {
    const byField = new Map<FieldName, string[]>();
    const loose: string[] = [];
    for (const d of details) {
      const f = formFieldOf(d.field);
      if (!f) {
        loose.push(d.message);
        continue;
      }
      const list = byField.get(f) ?? [];
      if (!list.includes(d.message)) list.push(d.message);
      byField.set(f, list);
    }
    if (byField.size) form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
    return loose;
  };

  const submit = () =>
    run(async () => {
      setError(null);
      let v: SettingsFormValues;
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      const patch = changedSettings(settings, fromForm(v));
      if (Object.keys(patch).length === 0) {
        void message.info('没有需要保存的修改');
        return;
      }
      try {
        const saved = await api<Settings>('/settings', { method: 'PUT', body: patch });
        void message.success('已保存');
        onSaved(saved);
      } catch (e) {
        if (e instanceof ApiError && e.details.length) {
          const loose = showServerErrors(e.details);
          if (loose.length) setError(loose.join('；'));
        } else setError(e instanceof ApiError ? e.message : '保存失败，请重试');
      }
    });

  const num = (name: FieldName, label: string, min: number, max: number, opts: { decimal?: boolean; unit?: string; extra?: string } = {}) => (
    <Form.Item
      name={name}
      label={opts.unit ? `${label}（${opts.unit}）` : label}
      rules={rangeRules(label, min, max, opts.decimal)}
      extra={opts.extra}
    >
      <InputNumber style={{ width: '100%' }} precision={opts.decimal ? undefined : 0} />
    </Form.Item>
  );

  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={toForm(settings)}
      onFinish={() => void submit()}
      data-testid="settings-form"
      style={{ maxWidth: 760 }}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Section title="办理时限" />
      <Row gutter={16}>
        <Col span={8}>{num('level1', '一级交办', 1, 60, { unit: '工作日', extra: '1–60 个工作日' })}</Col>
        <Col span={8}>{num('level2', '二级交办', 1, 60, { unit: '工作日', extra: '1–60 个工作日' })}</Col>
        <Col span={8}>{num('dueSoonWorkingDays', '即将到期提醒', 0, 10, { unit: '工作日', extra: '到期前 0–10 个工作日提醒' })}</Col>
      </Row>
      <Section title="环节时限" />
      <Row gutter={16}>
        <Col span={8}>{num('triageWorkingDays', '受理时限', 1, 30, { unit: '工作日', extra: '登记后 1–30 个工作日内须受理、交办或办结' })}</Col>
        <Col span={8}>{num('callbackWorkingDays', '回访时限', 1, 30, { unit: '工作日', extra: '办结后 1–30 个工作日内须回访' })}</Col>
        <Col span={8}>{num('verificationWorkingDays', '差评核查时限', 1, 60, { unit: '工作日', extra: '差评后 1–60 个工作日内须核查' })}</Col>
        <Col span={8}>{num('contestWorkingDays', '派单异议期限', 1, 10, { unit: '工作日', extra: '牵头部门接件后 1–10 个工作日内可提出异议' })}</Col>
        <Col span={8}>
          {num('callbackAttemptsBeforeUnreachable', '回访未接通次数', 1, 10, { unit: '次', extra: '回访未接通达 1–10 次后可按无法回访办结' })}
        </Col>
        <Col span={8}>{num('selfRatingDays', '评价链接有效期', 1, 90, { unit: '天', extra: '反映人评价链接 1–90 个自然日内有效' })}</Col>
      </Row>
      <Section title="会话" />
      <Row gutter={16}>
        <Col span={8}>{num('sessionIdleMinutes', '空闲超时', 5, 1440, { unit: '分钟', extra: '5–1440 分钟无操作即退出登录' })}</Col>
      </Row>
      <Section title="文书" />
      <Row gutter={16}>
        <Col span={8}>
          <Form.Item
            name="countyName"
            label="县名"
            rules={[
              { required: true, whitespace: true, message: '请填写县名' },
              { max: 50, message: '县名不能超过 50 字' },
            ]}
            extra="用于交办单、回执"
          >
            <Input maxLength={60} />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item
            name="hotlines"
            label="热线号码"
            extra="印在回执上，最多 5 个；输入后按回车添加"
            rules={[
              {
                validator: async (_r, v: string[] | undefined) => {
                  const list = v ?? [];
                  if (list.length > 5) throw new Error('热线号码最多 5 个');
                  if (list.some((h) => h.trim().length > 50)) throw new Error('每个热线号码不能超过 50 字');
                },
              },
            ]}
          >
            <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，', ' ']} placeholder="如 12345" />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item
            name="publicBaseUrl"
            label="公众查询网址"
            extra="回执二维码指向的网址，如 https://bcs.example.gov.cn"
            rules={[
              { max: 200, message: '公众查询网址不能超过 200 字' },
              { pattern: /^$|^https?:\/\/\S+$/, message: '请填写以 http:// 或 https:// 开头的网址' },
            ]}
          >
            <Input />
          </Form.Item>
        </Col>
      </Row>
      <Section title="对接" />
      <Row gutter={16}>
        <Col span={24}>
          <Form.Item
            name="webhookAllowPrivateNetworks"
            label="允许向内网地址投递 Webhook"
            valuePropName="checked"
            extra="默认拒绝解析为内网、回环或链路本地地址的接收地址；部署在政务外网内、接收方也在内网时开启"
          >
            <Switch />
          </Form.Item>
        </Col>
      </Row>
      <Section title="安全策略（安全管理员）" />
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item
            name="passwordMaxAgeDays"
            label="密码有效期（天）"
            extra="超过后下次登录须先修改密码；0 为不限"
            rules={[{ required: true, message: '请填写密码有效期' }, { type: 'number', min: 0, max: 3650, message: '应在 0–3650 天之间' }]}
          >
            <InputNumber style={{ width: '100%' }} precision={0} disabled={!canPolicy} />
          </Form.Item>
        </Col>
        <Col xs={24} md={16}>
          <Form.Item name="totpRequiredRoles" label="须使用动态口令登录的角色" extra="这些角色尚未设置动态口令的，下次登录时须先设置">
            <MultiSelect disabled={!canPolicy} options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
          </Form.Item>
        </Col>
      </Row>
      <Section title="附件" />
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item
            name="attachmentMaxMb"
            label="附件大小上限（MB）"
            extra="单个附件超过此大小将被拒收"
            rules={[
              { required: true, message: '请填写附件大小上限' },
              { type: 'number', min: 0.1, max: 500, message: '应在 0.1–500 MB 之间' },
            ]}
          >
            <InputNumber style={{ width: '100%' }} step={1} />
          </Form.Item>
        </Col>
      </Row>
      <Section title="备份与个人信息保留" />
      <Row gutter={16}>
        <Col span={6}>
          <Form.Item name="backupHour" label="每天定时备份（时，北京时间）" extra="留空为不定时备份；也可随时执行 bcs backup" rules={[{ type: 'number', min: 0, max: 23, message: '应在 0–23 之间' }]}>
            <InputNumber style={{ width: '100%' }} min={0} max={23} step={1} placeholder="不备份" />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="backupDir" label="备份目录" rules={[{ required: true, whitespace: true, message: '请填写备份目录' }]}>
            <Input maxLength={300} />
          </Form.Item>
        </Col>
        <Col span={6}>{num('backupKeep', '保留备份份数', 1, 365)}</Col>
        <Col span={6}>
          <Form.Item
            name="personalDataRetentionYears"
            label="办结后保留反映人信息（年）"
            extra="留空为一直保留；到期后清除姓名、电话、证件号（反映件与统计保留）"
            rules={[{ type: 'number', min: 1, max: 30, message: '应在 1–30 年之间' }]}
          >
            <InputNumber style={{ width: '100%' }} min={1} max={30} step={1} placeholder="一直保留" />
          </Form.Item>
        </Col>
      </Row>
      <Section title="考核" />
      <Row gutter={16}>
        <Col span={6}>{num('wOnTime', '按时办结率权重', 0, 100, { decimal: true })}</Col>
        <Col span={6}>{num('wSatisfaction', '满意率权重', 0, 100, { decimal: true })}</Col>
        <Col span={6}>{num('wNoBadReview', '无差评率权重', 0, 100, { decimal: true })}</Col>
        <Col span={6}>
          <Form.Item
            name="weightsSum"
            label="权重合计"
            dependencies={[...WEIGHT_FIELDS]}
            rules={[
              ({ getFieldValue }) => ({
                validator: async () => {
                  const ws = WEIGHT_FIELDS.map((f) => getFieldValue(f) as unknown);
                  if (ws.some((w) => typeof w !== 'number')) return; // each weight reports its own error
                  const sum = (ws as number[]).reduce((a, b) => a + b, 0);
                  if (Math.abs(sum - 100) > 1e-9) throw new Error(WEIGHTS_MESSAGE);
                },
              }),
            ]}
          >
            <WeightsSum total={total} />
          </Form.Item>
        </Col>
        <Col span={8}>{num('penaltyPerCirculation', '每次通报扣分', 0, 100, { decimal: true })}</Col>
        <Col span={8}>{num('penaltyPerSubstantiated', '每件差评属实扣分', 0, 100, { decimal: true })}</Col>
        <Col span={8}>{num('minSample', '最少样本数', 0, 10000, { unit: '件', extra: '办结件数不足的部门不排名' })}</Col>
      </Row>
      <Form.Item>
        <Button type="primary" htmlType="submit" loading={pending}>
          保存
        </Button>
      </Form.Item>
    </Form>
  );
}

export default function SettingsPage() {
  const qc = useQueryClient();
  // Always read afresh here (other pages may hold a cached copy for minutes).
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => api<Settings>('/settings'), staleTime: 0 });
  useEffect(() => {
    document.title = '系统设置 · 办成事';
  }, []);
  return (
    <Card title={<h1 className="bcs-page-title">系统设置</h1>}>
      {settings.isPending ? (
        <div data-testid="settings-loading">
          <Skeleton active paragraph={{ rows: 10 }} />
        </div>
      ) : settings.error || !settings.data ? (
        <Alert type="error" showIcon message={(settings.error as Error | null)?.message ?? '无法读取系统设置'} />
      ) : (
        <SettingsForm settings={settings.data} onSaved={(s) => qc.setQueryData(['settings'], s)} />
      )}
    </Card>
  );
}
