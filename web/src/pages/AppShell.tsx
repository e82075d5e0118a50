/**
 * The signed-in shell: a role-aware menu, the current user and department always in view, log
 * out, and the pages (each loaded on demand).
 */
import { lazy, Suspense, useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, Result } from 'antd';
import {
  ApartmentOutlined,
  ApiOutlined,
  KeyOutlined,
  AuditOutlined,
  BarChartOutlined,
  BookOutlined,
  CalendarOutlined,
  ControlOutlined,
  MessageOutlined,
  PhoneOutlined,
  FileSearchOutlined,
  FlagOutlined,
  DashboardOutlined,
  FormOutlined,
  GiftOutlined,
  LeftOutlined,
  LogoutOutlined,
  MenuOutlined,
  ReadOutlined,
  RetweetOutlined,
  RightOutlined,
  RiseOutlined,
  SettingOutlined,
  TableOutlined,
  TeamOutlined,
  UnorderedListOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useAuth, useUser } from '../auth/AuthContext';
import { ApiError } from '../api/client';
import { useDepartmentNames } from '../api/queries';
import { can, type Permission } from '../../../core/permissions';
import { NotificationBell } from '../components/NotificationBell';
import { LiteMenu, LiteTextButton, type MenuEntry } from '../components/LiteShell';
import { LiteTag, useAntdHash } from '../components/LiteTag';
import { LiteLinkProvider } from '../components/LiteLink';
import { PageSkeleton } from '../components/PageSkeleton';
import type { Role } from '../../../core/domain';
import { KeyboardLayer } from '../lib/useKeyboard';
import { usePhone } from '../lib/usePhone';
import { seedQueryClient } from '../bootstrap';
import { usePreloadOnHover } from '../routes/preload';
import { assessmentPage, auditPage, casePage, dashboardPage, intakePage, ledgerPage, statsPage } from '../routes/pages';

const DashboardPage = dashboardPage.Component;
const IntakePage = intakePage.Component;
const LedgerPage = ledgerPage.Component;
const CaseDetailPage = casePage.Component;
const StatsPage = statsPage.Component;
const AssessmentPage = assessmentPage.Component;
const ImportPage = lazy(() => import('./ImportPage'));
const RecurringPage = lazy(() => import('./optimization/RecurringPage'));
const PackagesPage = lazy(() => import('./optimization/PackagesPage'));
const TypicalCasesPage = lazy(() => import('./optimization/TypicalCasesPage'));
const KnowledgePage = lazy(() => import('./KnowledgePage'));
const DepartmentsPage = lazy(() => import('./admin/DepartmentsPage'));
const UsersPage = lazy(() => import('./admin/UsersPage'));
const CalendarPage = lazy(() => import('./admin/CalendarPage'));
const SettingsPage = lazy(() => import('./admin/SettingsPage'));
const NotificationsPage = lazy(() => import('./admin/NotificationsPage'));
const AuditPage = auditPage.Component;
const SupervisionRegisterPage = lazy(() => import('./SupervisionRegisterPage'));
const CallbackDeskPage = lazy(() => import('./CallbackDeskPage'));
const MySettingsDialog = lazy(() => import('../components/MySettingsDialog'));
const ApiKeysPage = lazy(() => import('./admin/ApiKeysPage'));
const WebhooksPage = lazy(() => import('./admin/WebhooksPage'));
const MattersPage = lazy(() => import('./admin/MattersPage'));
// antd's Menu, only for the collapsed side menu and the phone's drawer (pages/ShellMenu.tsx).
const ShellMenu = lazy(() => import('./ShellMenu').then((m) => ({ default: m.ShellMenu })));
const PhoneMenu = lazy(() => import('./ShellMenu').then((m) => ({ default: m.PhoneMenu })));

