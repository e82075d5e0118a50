/**
 * 一件事一次办 套餐目录: packages drawn from completed 不好办 (complex) cases — the departments,
 * the materials and steps before and after (GET /packages). 县行管办 creates them from the source
 * cases (picked from a search of completed complex cases), edits and publishes them; drafts are
 * seen only by the county-level roles.
 */
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, List, Modal, Popconfirm, Row, Select, Space, Tag, Typography } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { api, ApiError, toQuery } from '../../api/client';
import type { CasePage, CaseSummary, ServicePackage } from '../../api/types';
import { departmentOptions, useDepartmentNames, useDepartments } from '../../api/queries';
import { useUser } from '../../auth/AuthContext';
import { can } from '../../../../core/permissions';
import { COMPLETED_STATUSES } from '../../../../core/clocks';
import { applyFieldErrors } from '../../lib/forms';
import { useSubmitGuard } from '../../lib/useSubmitGuard';
import { formatDateTime } from '../../lib/time';
import { CaseSearchSelect } from '../../components/CaseSearchSelect';
import { PublishTag } from './TypicalCasesPage';
import { MultiSelect } from '../../components/MultiSelect';

/** The cases a package may come from: completed 不好办 cases. */
/** The list filter for source cases: 不好办 (complex) cases whose result was given (core/catalogue.ts `canBePackageSource`). */
export const SOURCE_FILTERS = { problemType: 'complex', status: COMPLETED_STATUSES.join(',') };

type Values = Omit<ServicePackage, 'id' | 'status' | 'createdBy' | 'createdAt' | 'updatedAt'>;
const FIELDS = ['name', 'departments', 'materialsBefore', 'materialsAfter', 'stepsBefore', 'stepsAfter', 'sourceCaseIds'];

function BeforeAfter({ before, after }: { before: string; after: string }) {
  return (
    <Row gutter={8}>
      <Col span={12}>
        <Typography.Text type="secondary">优化前</Typography.Text>
        <div className="bcs-pre bcs-before">{before}</div>
      </Col>
      <Col span={12}>
        <Typography.Text type="secondary">优化后</Typography.Text>
        <div className="bcs-pre bcs-after">{after}</div>
      </Col>
    </Row>
  );
}

function PackageDialog({ pkg, onClose, onSaved, knownCases }: { pkg: ServicePackage | 'new'; onClose: () => void; onSaved: (p: ServicePackage) => void; knownCases?: CaseSummary[] }) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const { data: departments } = useDepartments();
  const { run, pending } = useSubmitGuard();
  const [error, setError] = useState<string | null>(null);
  const editing = pkg !== 'new' ? pkg : null;

  const save = (publish: boolean) =>
    run(async () => {
      setError(null);
      let v: Values;
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      const body = {
        name: v.name.trim(),
        departments: v.departments,
        materialsBefore: v.materialsBefore.trim(),
        materialsAfter: v.materialsAfter.trim(),
        stepsBefore: v.stepsBefore.trim(),
        stepsAfter: v.stepsAfter.trim(),
        sourceCaseIds: v.sourceCaseIds,
        ...(publish ? { status: 'published' as const } : editing ? {} : { status: 'draft' as const }),
      };
      try {
        const saved = editing
          ? await api<ServicePackage>(`/packages/${editing.id}`, { method: 'PATCH', body })
          : await api<ServicePackage>('/packages', { body });
        void message.success(publish ? `已发布套餐“${saved.name}”` : `已保存套餐“${saved.name}”`);
        onSaved(saved);
      } catch (e) {
        if (e instanceof ApiError) {
          const loose = applyFieldErrors(form, e.details, FIELDS);
          if (loose.length || !e.details.length) setError(loose.join('；') || e.message);
        } else setError('保存失败，请重试');
      }
    });

  /** Departments default to those of the source cases picked. */
  const onPicked = (cases: CaseSummary[]) => {
    const current: string[] = form.getFieldValue('departments') ?? [];
    const add = cases.flatMap((c) => [c.leadDepartment, ...c.coDepartments]).filter((d): d is string => !!d && !current.includes(d));
    if (add.length) form.setFieldValue('departments', [...current, ...new Set(add)]);
  };

  return (
    <Modal
      open
      title={editing ? `修改套餐：${editing.name}` : '新建“一件事一次办”套餐'}
      onCancel={onClose}
      width={820}
      maskClosable={false}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>
          取消
        </Button>,
        <Button key="draft" loading={pending} onClick={() => void save(false)}>
          {editing ? '保存' : '保存草稿'}
        </Button>,
        ...(editing?.status === 'published'
          ? []
          : [
              <Button key="publish" type="primary" loading={pending} onClick={() => void save(true)}>
                保存并发布
              </Button>,
            ]),
      ]}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={
          editing
            ? { ...editing }
            : { name: '', departments: [], materialsBefore: '', materialsAfter: '', stepsBefore: '', stepsAfter: '', sourceCaseIds: [] }
        }
      >
        <Form.Item
          name="sourceCaseIds"
          label="来源反映件（已办结的“流程复杂、材料过多”类问题）"
          rules={[{ required: true, type: 'array', min: 1, message: '请至少关联一件来源反映件' }]}
        >
          <CaseSearchSelect multiple filters={SOURCE_FILTERS} onPicked={onPicked} knownCases={knownCases} aria-label="来源反映件" />
        </Form.Item>
        <Form.Item name="name" label="套餐名称" rules={[{ required: true, whitespace: true, message: '请填写套餐名称' }, { max: 50, message: '套餐名称不能超过 50 个字' }]}>
          <Input maxLength={50} placeholder="如：开办餐饮店“一件事”" />
        </Form.Item>
        <Form.Item name="departments" label="涉及部门" rules={[{ required: true, type: 'array', min: 1, message: '请至少选择一个部门' }]}>
          <MultiSelect showSearch optionFilterProp="label" options={departmentOptions(departments)} placeholder="输入部门名称搜索" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="materialsBefore" label="优化前材料" rules={[{ required: true, whitespace: true, message: '请填写优化前材料' }]}>
              <Input.TextArea rows={3} maxLength={5000} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="materialsAfter" label="优化后材料" rules={[{ required: true, whitespace: true, message: '请填写优化后材料' }]}>
              <Input.TextArea rows={3} maxLength={5000} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="stepsBefore" label="优化前流程" rules={[{ required: true, whitespace: true, message: '请填写优化前流程' }]}>
              <Input.TextArea rows={3} maxLength={5000} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="stepsAfter" label="优化后流程" rules={[{ required: true, whitespace: true, message: '请填写优化后流程' }]}>
              <Input.TextArea rows={3} maxLength={5000} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

