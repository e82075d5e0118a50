// zod 4 compiles object parsers with `new Function` unless told not to; the page's
// Content-Security-Policy forbids eval (script-src 'self', server/app.ts WEB_CSP), and even zod's
// probe for it would be reported as a violation. Imported first by main.tsx, before any parse.
import { z } from 'zod';

z.config({ jitless: true });
