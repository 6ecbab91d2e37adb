import { expect } from 'chai';
import { ConfigError, loadConfig } from '@family/config';
import { bffConfigSchema } from '../src/index.js';

describe('BFF configuration', () => {
  const required = {
    AUTH_GRPC_URL: '127.0.0.1:50051',
    EXPENSE_GRPC_URL: '127.0.0.1:50052',
    GOALS_GRPC_URL: '127.0.0.1:50053',
    REDIS_URL: 'redis://127.0.0.1:6379',
  };

  it('fills in the documented defaults', () => {
    expect(loadConfig(bffConfigSchema, required)).to.deep.equal({
      ...required,
      BFF_HOST: '0.0.0.0',
      BFF_PORT: 8080,
      REDIS_KEY_PREFIX: 'family:',
      JWT_ISSUER: 'family-auth',
      JWT_AUDIENCE: 'family-api',
      REQUEST_TIMEOUT_MS: 10000,
      BODY_LIMIT: '100kb',
      CSV_IMPORT_LIMIT: '5mb',
      TRUST_PROXY: false,
      RATE_LIMIT_PER_MINUTE: 600,
      AUTH_RATE_LIMIT_PER_MINUTE: 20,
      IDEMPOTENCY_TTL_SECONDS: 86400,
      LOG_LEVEL: 'info',
      METRICS_PORT: 9464,
      REGION_EDGES: [],
      BFF_MODE: 'both',
      SMTP_PORT: 587,
      SMTP_SECURE: false,
      MAIL_FROM: 'Family Expenses <notifications@family.example>',
      PUSH_CONCURRENCY: 200,
      EMAIL_CONCURRENCY: 50,
      SMS_CONCURRENCY: 5,
      PUSH_BATCH_WAIT_MS: 20,
      SMTP_MAX_CONNECTIONS: 10,
      SMTP_MAX_MESSAGES_PER_CONNECTION: 100,
      PUSH_RATE_PER_SECOND: 600,
      EMAIL_RATE_PER_SECOND: 1000,
      SMS_RATE_PER_SECOND: 1,
      PUSH_RECEIPT_DELAY_MS: 900000,
      DELIVERY_TIMEOUT_MS: 15000,
      SSE_HEARTBEAT_MS: 25000,
      SSE_REPLAY_LIMIT: 50,
      GRAPHQL_INTROSPECTION: false,
      GRAPHQL_PERSISTED_ONLY: false,
      GRAPHQL_MAX_DEPTH: 8,
      GRAPHQL_MAX_COST: 5000,
      GRAPHQL_MAX_ALIASES: 15,
      GRAPHQL_MAX_TOKENS: 2000,
      CORS_ORIGINS: [],
      CORS_CREDENTIALS: false,
    });
  });

  it('refuses an unknown BFF_MODE, naming the variable', () => {
    expect(() => loadConfig(bffConfigSchema, { ...required, BFF_MODE: 'cron' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.contains('BFF_MODE');
  });

  it('takes the gamification service as host:port, naming GAMIFICATION_GRPC_URL when it is not', () => {
    expect(loadConfig(bffConfigSchema, { ...required, GAMIFICATION_GRPC_URL: 'gamification:50054' })).to.include({
      GAMIFICATION_GRPC_URL: 'gamification:50054',
    });
    expect(loadConfig(bffConfigSchema, { ...required, GAMIFICATION_GRPC_URL: '' }).GAMIFICATION_GRPC_URL).to.equal(
      undefined,
    );
    expect(() => loadConfig(bffConfigSchema, { ...required, GAMIFICATION_GRPC_URL: 'gamification' })).to.throw(
      /GAMIFICATION_GRPC_URL: must be host:port/,
    );
  });

  it('reads numbers and booleans from their string form', () => {
    const config = loadConfig(bffConfigSchema, {
      ...required,
      BFF_PORT: '9090',
      TRUST_PROXY: 'true',
      REQUEST_TIMEOUT_MS: '2500',
    });
    expect(config).to.include({ BFF_PORT: 9090, TRUST_PROXY: true, REQUEST_TIMEOUT_MS: 2500 });
  });

  it('stops start-up with a message naming each bad or missing variable', () => {
    expect(() => loadConfig(bffConfigSchema, {}))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/AUTH_GRPC_URL: is required/)
      .and.matches(/EXPENSE_GRPC_URL: is required/)
      .and.matches(/GOALS_GRPC_URL: is required/)
      .and.matches(/REDIS_URL: is required/);
    expect(() =>
      loadConfig(bffConfigSchema, {
        ...required,
        AUTH_GRPC_URL: 'no-port',
        EXPENSE_GRPC_URL: 'expense',
        GOALS_GRPC_URL: 'goals',
        BFF_PORT: '70000',
        TRUST_PROXY: 'maybe',
      }),
    )
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/AUTH_GRPC_URL/)
      .and.matches(/EXPENSE_GRPC_URL/)
      .and.matches(/GOALS_GRPC_URL/)
      .and.matches(/BFF_PORT/)
      .and.matches(/TRUST_PROXY/);
    expect(() => loadConfig(bffConfigSchema, { ...required, REDIS_URL: 'http://127.0.0.1:6379' })).to.throw(
      /REDIS_URL: must be/,
    );
  });
});