const MENU: MenuEntry[] = [
  { key: '/', label: '工作台', icon: <DashboardOutlined />, perm: 'workOnCases' },
  { key: '/intake', label: '登记', icon: <FormOutlined />, perm: 'intake' },
  { key: '/cases', label: '台账', icon: <TableOutlined />, perm: 'workOnCases' },
  { key: '/callbacks', label: '回访工作台', icon: <PhoneOutlined />, perm: 'callbackDesk' },
  { key: '/stats', label: '统计分析', icon: <BarChartOutlined />, perm: 'readStats' },
  { key: '/assessment', label: '部门考核', icon: <AuditOutlined />, perm: 'readAssessment' },
  { key: '/supervision-records', label: '督办台账', icon: <FlagOutlined />, perm: 'viewSupervisionRegister' },
  { key: '/knowledge', label: '知识库', icon: <ReadOutlined />, perm: 'readKnowledge' },
  {
    key: 'optimization',
    label: '优化提升',
    icon: <RiseOutlined />,
    children: [
      { key: '/optimization/recurring', label: '反复出现的问题', icon: <RetweetOutlined />, perm: 'readRecurring' },
      { key: '/optimization/packages', label: '一件事一次办', icon: <GiftOutlined />, perm: 'readCatalogue' },
      { key: '/optimization/typical-cases', label: '典型案例库', icon: <BookOutlined />, perm: 'readCatalogue' },
    ],
  },
  { key: '/audit', label: '审计日志', icon: <FileSearchOutlined />, perm: 'readAuditRecords' },
  {
    key: 'admin',
    label: '系统管理',
    icon: <SettingOutlined />,
    children: [
      { key: '/admin/departments', label: '部门管理', icon: <ApartmentOutlined />, perm: 'manageDepartments' },
      { key: '/admin/matters', label: '事项目录', icon: <UnorderedListOutlined />, perm: 'editMatters' },
      { key: '/admin/users', label: '用户管理', icon: <TeamOutlined />, perm: 'readUsers' },
      { key: '/admin/calendar', label: '节假日日历', icon: <CalendarOutlined />, perm: 'manageCalendar' },
      { key: '/admin/notifications', label: '消息通知', icon: <MessageOutlined />, perm: 'manageNotifications' },
      { key: '/admin/api-keys', label: '接口密钥', icon: <KeyOutlined />, perm: 'manageApiKeys' },
      { key: '/admin/webhooks', label: 'Webhook', icon: <ApiOutlined />, perm: 'manageApiKeys' },
      { key: '/admin/settings', label: '系统设置', icon: <ControlOutlined />, perm: 'changeSettings' },
    ],
  },
];

/** The entries a role sees: a group shows when one of its entries does. */
function menuEntries(role: Role): MenuEntry[] {
  const visible = (e: MenuEntry): boolean => (e.children ? e.children.some(visible) : !e.perm || can(role, e.perm));
  return MENU.filter(visible).map((e) => (e.children ? { ...e, children: e.children.filter(visible) } : e));
}

function selectedKey(pathname: string): string {
  if (pathname.startsWith('/cases') || pathname.startsWith('/ledger')) return '/cases';
  if (pathname.startsWith('/optimization/')) return pathname.split('/').slice(0, 3).join('/');
  if (pathname.startsWith('/admin/')) return pathname.split('/').slice(0, 3).join('/');
  return pathname === '' ? '/' : pathname;
}

function Forbidden() {
  return <Result status="403" title="无权访问" subTitle="您的角色不能使用此功能。" extra={<Link to="/">返回工作台</Link>} />;
}

function RoleGate({ perm, children }: { perm: Permission; children: React.ReactNode }) {
  const user = useUser();
  return can(user.role, perm) ? <>{children}</> : <Forbidden />;
}

function NotFound() {
  return <Result status="404" title="页面不存在" extra={<Link to="/">返回工作台</Link>} />;
}

