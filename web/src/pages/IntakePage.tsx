/**
 * 登记 page: the intake form; after a save, the case number and the receipt above a fresh form, so
 * the next call is typed at once (no 继续登记 step).
 */
import { ACTION_RULES } from '../../../core/case-lifecycle';
import { startingChannel } from '../../../core/domain';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Col, Result, Row, Space, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { IntakeForm } from '../components/IntakeForm';
import { useDepartments } from '../api/queries';
import type { CaseDetail, CaseSummary } from '../api/types';
import { useUser } from '../auth/AuthContext';
import { PageSkeleton } from '../components/PageSkeleton';
import { api, API_BASE, ApiError } from '../api/client';
import { KnowledgeSuggestions } from '../components/Knowledge';
import { can } from '../../../core/permissions';

export default function IntakePage() {
  const user = useUser();
  const { data: departments, isLoading } = useDepartments();
  const [saved, setSaved] = useState<CaseDetail | null>(null);
  const [sameMatterOpen, setSameMatterOpen] = useState<CaseSummary[]>([]);
  const [formKey, setFormKey] = useState(0);
  const { message } = App.useApp();
  /** What the clerk is typing (matter and description), and the 相关知识 chosen to link on save. */
  const [typed, setTyped] = useState('');
  const [chosen, setChosen] = useState<Array<{ id: number; title: string }>>([]);
  const onTextChange = useCallback((t: string) => setTyped(t), []);
  const knowledge = can(user.role, 'readKnowledge');
  useEffect(() => {
    document.title = '登记 · 办成事';
  }, []);

  if (isLoading) return <PageSkeleton rows={10} />;

  const savedPanel = saved && (
    <Result
      status="success"
      style={{ padding: '8px 0 16px' }}
      data-testid="intake-saved"
      title={
        <span>
          登记成功，编号 <Typography.Text strong copyable data-testid="saved-case-no">{saved.caseNo}</Typography.Text>
        </span>
      }
      subTitle={
        <>
          <div>请告知反映人编号 {saved.caseNo}，凭编号和手机号后四位可查询办理进度。下一件可直接在下方登记。</div>
          {(saved.knowledge ?? []).length > 0 && <div data-testid="saved-knowledge">已引用知识：{saved.knowledge.map((k) => `“${k.title}”`).join('、')}</div>}
          {sameMatterOpen.length > 0 && (
            <Alert
              type="warning"
              showIcon
              data-testid="merge-suggestion"
              style={{ marginTop: 12, textAlign: 'left', display: 'inline-flex', maxWidth: 640 }}
              message="建议并件"
              description={
                <span>
                  该反映人就同一事项已有在办件{' '}
                  {sameMatterOpen.map((c, i) => (
                    <span key={c.id}>
                      {i > 0 && '、'}
                      <Link to={`/cases/${c.id}`}>{c.caseNo}</Link>
                    </span>
                  ))}
                  。如属重复反映，请在本件页面使用“并件”并入该件{ACTION_RULES.merge.roles.includes(user.role) ? '' : '（由县行管办操作）'}。
                </span>
              }
            />
          )}
        </>
      }
      extra={
        <Space wrap>
          <Button type="primary" icon={<PrinterOutlined />} href={`${API_BASE}/cases/${saved.id}/receipt?print=1`} target="_blank" rel="noopener">
            打印回执
          </Button>
          <Link to={`/cases/${saved.id}`}>
            <Button>查看详情</Button>
          </Link>
        </Space>
      }
    />
  );

  return (
    <Card title={<h1 className="bcs-page-title">登记“办不成事”反映件</h1>}>
      {savedPanel}
      {/* After a save the next call starts at once: a fresh form, the cursor in 反映人姓名. */}
      <Row gutter={16}>
        <Col xs={24} xl={knowledge ? 16 : 24}>
          <IntakeForm
            key={formKey}
            departments={departments ?? []}
            defaultChannel={startingChannel(user.role, user.intakeChannel)}
            draftKey={`bcs.intake.draft.${user.username}`}
            lookupEarlierCases
            lookupMatters
            onTextChange={onTextChange}
            onSaved={async (c, same) => {
              // The chosen 相关知识 is linked to the new case (each a timeline event 引用知识).
              let linked = c;
              for (const k of chosen) {
                try {
                  await api(`/cases/${c.id}/knowledge`, { body: { knowledgeId: k.id } });
                  linked = { ...linked, knowledge: [...(linked.knowledge ?? []), k] };
                } catch (e) {
                  void message.warning(`未能引用“${k.title}”：${e instanceof ApiError ? e.message : '请在反映件页面重新引用'}`);
                }
              }
              setChosen([]);
              setSaved(linked);
              setSameMatterOpen(same);
              setFormKey((k) => k + 1);
            }}
          />
        </Col>
        {knowledge && (
          <Col xs={24} xl={8}>
            <KnowledgeSuggestions text={typed} chosen={chosen} onChosen={setChosen} />
          </Col>
        )}
      </Row>
    </Card>
  );
}