export default function PackagesPage() {
  const user = useUser();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const names = useDepartmentNames();
  const [editing, setEditing] = useState<ServicePackage | 'new' | null>(null);
  const canEdit = can(user.role, 'editPackages');
  useEffect(() => {
    document.title = '一件事一次办 · 办成事';
  }, []);
  const q = useQuery({ queryKey: ['packages'], queryFn: () => api<{ items: ServicePackage[] }>('/packages').then((r) => r.items) });
  // Case numbers of the source cases (ids in the package), from the same list the picker searches.
  const sources = useQuery({
    queryKey: ['case-search', JSON.stringify(SOURCE_FILTERS), '', 'all'],
    queryFn: () => api<CasePage>(`/cases${toQuery({ ...SOURCE_FILTERS, limit: 200 })}`).then((r) => r.items),
    enabled: (q.data ?? []).length > 0,
    staleTime: 60_000,
  });
  const caseNo = new Map((sources.data ?? []).map((c) => [c.id, c.caseNo]));

  const publish = async (p: ServicePackage) => {
    try {
      await api<ServicePackage>(`/packages/${p.id}`, { method: 'PATCH', body: { status: 'published' } });
      void message.success(`已发布套餐“${p.name}”`);
    } catch (e) {
      void message.error(e instanceof ApiError ? e.message : '发布失败');
    } finally {
      void qc.invalidateQueries({ queryKey: ['packages'] });
    }
  };

  return (
    <Card
      title={<h1 className="bcs-page-title">“一件事一次办”套餐目录</h1>}
      extra={
        canEdit && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            新建套餐
          </Button>
        )
      }
    >
      {canEdit && (
        <Typography.Paragraph type="secondary">
          由已办结的“流程复杂、材料过多”（不好办）反映件提炼，整合多个部门的材料与流程；发布后全县可见。
        </Typography.Paragraph>
      )}
      {q.error ? (
        <Empty description={(q.error as Error).message} />
      ) : (
        <List<ServicePackage>
          data-testid="package-list"
          loading={q.isPending}
          dataSource={q.data ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无套餐" /> }}
          renderItem={(p) => (
            <List.Item key={p.id} data-testid={`package-${p.id}`} style={{ display: 'block' }}>
              <Space size={8} wrap style={{ marginBottom: 8 }}>
                <Typography.Text strong style={{ fontSize: 16 }}>
                  {p.name}
                </Typography.Text>
                <PublishTag status={p.status} />
                {p.departments.map((d) => (
                  <Tag key={d}>{names.get(d) ?? d}</Tag>
                ))}
                {canEdit && (
                  <>
                    <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(p)}>
                      修改
                    </Button>
                    {p.status === 'draft' && (
                      <Popconfirm title="发布后全县可见，确认发布？" okText="发布" cancelText="取消" onConfirm={() => publish(p)}>
                        <Button size="small" type="primary" ghost>
                          发布
                        </Button>
                      </Popconfirm>
                    )}
                  </>
                )}
              </Space>
              <Descriptions size="small" column={1} bordered>
                <Descriptions.Item label="材料">
                  <BeforeAfter before={p.materialsBefore} after={p.materialsAfter} />
                </Descriptions.Item>
                <Descriptions.Item label="流程">
                  <BeforeAfter before={p.stepsBefore} after={p.stepsAfter} />
                </Descriptions.Item>
                <Descriptions.Item label="来源反映件">
                  <Space size={8} wrap>
                    {p.sourceCaseIds.map((id) => (
                      <Link key={id} to={`/cases/${id}`}>
                        {caseNo.get(id) ?? `#${id}`}
                      </Link>
                    ))}
                    <Typography.Text type="secondary">
                      {p.createdBy} 创建于 {formatDateTime(p.createdAt)}，更新于 {formatDateTime(p.updatedAt)}
                    </Typography.Text>
                  </Space>
                </Descriptions.Item>
              </Descriptions>
            </List.Item>
          )}
        />
      )}
      {editing && (
        <PackageDialog
          pkg={editing}
          knownCases={sources.data}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void qc.invalidateQueries({ queryKey: ['packages'] });
          }}
        />
      )}
    </Card>
  );
}