function HeaderUser() {
  const user = useUser();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const names = useDepartmentNames();
  const [leaving, setLeaving] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const dept = user.department ? (names.get(user.department) ?? user.department) : null;
  return (
    <div className="bcs-header-user" data-testid="current-user">
      <UserOutlined />
      <span>{user.name}</span>
      <LiteTag color="gold" style={{ marginInlineEnd: 0 }} className="bcs-hide-phone">
        {user.roleLabel}
      </LiteTag>
      {dept && <span data-testid="current-department" className="bcs-hide-phone">{dept}</span>}
      <LiteTextButton icon={<SettingOutlined />} onClick={() => setSettingsOpen(true)} data-testid="my-settings" aria-label="个人设置" title="手机号码与短信提醒">
        <span className="bcs-hide-phone">个人设置</span>
      </LiteTextButton>
      {settingsOpen && (
        <Suspense fallback={null}>
          <MySettingsDialog onClose={() => setSettingsOpen(false)} />
        </Suspense>
      )}
      <LiteTextButton
        icon={<LogoutOutlined />}
        aria-label="退出"
        title="退出登录"
        loading={leaving}
        onClick={async () => {
          if (leaving) return;
          setLeaving(true);
          await logout();
          navigate('/login', { replace: true });
        }}
      >
        <span className="bcs-hide-phone">退出</span>
      </LiteTextButton>
    </div>
  );
}

