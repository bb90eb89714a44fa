import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { PRIVATE_DIR_MODE } from './private-dir.ts';

// Configuration as docs/OPERATIONS.md §Configuration lists it, TRUST_PROXY among it (whether X-Forwarded-For
// names the client, for login throttling behind a load balancer). Empty strings count as unset.

const optionalString = z.string().min(1).optional();
const url = (protocols: string[]) =>
  z.url({ message: 'must be a URL' }).refine((value) => protocols.includes(new URL(value).protocol), {
    message: `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  });
const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/** COACH_PRICES: `model=input/output` pairs in USD per million tokens, comma-separated. */
const priceTable = z
  .string()
  .regex(
    /^\s*[\w.:-]+\s*=\s*\d+(\.\d+)?\s*\/\s*\d+(\.\d+)?\s*(,\s*[\w.:-]+\s*=\s*\d+(\.\d+)?\s*\/\s*\d+(\.\d+)?\s*)*$/,
    'must be model=input/output pairs in USD per million tokens, e.g. claude-sonnet-5-5=3/15,claude-haiku-5-5=1/5',
  )
  .transform((v) =>
    Object.fromEntries(
      v.split(',').map((pair) => {
        const [model, price] = pair.split('=') as [string, string];
        const [input, output] = price.split('/').map(Number) as [number, number];
        return [model.trim(), { input, output }];
      }),
    ),
  );

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  // Loopback unless the operator says otherwise (HOST=0.0.0.0 in a container, behind a proxy).
  HOST: z
    .string()
    .regex(/^[0-9A-Za-z.:[\]-]+$/, 'must be a host name or an IP address')
    .default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'must be 32 bytes as 64 hex digits or base64')
    .optional(),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: url(['http:', 'https:']).optional(),
  ANTHROPIC_MODEL: z.string().min(1).default('claude-sonnet-5-5'),
  // A model per job: the chat (and, unless set, plan personalisation) on ANTHROPIC_MODEL; the
  // weekly memory and journal narratives on the smaller ANTHROPIC_MODEL_BACKGROUND.
  ANTHROPIC_MODEL_PERSONALIZE: optionalString,
  ANTHROPIC_MODEL_BACKGROUND: z.string().min(1).default('claude-haiku-5-5'),
  ANTHROPIC_MODEL_MEMORY: optionalString,
  ANTHROPIC_MODEL_JOURNAL: optionalString,
  COACH_DAILY_TOKEN_BUDGET: z.coerce.number().int().min(0).default(200_000),
  COACH_BATCH_WEEKLY: booleanFlag.default(false),
  COACH_PRICES: priceTable.optional(),
  STRAVA_CLIENT_ID: optionalString,
  STRAVA_CLIENT_SECRET: optionalString,
  STRAVA_OAUTH_URL: url(['http:', 'https:']).default('https://www.strava.com/oauth'),
  STRAVA_API_URL: url(['http:', 'https:']).default('https://www.strava.com/api/v3'),
  STRAVA_WEBHOOK_VERIFY_TOKEN: optionalString,
  STRAVA_DATA_IN_AI: booleanFlag.default(false),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  RESEND_API_KEY: optionalString,
  RESEND_BASE_URL: url(['http:', 'https:']).default('https://api.resend.com'),
  EMAIL_FROM: z
    .string()
    .regex(/^[^@\s<>]+@[^@\s<>]+$|^.+<[^@\s<>]+@[^@\s<>]+>$/, 'must be an e-mail address')
    .default('coach@localhost'),
  TRUST_PROXY: booleanFlag.default(false),
});

/** Secrets generated once into DATA_DIR when the environment does not give them. */
interface GeneratedSecrets {
  session_secret: string;
  token_encryption_key: string;
  strava_webhook_verify_token: string;
  admin_token: string;
}

export interface Config {
  port: number;
  /** The address the server listens on. */
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  secureCookies: boolean;
  sessionSecret: string;
  tokenEncryptionKey: Buffer;
  /** Authenticates operator commands (e.g. `npm run invite`) to a running server over loopback. */
  adminToken: string;
  anthropic: {
    apiKey: string | undefined;
    baseUrl: string | undefined;
    /** The live chat's model (and the client's default). */
    model: string;
    /** The model of each job. */
    models: { chat: string; personalize: string; memory: string; journal: string };
    dailyTokenBudget: number;
    /** The weekly memory job submits a Message Batch and applies the answers on a later run. */
    batchWeekly: boolean;
    /** Price overrides, USD per million tokens, by model (COACH_PRICES). */
    prices: Record<string, { input: number; output: number }>;
  };
  strava: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    oauthUrl: string;
    apiUrl: string;
    webhookVerifyToken: string;
    dataInAi: boolean;
  };
  email: { smtpUrl: string | undefined; resendApiKey: string | undefined; resendBaseUrl: string; from: string };
  trustProxy: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const secrets = loadOrCreateSecrets(dataDir);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST.replace(/^\[|\]$/g, ''),
    dataDir,
    databaseUrl: e.DATABASE_URL,
    publicUrl,
    secureCookies: publicUrl.startsWith('https:'),
    sessionSecret: e.SESSION_SECRET ?? secrets.session_secret,
    tokenEncryptionKey: parseKey(e.TOKEN_ENCRYPTION_KEY ?? secrets.token_encryption_key),
    adminToken: secrets.admin_token,
    anthropic: {
      apiKey: e.ANTHROPIC_API_KEY,
      baseUrl: e.ANTHROPIC_BASE_URL,
      model: e.ANTHROPIC_MODEL,
      models: {
        chat: e.ANTHROPIC_MODEL,
        personalize: e.ANTHROPIC_MODEL_PERSONALIZE ?? e.ANTHROPIC_MODEL,
        memory: e.ANTHROPIC_MODEL_MEMORY ?? e.ANTHROPIC_MODEL_BACKGROUND,
        journal: e.ANTHROPIC_MODEL_JOURNAL ?? e.ANTHROPIC_MODEL_BACKGROUND,
      },
      dailyTokenBudget: e.COACH_DAILY_TOKEN_BUDGET,
      batchWeekly: e.COACH_BATCH_WEEKLY,
      prices: e.COACH_PRICES ?? {},
    },
    strava: {
      clientId: e.STRAVA_CLIENT_ID,
      clientSecret: e.STRAVA_CLIENT_SECRET,
      oauthUrl: e.STRAVA_OAUTH_URL.replace(/\/+$/, ''),
      apiUrl: e.STRAVA_API_URL.replace(/\/+$/, ''),
      webhookVerifyToken: e.STRAVA_WEBHOOK_VERIFY_TOKEN ?? secrets.strava_webhook_verify_token,
      dataInAi: e.STRAVA_DATA_IN_AI,
    },
    email: { smtpUrl: e.SMTP_URL, resendApiKey: e.RESEND_API_KEY, resendBaseUrl: e.RESEND_BASE_URL, from: e.EMAIL_FROM },
    trustProxy: e.TRUST_PROXY,
  };
}

function parseKey(value: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
}

/** The generated secrets file; created with mode 0600 on first start so restarts keep sessions valid. */
export function secretsPath(dataDir: string): string {
  return join(dataDir, 'secrets.json');
}

function loadOrCreateSecrets(dataDir: string): GeneratedSecrets {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const path = secretsPath(dataDir);
  const fresh: GeneratedSecrets = {
    session_secret: randomBytes(32).toString('base64url'),
    token_encryption_key: randomBytes(32).toString('hex'),
    strava_webhook_verify_token: randomBytes(24).toString('base64url'),
    admin_token: randomBytes(32).toString('base64url'),
  };
  if (!existsSync(path)) {
    // 'wx' fails if another process created it first; then we read theirs.
    try {
      writeFileSync(path, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
      return fresh;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const stored = JSON.parse(readFileSync(path, 'utf8')) as Partial<GeneratedSecrets>;
  const merged = { ...fresh, ...stored };
  // A secrets file from an older version may lack newer keys: add them once.
  if (Object.keys(stored).length !== Object.keys(merged).length) {
    writeFileSync(path, JSON.stringify(merged, null, 2), { mode: 0o600 });
  }
  return merged;
}
