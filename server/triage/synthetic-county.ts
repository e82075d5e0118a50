/**
 * A synthetic county's decided cases for the triage bench and tests: ~20 departments with their
 * matters, descriptions in the words people use, the five problem types — with the noise a real
 * county has (matters two departments share, reasons that fit two types, decisions that went the
 * other way, boilerplate in every description). Deterministic for a seed.
 */
import type { DecidedCaseSpec } from './triage-seed.js';

export const SYNTHETIC_DEPARTMENTS: Array<[string, string, string[]]> = [
  ['scjgj', '县市场监管局', ['营业执照经营范围变更', '个体工商户设立登记', '食品经营许可证办理', '企业简易注销登记', '营业执照变更']],
  ['rsj', '县人力社保局', ['养老保险关系转移接续', '失业保险金申领', '社保卡补换领', '工伤认定申请', '职业技能补贴申领']],
  ['zjw', '县住房城乡建委', ['建筑工程施工许可证核发', '商品房预售许可', '物业维修资金使用', '公租房申请']],
  ['ghzrzyj', '县规划自然资源局', ['不动产首次登记', '不动产转移登记', '建设工程规划许可证核发', '农村宅基地审批']],
  ['gaj', '县公安局', ['户口迁移', '居住证办理', '机动车登记证书补领', '身份证换领']],
  ['ybj', '县医保局', ['医保异地就医备案', '门诊慢特病待遇认定', '医保报销', '城乡居民医保参保登记']],
  ['swj', '县税务局', ['增值税发票申领', '房产交易契税缴纳', '个人所得税汇算退税', '税务注销']],
  ['mzj', '县民政局', ['最低生活保障申请', '残疾人两项补贴申请', '婚姻登记', '高龄津贴申领']],
  ['wjw', '县卫生健康委', ['出生医学证明补发', '医师执业注册变更', '母婴设施', '计划生育奖励扶助']],
  ['gjjzx', '县住房公积金管理中心', ['住房公积金提取', '公积金贷款异地转移', '公积金缴存基数调整']],
  ['jtj', '县交通运输局', ['道路运输经营许可', '网约车驾驶员证', '公交线路调整']],
  ['jyj', '县教育委员会', ['义务教育入学登记', '学籍转接', '教师资格认定']],
  ['nyncw', '县农业农村委', ['耕地地力保护补贴', '农机购置补贴', '动物防疫条件合格证']],
  ['sthjj', '县生态环境局', ['排污许可证办理', '环评审批', '噪声污染投诉处理']],
  ['slj', '县水利局', ['取水许可', '河道采砂许可', '农村饮水工程维修']],
  ['whlyw', '县文化旅游委', ['娱乐场所经营许可', '旅行社设立许可', '演出许可']],
  ['yjj', '县应急管理局', ['危险化学品经营许可', '烟花爆竹经营许可', '安全生产许可']],
  ['tyjrswj', '县退役军人事务局', ['退役军人优待证申领', '伤残抚恤', '退役安置']],
  ['cgj', '县城市管理局', ['户外广告设置许可', '占道经营审批', '建筑垃圾处置核准']],
  ['sfj', '县司法局', ['法律援助申请', '公证办理', '人民调解']],
];

/** Departments whose matters people also take to another (the overlap a county sees). */
const CONFUSED: Record<string, string> = { ghzrzyj: 'swj', swj: 'ghzrzyj', zjw: 'gjjzx', gjjzx: 'zjw', ybj: 'rsj', rsj: 'ybj', scjgj: 'swj', mzj: 'tyjrswj', cgj: 'zjw', whlyw: 'scjgj' };

