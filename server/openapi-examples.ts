/**
 * Examples for the OpenAPI document, generated from the JSON schemas it already holds: a schema's own
 * `example` / `examples` (zod `.meta({ example })`) wins; otherwise a plausible value is built from
 * its `const`, `enum`, `default`, format, bounds and — for plain strings — the property's name.
 */

type Schema = Record<string, any>;

/** Plausible strings by property name, for strings without format, enum or pattern. */
const BY_NAME: Record<string, string> = {
  id: '42',
  caseNo: 'BCS-2026-000123',
  name: '张三',
  username: 'zhangsan',
  displayName: '张三',
  phone: '13800001234',
  mobile: '13800001234',
  department: 'scjgj',
  leadDepartment: 'scjgj',
  departmentName: '县市场监督管理局',
  code: 'scjgj',
  matter: '个体工商户设立登记',
  description: '办理营业执照时被告知缺少房屋产权证明，无法办理。',
  comment: '办理及时，态度很好',
  title: '个体工商户设立登记所需材料',
  system: '12345',
  url: 'https://example.gov.cn/hooks/bcs',
  secret: 'a-long-shared-secret-of-the-receiver',
  key: 'bcs_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  token: 'f3a1c9e2b7d84c5a9e0b1d2c3f4a5b6c',
  csrfToken: '9c1e2f3a4b5c6d7e8f90a1b2c3d4e5f6',
  message: '操作成功',
  reason: '不属于本平台受理范围',
  password: 'Bcs#2026pass',
  month: '2026-11',
  departments: 'scjgj',
  coDepartments: 'scjgj',
};

const FORMAT: Record<string, string> = {
  'date-time': '2026-11-26T09:30:00+08:00',
  date: '2026-11-26',
  time: '09:30:00',
  email: 'it@example.gov.cn',
  uri: 'https://example.gov.cn/hooks/bcs',
  url: 'https://example.gov.cn/hooks/bcs',
  uuid: '3f2b8c4e-1a2d-4e5f-9a0b-1c2d3e4f5a6b',
  binary: '',
};

/** Values tried in turn when a string has a pattern the name's value does not match. */
const PATTERN_CANDIDATES = ['scjgj', '2026-11', FORMAT.date, FORMAT['date-time'], '42', '12345', 'BCS-2026-000123', '2026-000123', 'abc'];

function resolve(root: Schema, s: Schema | undefined): Schema | undefined {
  let n = s;
  for (let i = 0; n && typeof n.$ref === 'string' && i < 10; i++) {
    const path = n.$ref.replace(/^#\//, '').split('/');
    n = path.reduce((o: any, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], root);
  }
  return n;
}

function stringExample(s: Schema, name: string | undefined): string {
  if (s.format && FORMAT[s.format] !== undefined) return FORMAT[s.format];
  let v = (name && BY_NAME[name]) ?? (name && /At$/.test(name) ? FORMAT['date-time'] : name && /Date$|^from$|^to$/.test(name) ? FORMAT.date : '示例');
  if (typeof s.pattern === 'string') {
    try {
      const re = new RegExp(s.pattern, 'u');
      if (!re.test(v)) v = PATTERN_CANDIDATES.find((c) => re.test(c)) ?? v;
    } catch {
      /* keep the value */
    }
  }
  if (typeof s.maxLength === 'number' && v.length > s.maxLength) v = v.slice(0, s.maxLength);
  if (typeof s.minLength === 'number' && v.length < s.minLength) v = v.padEnd(s.minLength, 'x');
  return v;
}

/** Plausible numbers by property name. */
const NUMBER_BY_NAME: Record<string, number> = { id: 42, version: 3, year: 2026, level: 1, limit: 50 };

function numberExample(s: Schema, name: string | undefined, integer: boolean): number {
  // zod writes the safe-integer bounds on every integer: they are no real bound.
  const bound = (v: unknown) => (typeof v === 'number' && Math.abs(v) < 1e12 ? v : undefined);
  const min = bound(s.minimum) ?? (bound(s.exclusiveMinimum) !== undefined ? s.exclusiveMinimum + (integer ? 1 : 0.5) : undefined);
  const max = bound(s.maximum) ?? (bound(s.exclusiveMaximum) !== undefined ? s.exclusiveMaximum - (integer ? 1 : 0.5) : undefined);
  let v = (name !== undefined ? NUMBER_BY_NAME[name] : undefined) ?? min ?? 1;
  if (min !== undefined && v < min) v = min;
  if (max !== undefined && v > max) v = max;
  return integer ? Math.ceil(v) : v;
}

/** A plausible value of the JSON schema `s` (references resolved against `root`). */
export function exampleOf(root: Schema, schema: Schema | undefined, name?: string, depth = 0): unknown {
  const s = resolve(root, schema);
  if (!s || depth > 12) return null;
  if ('example' in s) return s.example;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum.find((e: unknown) => e !== null) ?? s.enum[0];
  if ('default' in s) return s.default;
  const branches: Schema[] | undefined = s.anyOf ?? s.oneOf;
  if (branches?.length) {
    const pick = branches.find((b) => resolve(root, b)?.type !== 'null') ?? branches[0];
    return exampleOf(root, pick, name, depth + 1);
  }
  if (Array.isArray(s.allOf)) return Object.assign({}, ...s.allOf.map((b: Schema) => exampleOf(root, b, name, depth + 1)));
  const type = Array.isArray(s.type) ? (s.type.find((t: string) => t !== 'null') ?? s.type[0]) : s.type;
  switch (type) {
    case 'object':
    case undefined: {
      if (!s.properties && type === undefined) return s.additionalProperties || s.items ? {} : null;
      const out: Record<string, unknown> = {};
      for (const [k, p] of Object.entries<Schema>(s.properties ?? {})) out[k] = exampleOf(root, p, k, depth + 1);
      if (!s.properties && s.additionalProperties && typeof s.additionalProperties === 'object') {
        out[s.propertyNames?.enum?.[0] ?? 'key'] = exampleOf(root, s.additionalProperties, undefined, depth + 1);
      }
      return out;
    }
    case 'array': {
      if (Array.isArray(s.prefixItems)) return s.prefixItems.map((p: Schema) => exampleOf(root, p, undefined, depth + 1));
      const item = exampleOf(root, s.items, name, depth + 1);
      const n = Math.max(1, typeof s.minItems === 'number' ? s.minItems : 1);
      return Array.from({ length: n }, () => item);
    }
    case 'string':
      return stringExample(s, name);
    case 'integer':
      return numberExample(s, name, true);
    case 'number':
      return numberExample(s, name, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return null;
  }
}
