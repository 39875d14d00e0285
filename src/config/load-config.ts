import { ConfigModule } from '@nestjs/config';
import { dirname, resolve } from 'node:path';
import { AppConfig } from './app-config.js';
import { developmentStaffToken } from './development-staff-token.js';
import { type Environment, validateEnvironment } from './environment.js';

/**
 * Reads the configuration once, at start-up: @nestjs/config merges `.env` (when
 * there is one; real environment variables win) with process.env and runs the
 * schema's `validate` over the result. A bad value throws a ConfigError that
 * names the variable, before anything else starts.
 */
export async function loadConfig(cwd = process.cwd()): Promise<AppConfig> {
  let environment: Environment | undefined;
  await ConfigModule.forRoot({
    envFilePath: resolve(cwd, '.env'),
    // The raw values go back (the loader copies them into process.env, as dotenv does); the
    // validated, typed ones stay here, so defaults are not written into process.env.
    validate: (raw) => {
      environment = validateEnvironment(raw);
      return raw;
    },
  });
  if (!environment) throw new Error('@nestjs/config did not run the environment schema');
  const config = AppConfig.fromEnvironment(environment, cwd);
  if (config.nodeEnv !== 'development' || !config.staffTokenGenerated) return config;
  const kept = developmentStaffToken(dirname(config.embeddedPgDir));
  return config.with({ staffApiToken: kept.token, staffTokenFile: kept.file });
}