export default function AppShell() {
  const user = useUser();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  // On a phone the menu is a drawer opened from the header (closed again on every navigation).
  const phone = usePhone();
  const [drawer, setDrawer] = useState(false);
  useEffect(() => setDrawer(false), [location.pathname]);
  // One cache per session: the next user never sees the previous one's data.
  // The reference data that came with the page (web/src/bootstrap.ts) is in it from the start.
  const [queryClient] = useState(() =>
    seedQueryClient(
      new QueryClient({
        defaultOptions: {
          queries: {
            retry: (count, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && count < 2,
            refetchOnWindowFocus: false,
            staleTime: 15_000,
          },
        },
      }),
    ),
  );
  // A menu entry or link the pointer rests on starts loading its page (web/src/routes/preload.ts).
  usePreloadOnHover(user);
  const entries = useMemo(() => menuEntries(user.role), [user.role]);
  const hash = useAntdHash();
  // The drawer's code loads when it is first opened, then stays (it animates closed).
  const [drawerUsed, setDrawerUsed] = useState(false);
  useEffect(() => {
    if (!location.pathname.startsWith('/cases/')) document.title = '办成事';
  }, [location.pathname]);
  const selected = selectedKey(location.pathname);
  const siderWidth = collapsed ? 80 : 200;
  const toggleSider = () => setCollapsed((c) => !c);

  // antd's Layout, Header, Sider and Space as markup (components/LiteShell.tsx): same classes, same look.
  return (
    <QueryClientProvider client={queryClient}>
      {/* antd App gives the pages message/modal that follow the theme and locale. */}
      <AntApp>
        <LiteLinkProvider>
          <KeyboardLayer />
          <div className={`ant-layout ${hash}`} style={{ minHeight: '100vh' }}>
            <header className={`ant-layout-header bcs-header ${hash}`}>
              <div className={`ant-space ${hash} ant-space-horizontal ant-space-align-center`} style={{ gap: 8 }}>
                {phone && (
                  <div className="ant-space-item">
                    <LiteTextButton
                      className="bcs-menu-button ant-btn-icon-only"
                      icon={<MenuOutlined />}
                      aria-label="打开菜单"
                      aria-expanded={drawer}
                      onClick={() => {
                        setDrawerUsed(true);
                        setDrawer(true);
                      }}
                    />
                  </div>
                )}
                <div className="ant-space-item">
                  <span className="bcs-brand">{phone ? '办成事' : '办成事 · “办不成事”闭环处置平台'}</span>
                </div>
              </div>
              <div className={`ant-space ${hash} ant-space-horizontal ant-space-align-center`} style={{ gap: 4 }}>
                <div className="ant-space-item">
                  <NotificationBell />
                </div>
                <div className="ant-space-item">
                  <HeaderUser />
                </div>
              </div>
            </header>
            <div className={phone ? `ant-layout ${hash}` : `ant-layout ant-layout-has-sider ${hash}`}>
              {phone ? (
                drawerUsed && (
                  <Suspense fallback={null}>
                    <PhoneMenu entries={entries} selectedKey={selected} open={drawer} onClose={() => setDrawer(false)} />
                  </Suspense>
                )
              ) : (
                <aside
                  className={`ant-layout-sider ant-layout-sider-light ant-layout-sider-has-trigger${collapsed ? ' ant-layout-sider-collapsed' : ''} ${hash}`}
                  style={{ borderRight: '1px solid #f0f0f0', flex: `0 0 ${siderWidth}px`, maxWidth: siderWidth, minWidth: siderWidth, width: siderWidth }}
                >
                  <div className="ant-layout-sider-children">
                    {collapsed ? (
                      <Suspense fallback={null}>
                        <ShellMenu entries={entries} selectedKey={selected} collapsed />
                      </Suspense>
                    ) : (
                      <LiteMenu entries={entries} selectedKey={selected} label="主菜单" />
                    )}
                  </div>
                  <div
                    className="ant-layout-sider-trigger"
                    style={{ width: siderWidth }}
                    role="button"
                    tabIndex={0}
                    aria-label={collapsed ? '展开菜单' : '收起菜单'}
                    aria-expanded={!collapsed}
                    onClick={toggleSider}
                    onKeyDown={(e: KeyboardEvent) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        toggleSider();
                      }
                    }}
                  >
                    {collapsed ? <RightOutlined /> : <LeftOutlined />}
                  </div>
                </aside>
              )}
              <main className={`ant-layout-content bcs-content ${hash}`}>
                <Suspense fallback={<PageSkeleton />}>
                  <Routes>
                    <Route index element={can(user.role, 'workOnCases') ? <DashboardPage /> : <Navigate to={can(user.role, 'readAuditRecords') ? '/audit' : '/admin/users'} replace />} />
                    <Route
                      path="intake"
                      element={can(user.role, 'intake') ? <IntakePage /> : <Forbidden />}
                    />
                    <Route path="cases" element={<RoleGate perm="workOnCases"><LedgerPage /></RoleGate>} />
                    <Route path="cases/:id" element={<RoleGate perm="workOnCases"><CaseDetailPage /></RoleGate>} />
                    <Route path="stats" element={<RoleGate perm='readStats'><StatsPage /></RoleGate>} />
                    <Route path="assessment" element={<RoleGate perm='readAssessment'><AssessmentPage /></RoleGate>} />
                    <Route path="callbacks" element={<RoleGate perm='callbackDesk'><CallbackDeskPage /></RoleGate>} />
                    <Route path="supervision-records" element={<RoleGate perm='viewSupervisionRegister'><SupervisionRegisterPage /></RoleGate>} />
                    <Route path="ledger/import" element={<RoleGate perm='importLedger'><ImportPage /></RoleGate>} />
                    <Route path="optimization/recurring" element={<RoleGate perm='readRecurring'><RecurringPage /></RoleGate>} />
                    <Route path="optimization/packages" element={<PackagesPage />} />
                    <Route path="optimization/typical-cases" element={<TypicalCasesPage />} />
                    <Route path="knowledge" element={<RoleGate perm='readKnowledge'><KnowledgePage /></RoleGate>} />
                    <Route path="audit" element={<RoleGate perm='readAuditRecords'><AuditPage /></RoleGate>} />
                    <Route path="admin/departments" element={<RoleGate perm="manageDepartments"><DepartmentsPage /></RoleGate>} />
                    <Route path="admin/matters" element={<RoleGate perm="editMatters"><MattersPage /></RoleGate>} />
                    <Route path="admin/users" element={<RoleGate perm="readUsers"><UsersPage /></RoleGate>} />
                    <Route path="admin/calendar" element={<RoleGate perm="manageCalendar"><CalendarPage /></RoleGate>} />
                    <Route path="admin/notifications" element={<RoleGate perm="manageNotifications"><NotificationsPage /></RoleGate>} />
                    <Route path="admin/api-keys" element={<RoleGate perm="manageApiKeys"><ApiKeysPage /></RoleGate>} />
                    <Route path="admin/webhooks" element={<RoleGate perm="manageApiKeys"><WebhooksPage /></RoleGate>} />
                    <Route path="admin/settings" element={<RoleGate perm="changeSettings"><SettingsPage /></RoleGate>} />
                    <Route path="*" element={<NotFound />} />
                  </Routes>
                </Suspense>
              </main>
            </div>
          </div>
        </LiteLinkProvider>
      </AntApp>
    </QueryClientProvider>
  );
}
