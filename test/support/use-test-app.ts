import { AppConfig } from '../../src/config/app-config.js';
import { startTestApp, type TestApp } from './test-app.js';

/**
 * The real app on a database of its own for the enclosing `describe` (or the
 * file): started in a `beforeAll`, closed in an `afterAll`. The handle it
 * returns at once reads through to the running app, so a test uses it as the
 * TestApp itself: `t.http()`, `t.staff`, `t.app.get(...)`.
 */
export function useTestApp(overrides: Partial<AppConfig> = {}): TestApp {
  let started: TestApp | undefined;

  beforeAll(async () => {
    started = await startTestApp(overrides);
  });

  afterAll(async () => {
    await started?.close();
    started = undefined;
  });

  const running = (): TestApp => {
    if (!started) throw new Error('The test app is not running: use it inside a test or hook of the describe that called useTestApp()');
    return started;
  };

  return {
    get app() {
      return running().app;
    },
    get database() {
      return running().database;
    },
    get config() {
      return running().config;
    },
    http: () => running().http(),
    get staff() {
      return running().staff;
    },
    close: () => running().close(),
  };
}