const PHRASES: Record<string, string[]> = {
  materials: ['缺少产权证明材料', '原单位已注销开不了证明', '历史档案遗失找不到原始材料', '无法提供佐证材料', '证明材料不齐被退回', '利害关系人在外地无法签字确认', '要求提供无犯罪记录证明但开不出来'],
  rigid_policy: ['窗口死抠政策条文一刀切', '信息有一字之差就被退回', '超过时限一天就不予办理', '机械执行文件规定不肯变通', '政策没有明确规定的情形一律不办', '要求提供政策文件中并没有的证明'],
  unable: ['老人不会用手机APP认证', '行动不便无法到大厅', '网上办理流程看不懂', '不熟悉政策不知道怎么申请', '智能设备操作困难多次提交失败', '不识字填不了表格'],
  complex: ['要在几个部门之间来回跑', '材料太多要重复提交', '前置审批需要其他部门出具相互推诿', '流程环节太多跑了五六次', '多个窗口要求重复提交相同材料', '审批链条长等了两个月'],
  misconduct: ['工作人员态度生硬', '窗口人员业务不熟答复前后矛盾', '暗示要找关系才能办', '工作人员推诿扯皮不作为', '办事人员吃拿卡要', '窗口工作人员玩手机不理人'],
};
/** Reasons that read like two types at once (label noise of a real county). */
const AMBIGUOUS = ['跑了好几趟都没有办成', '窗口说材料不符合要求', '一直没有人给明确答复', '说系统里查不到信息'];
const OPENINGS = ['本人', '我公司', '反映人称', '群众来电反映', '企业反映', '市民反映', '家里老人'];
const ASKS = ['希望尽快协调解决。', '请求相关部门帮助办理。', '已经影响正常生活，请帮忙。', '企业急需，请加快办理。', '请给个说法。', ''];

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The catalogue of the synthetic county: one code per matter (`MATTER-<dept>-<n>`). */
export function syntheticMatters(): Array<{ code: string; name: string; department: string }> {
  return SYNTHETIC_DEPARTMENTS.flatMap(([dept, , matters]) => matters.map((name, i) => ({ code: `M-${dept}-${i + 1}`, name, department: dept })));
}

/**
 * `n` decided cases. About 60 % carry the matter's catalogue code; 8 % went to a department that
 * often shares the matter; 10 % were given another problem type than their words say; 10 % of
 * descriptions name a reason of another type too; 15 % add an ambiguous sentence; some describe the
 * matter in other words (the matter text shortened).
 */
export function syntheticCounty(n: number, seed = 15): DecidedCaseSpec[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const types = Object.keys(PHRASES);
  const catalogue = syntheticMatters();
  // Some departments are far busier than others (as in a county).
  const weights = SYNTHETIC_DEPARTMENTS.map((_, i) => 1 / (1 + i * 0.15));
  const total = weights.reduce((a, b) => a + b, 0);
  const pickDept = () => {
    let x = r() * total;
    for (let i = 0; i < weights.length; i++) if ((x -= weights[i]!) < 0) return SYNTHETIC_DEPARTMENTS[i]!;
    return SYNTHETIC_DEPARTMENTS[0]!;
  };
  const out: DecidedCaseSpec[] = [];
  for (let i = 0; i < n; i++) {
    const [dept, , matters] = pickDept();
    const matter = pick(matters);
    const code = catalogue.find((m) => m.name === matter && m.department === dept)!.code;
    const problemType = pick(types);
    let department = dept;
    if (r() < 0.08 && CONFUSED[dept]) department = CONFUSED[dept]!;
    const parts = [pick(OPENINGS), `办理${r() < 0.2 ? matter.slice(0, Math.max(2, Math.ceil(matter.length / 2))) : matter}时`, pick(PHRASES[problemType]!)];
    if (r() < 0.1) parts.push(pick(PHRASES[pick(types)]!));
    if (r() < 0.15) parts.push(pick(AMBIGUOUS));
    const description = `${parts.join('，')}，${pick(ASKS)}`;
    // Coordinators do not always agree: 10 % of the cases were given another type than their words say.
    const decidedType = r() < 0.1 ? pick(types) : problemType;
    out.push({
      matter: r() < 0.15 ? `${matter}咨询` : matter,
      ...(r() < 0.6 ? { matterCode: code } : {}),
      description,
      ...(r() < 0.5 ? { reason: pick(PHRASES[problemType]!) } : {}),
      problemType: decidedType,
      department,
    });
  }
  return out;
}
